import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAtrium } from '../../support/cli-process.js'
import { freePort } from '../../support/free-port.js'

// A listener that cannot open (here: the port is taken) stops the command with exit 1 and one line
// naming the flag, the address and what to do, with no stack. `atrium start` runs its control
// plane, node and demo upstream in one process: they must all close, or the process would not exit.

async function occupiedPort (t: TestContext): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => { server.close() })
  return (server.address() as AddressInfo).port
}

function tempDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-listen-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function oneLine (stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '')
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`)
  assert.ok(!/^\s+at /m.test(stderr), `no stack trace:\n${stderr}`)
  return lines[0]
}

const inUse = (flag: string, env: string, port: number): string =>
  `error: ${flag} 127.0.0.1:${port}: address already in use; stop the other process or pick another address with ${flag} (${env})`

test('data-plane on a taken --status-listen port exits 1 naming the flag and the address', async (t) => {
  const port = await occupiedPort(t)
  const dir = tempDir(t)
  const file = join(dir, 'kong.yml')
  writeFileSync(file, '_format_version: "3.0"\nservices: []\n')
  const r = await runAtrium(['data-plane', '--config', file, '--proxy-listen', '127.0.0.1:0', '--status-listen', `127.0.0.1:${port}`])
  assert.equal(r.code, 1)
  assert.equal(oneLine(r.stderr), inUse('--status-listen', 'ATRIUM_STATUS_LISTEN', port))
})

test('control-plane on a taken --admin-listen port exits 1 naming the flag, also when the address came from the environment', async (t) => {
  const port = await occupiedPort(t)
  const args = ['control-plane', '--db', 'sqlite::memory:']
  const flag = await runAtrium([...args, '--admin-listen', `127.0.0.1:${port}`])
  assert.equal(flag.code, 1)
  assert.equal(oneLine(flag.stderr), inUse('--admin-listen', 'ATRIUM_ADMIN_LISTEN', port))
  const env = await runAtrium(args, { ATRIUM_ADMIN_LISTEN: `127.0.0.1:${port}` })
  assert.equal(env.code, 1)
  assert.equal(oneLine(env.stderr), inUse('--admin-listen', 'ATRIUM_ADMIN_LISTEN', port))
})

test('control-plane on a taken --cluster-listen port closes the admin listener and exits 1', async (t) => {
  const port = await occupiedPort(t)
  const r = await runAtrium(['control-plane', '--db', 'sqlite::memory:', '--admin-listen', '127.0.0.1:0', '--cluster-listen', `127.0.0.1:${port}`])
  assert.equal(r.code, 1)
  assert.equal(oneLine(r.stderr), inUse('--cluster-listen', 'ATRIUM_CLUSTER_LISTEN', port))
})

test('start on a taken --status-listen port stops its control plane, node and demo upstream, and exits 1', { timeout: 60_000 }, async (t) => {
  const port = await occupiedPort(t)
  const dir = tempDir(t)
  const demoPort = await freePort()
  const r = await runAtrium(['start', '--db', `sqlite:${join(dir, 'atrium.db')}`, '--cache-dir', join(dir, 'cache'),
    '--admin-listen', '127.0.0.1:0', '--proxy-listen', '127.0.0.1:0', '--demo-listen', `127.0.0.1:${demoPort}`,
    '--status-listen', `127.0.0.1:${port}`])
  // Reaching here means the process exited: nothing it opened (admin, cluster, portal, proxy, demo) kept it alive.
  assert.equal(r.code, 1)
  assert.equal(oneLine(r.stderr), inUse('--status-listen', 'ATRIUM_STATUS_LISTEN', port))
  assert.match(r.stdout, /demo echo upstream listening/, 'the failure came after the other parts had started')
  assert.match(r.stdout, /admin listening/)
  const again = createServer()
  again.listen(demoPort, '127.0.0.1')
  await once(again, 'listening')
  again.close()
})

test('start on a taken --demo-listen port exits 1 naming that flag', async (t) => {
  const port = await occupiedPort(t)
  const dir = tempDir(t)
  const r = await runAtrium(['start', '--db', `sqlite:${join(dir, 'atrium.db')}`, '--cache-dir', join(dir, 'cache'), '--admin-listen', '127.0.0.1:0',
    '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0', '--demo-listen', `127.0.0.1:${port}`])
  assert.equal(r.code, 1)
  assert.equal(oneLine(r.stderr), inUse('--demo-listen', 'ATRIUM_DEMO_LISTEN', port))
})
