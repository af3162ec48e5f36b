import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freePort } from '../../support/free-port.js'
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_DEMO_LISTEN } from '../../../src/defaults.js'
import { startAtrium, type AtriumProcess } from '../../support/cli-process.js'
import { httpCall } from '../../support/http-client.js'

interface Started { proc: AtriumProcess, proxy: string, admin: string, status: string }

async function start (dir: string, demoPort: number, extra: string[] = []): Promise<Started> {
  // The example's upstream is the demo echo server; point it at a free port for this test.
  const example = readFileSync(new URL('../../../../config/example.yaml', import.meta.url), 'utf8')
  const file = join(dir, 'example.yaml')
  writeFileSync(file, example.replaceAll(DEFAULT_DEMO_LISTEN, `127.0.0.1:${demoPort}`))
  const proc = startAtrium(['start', '--db', `sqlite:${join(dir, 'atrium.db')}`, '--config', file, '--cache-dir', join(dir, 'cache'),
    '--admin-listen', '127.0.0.1:0', '--cluster-listen', '127.0.0.1:0', '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0',
    '--portal-listen', '127.0.0.1:0', '--demo-listen', `127.0.0.1:${demoPort}`, ...extra])
  try {
    const proxy = await proc.waitForLog((l) => l.msg === 'proxy listening')
    const admin = await proc.waitForLog((l) => l.msg === 'admin listening')
    const status = await proc.waitForLog((l) => l.msg === 'status listening')
    // A fresh node applies the snapshot; a restarted one already serves it from its cache.
    await proc.waitForLog((l) => l.msg === 'snapshot applied' || (l.msg === 'control plane welcomed the node' && l.sync_status === 'in_sync'))
    // Once all is listening, the URLs to open: the UI on the admin listener, the portal on its own.
    assert.equal((await proc.waitForLog((l) => l.msg === 'service hub ui')).url, `http://127.0.0.1:${admin.port as number}/ui/`)
    const portal = await proc.waitForLog((l) => l.msg === 'dev portal listening')
    assert.equal((await proc.waitForLog((l) => l.msg === 'dev portal')).url, `http://127.0.0.1:${portal.port as number}/`)
    return { proc, proxy: `http://127.0.0.1:${proxy.port as number}`, admin: `http://127.0.0.1:${admin.port as number}`, status: `http://127.0.0.1:${status.port as number}` }
  } catch (err) {
    await proc.stop()
    throw err
  }
}

test('atrium start runs a control plane and a joined data plane that serves the example through the demo upstream', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-start-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const demoPort = await freePort()

  const first = await start(dir, demoPort)
  t.after(() => first.proc.stop())
  const r = await httpCall(`${first.proxy}/demo/hello?x=1`)
  assert.equal(r.status, 200)
  const echoed = JSON.parse(r.body) as { url: string, service: string }
  assert.equal(echoed.url, '/echo/hello?x=1')
  assert.match(echoed.service, /demo echo upstream/)
  // The node's latency histograms are in seconds, as for atrium data-plane.
  const metrics = (await httpCall(`${first.status}/metrics`)).body
  assert.match(metrics, /^atrium_request_latency_seconds_count\{service="demo-echo",route="demo"\} 1$/m)
  assert.ok(!metrics.includes('_latency_ms'))

  // The node is a real data plane of the group "default", listed by the control plane.
  const nodes = JSON.parse((await httpCall(`${first.admin}/runtime-groups/default/data-planes`)).body) as { data: Array<{ connected: boolean, sync_status: string }> }
  assert.equal(nodes.data.length, 1)
  assert.equal(nodes.data[0].connected, true)
  assert.equal(nodes.data[0].sync_status, 'in_sync')

  // A change through the Admin API reaches the node.
  const routes = await httpCall(`${first.admin}/runtime-groups/default/routes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'added', paths: ['/added'], service: { id: (JSON.parse((await httpCall(`${first.admin}/runtime-groups/default/services/demo-echo`)).body) as { id: string }).id } }) })
  assert.equal(routes.status, 201, routes.body)
  let added = 0
  for (let i = 0; i < 100 && added !== 200; i++) {
    added = (await httpCall(`${first.proxy}/added/x`)).status
    if (added !== 200) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  assert.equal(added, 200)
  assert.equal(await first.proc.stop(), 0)

  // A second start on the same store keeps the changed config (no re-seed) and replaces its node token.
  const second = await start(dir, demoPort)
  t.after(() => second.proc.stop())
  assert.equal((await httpCall(`${second.proxy}/added/x`)).status, 200)
  assert.ok(!second.proc.logs.some((l) => l.msg === 'empty store: example config loaded'))
  const tokens = JSON.parse((await httpCall(`${second.admin}/runtime-groups/default/data-plane-tokens`)).body) as { data: unknown[] }
  assert.equal(tokens.data.length, 1)
  assert.equal(await second.proc.stop(), 0)
})

test('atrium start with admin tokens seeds through its own Admin API and still requires tokens from clients', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-start-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const demoPort = await freePort()
  const tokenFile = join(dir, 'tokens')
  writeFileSync(tokenFile, 'admin:operator-secret\n')
  const s = await start(dir, demoPort, ['--admin-token-file', tokenFile])
  t.after(() => s.proc.stop())
  assert.equal((await httpCall(`${s.proxy}/demo/a`)).status, 200)
  assert.equal((await httpCall(`${s.admin}/runtime-groups`)).status, 401)
  assert.equal((await httpCall(`${s.admin}/runtime-groups`, { headers: { authorization: 'Bearer operator-secret' } })).status, 200)
})
