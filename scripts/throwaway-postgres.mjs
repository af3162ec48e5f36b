// Starts a throwaway PostgreSQL server for the test run (PostgreSQL refuses to run as root, so it
// runs as the `postgres` user, or `nobody`, when we are root). Returns its URL and a stop function.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function findPgBin () {
  if (process.env.ATRIUM_PG_BIN) return process.env.ATRIUM_PG_BIN
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return null
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  return versions.length > 0 ? join(base, versions[0], 'bin') : null
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

export async function startThrowawayPostgres () {
  const bin = findPgBin()
  if (bin === null) throw new Error('PostgreSQL server binaries not found (install Debian\'s postgresql package, or set ATRIUM_TEST_POSTGRES_URL)')
  const isRoot = process.getuid?.() === 0
  let user = null
  if (isRoot) user = spawnSync('id', ['-u', 'postgres']).status === 0 ? 'postgres' : 'nobody'
  const dir = mkdtempSync(join(tmpdir(), 'atrium-pg-'))
  chmodSync(dir, 0o777)
  if (user !== null) execFileSync('chown', [user, dir])
  const port = await freePort()
  const run = (cmd, args) => {
    const full = join(bin, cmd)
    if (user !== null) execFileSync('runuser', ['-u', user, '--', full, ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
    else execFileSync(full, args, { stdio: ['ignore', 'ignore', 'inherit'] })
  }
  run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'])
  run('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '30', '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=300`, 'start'])
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop () {
      try { run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']) } catch {}
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
