// Starts a throwaway Redis server for the test run: Debian's redis-server on 127.0.0.1 with a free
// port, no persistence (`--save ''`, no AOF) and its files in a temp dir. Returns its URL and a stop
// function. The rate-limiting plugin's `policy: redis` tests run against it.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function findRedisServer () {
  if (process.env.ATRIUM_REDIS_SERVER) return process.env.ATRIUM_REDIS_SERVER
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(p)) return p
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : null
}

function freePort () {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** Resolves once the server answers PING with +PONG. */
function ping (port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    const done = (ok) => { socket.destroy(); resolve(ok) }
    socket.setTimeout(500, () => done(false))
    socket.on('error', () => done(false))
    socket.on('data', (c) => { data += c; if (data.includes('\r\n')) done(data.startsWith('+PONG')) })
    socket.write('PING\r\n')
  })
}

export async function startThrowawayRedis () {
  const bin = findRedisServer()
  if (bin === null) throw new Error('redis-server not found (install Debian\'s redis-server package, or set ATRIUM_TEST_REDIS_URL)')
  const dir = mkdtempSync(join(tmpdir(), 'atrium-redis-'))
  const port = await freePort()
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'ignore', 'inherit'] })
  let exited = false
  child.once('exit', () => { exited = true })
  const deadline = Date.now() + 10_000
  while (!(await ping(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`redis-server did not start on 127.0.0.1:${port}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop () {
      if (!exited) child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
