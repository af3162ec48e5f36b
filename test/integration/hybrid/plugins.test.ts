import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { NODE_PLUGINS } from '../../../src/data-plane/node-plugins.js'
import { startUpstream } from '../../support/upstream.js'
import { currentConfig, expectStatus, groupWithConfig, listedNodes, servedBy, startControlPlaneProcess, startNodeProcess, tempDir, waitUntil } from './hybrid-kit.js'

test('plugins written on the control plane (declarative and Admin API) reach a node and run there; the node is listed with its plugins', async (t) => {
  const dir = tempDir(t)
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end(`upstream saw ${String(req.headers['x-request-id'])}`) })
  const cp = await startControlPlaneProcess(t, join(dir, 'cp.db'))
  const [token] = await groupWithConfig(cp.call, 'production', {
    _format_version: '3.0',
    services: [{
      name: 'orders',
      url: `http://127.0.0.1:${up.port}`,
      plugins: [{ name: 'correlation-id', config: { header_name: 'X-Request-ID', echo_downstream: true } }],
      routes: [{ name: 'open', paths: ['/open'] }, { name: 'maintenance', paths: ['/maintenance'] }]
    }],
    plugins: [{ name: 'request-termination', route: 'maintenance', config: { status_code: 503, message: 'back soon' } }]
  })
  const node = await startNodeProcess(t, cp.url, token.token, join(dir, 'node'))

  const closed = await servedBy(node, '/maintenance/x', 503, JSON.stringify({ message: 'back soon' }))
  assert.deepEqual(JSON.parse(closed.body), { message: 'back soon' })
  assert.ok(typeof closed.headers['x-request-id'] === 'string', 'correlation-id (service scope) echoes on the exit too')
  const open = await servedBy(node, '/open/x', 200)
  assert.equal(open.body, `upstream saw ${String(open.headers['x-request-id'])}`)

  // A plugin added through the Admin API, scoped to a route, is pushed and applied.
  const route = (await expectStatus(cp.call, 200, 'GET', '/runtime-groups/production/routes/open')).body
  await expectStatus(cp.call, 201, 'POST', '/runtime-groups/production/plugins', { name: 'request-termination', route: { id: route.id }, config: { status_code: 410, message: 'gone' } })
  const gone = await servedBy(node, '/open/x', 410)
  assert.deepEqual(JSON.parse(gone.body), { message: 'gone' })

  const config = await currentConfig(cp.call, 'production')
  await waitUntil('the node is listed in sync', async () => (await listedNodes(cp.call, 'production'))[0]?.config_hash === config.hash)
  const [listed] = await listedNodes(cp.call, 'production')
  assert.equal(listed.sync_status, 'in_sync')
  assert.deepEqual(listed.plugins, NODE_PLUGINS, 'every bundled plugin with its version')
})
