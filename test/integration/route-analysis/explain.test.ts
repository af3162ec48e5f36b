import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { startControlPlane } from '../../../src/control-plane/control-plane.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { runAtrium } from '../../support/cli-process.js'
import { httpCall } from '../../support/http-client.js'
import { createTestStore } from '../../support/stores.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'
import { startNodeProcess, tempDir, waitUntil } from '../hybrid/hybrid-kit.js'

// Explaining a match, through every door: the Admin API (a viewer token may ask), a real node's
// status listener (its applied config), `atrium routes explain` against the control plane and
// DB-less against a file, and the debug headers a node adds on demand (token, not sent upstream).

const ADMIN = 'admin-token-for-explain'
const VIEWER = 'viewer-token-for-explain'
const DEBUG_TOKEN = 'debug-token-3f9a'

test('routes explain: Admin API, node status listener, CLI (remote and DB-less) and the on-demand debug headers agree', async (t) => {
  const store = await createTestStore('sqlite')
  const cp = await startControlPlane({
    dbUrl: store.url,
    adminListen: { host: '127.0.0.1', port: 0 },
    clusterListen: { host: '127.0.0.1', port: 0 },
    auth: createAdminAuth({ tokens: `admin:${ADMIN},viewer:${VIEWER}` }),
    logger: pino({ level: 'silent' })
  })
  t.after(async () => { await cp.close(); await store.drop() })
  const base = `http://127.0.0.1:${cp.adminAddress.port}`
  const call = async (token: string, method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const r = await httpCall(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: r.status, body: r.body === '' ? undefined : JSON.parse(r.body) }
  }
  const up = await startUpstream(t, echoHandler)
  const doc = {
    _format_version: '3.0',
    services: [{
      name: 'orders-svc',
      url: `http://127.0.0.1:${up.port}/api`,
      routes: [
        { name: 'all', paths: ['/'] },
        { name: 'orders', paths: ['/orders'] },
        { name: 'order-by-id', paths: ['~/orders/(?<id>\\d+)$'], methods: ['GET'] },
        { name: 'create-order', paths: ['/orders'], methods: ['POST'] },
        { name: 'orders-v2', paths: ['/orders'], headers: { 'x-version': ['2'] } }
      ]
    }]
  }
  assert.equal((await call(ADMIN, 'POST', '/runtime-groups', { name: 'production' })).status, 201)
  assert.equal((await call(ADMIN, 'PUT', '/runtime-groups/production/config', doc)).status, 200)
  const { token } = (await call(ADMIN, 'POST', '/runtime-groups/production/data-plane-tokens', {})).body
  const node = await startNodeProcess(t, `ws://127.0.0.1:${cp.clusterAddress?.port ?? 0}`, token as string, join(tempDir(t), 'node'),
    ['--route-debug-header', 'X-Atrium-Debug', '--route-debug-token', DEBUG_TOKEN])
  await waitUntil('the node serves the config', async () => (await node.get('/orders/7')).status === 200, 15_000)

  const request = { method: 'GET', url: 'http://shop.example.com/orders/42?expand=items' }
  let fromCp: any
  await t.test('the Admin API explains against the group\'s current config; a viewer may ask', async () => {
    const r = await call(VIEWER, 'POST', '/runtime-groups/production/routes/explain', request)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    fromCp = r.body
    assert.equal(fromCp.route.name, 'order-by-id')
    assert.equal(fromCp.route.service.name, 'orders-svc')
    assert.match(fromCp.route.id, /^[0-9a-f-]{36}$/)
    assert.equal(fromCp.upstream_path, '/api?expand=items')
    assert.equal(fromCp.matched_path, '~/orders/(?<id>\\d+)$')
    assert.deepEqual(fromCp.candidates.map((c: any) => [c.route.name, c.lost_because]), [
      ['orders', 'fewer match criteria: 1 (paths) < 2 (methods, paths)'],
      ['all', 'fewer match criteria: 1 (paths) < 2 (methods, paths)']
    ])
    assert.deepEqual(Object.fromEntries(fromCp.near_misses.map((n: any) => [n.route.name, n.failed])), {
      'create-order': 'methods: GET is not one of POST',
      'orders-v2': 'headers: x-version is missing; the route takes 2'
    })
    const other = await call(ADMIN, 'POST', '/runtime-groups/production/routes/explain', { method: 'DELETE', path: '/nothing' })
    assert.equal(other.body.route.name, 'all')
    assert.deepEqual(other.body.candidates, [])

    const bad = await call(ADMIN, 'POST', '/runtime-groups/production/routes/explain', { url: 'http://x/y', headers: { 'x-a': 1 } })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.deepEqual(Object.keys(bad.body.fields), ['headers.x-a'])
    assert.equal((await call(ADMIN, 'POST', '/runtime-groups/nope/routes/explain', request)).status, 404)
    assert.equal((await call(VIEWER, 'PUT', '/runtime-groups/production/config', doc)).status, 403, 'viewers still cannot write')
  })

  await t.test('the node\'s status listener explains from the config it applied, the same way', async () => {
    const r = await httpCall(`${node.statusBase}/routes/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })
    assert.equal(r.status, 200, r.body)
    const fromNode = JSON.parse(r.body)
    assert.equal(fromNode.config_hash, (await node.status()).config_hash)
    for (const key of ['route', 'matched_path', 'upstream_path', 'priority', 'candidates', 'near_misses']) assert.deepEqual(fromNode[key], fromCp[key], key)
    const bad = await httpCall(`${node.statusBase}/routes/explain`, { method: 'POST', body: '{"path": 3}' })
    assert.equal(bad.status, 400)
    assert.deepEqual(Object.keys(JSON.parse(bad.body).fields), ['path'])
    assert.equal((await httpCall(`${node.statusBase}/routes/explain`)).status, 405)
  })

  await t.test('the debug headers: only with the token, the priority tuple with them, and the header never reaches the upstream', async () => {
    const asked = await httpCall(`${node.proxy}/orders/42`, { headers: { 'x-atrium-debug': DEBUG_TOKEN } })
    assert.equal(asked.status, 200)
    assert.equal(asked.headers['atrium-route'], 'order-by-id')
    assert.equal(asked.headers['atrium-route-priority'], 'criteria=2,plain_hosts=0,headers=0,regex=1,regex_priority=0,prefix_length=0,host_port=0,route_index=2')
    assert.equal(JSON.parse(asked.body).headers['x-atrium-debug'], undefined, 'not sent upstream')
    for (const headers of [{}, { 'x-atrium-debug': 'wrong' } as Record<string, string>, { 'x-atrium-debug': DEBUG_TOKEN.slice(0, -1) }]) {
      const r = await httpCall(`${node.proxy}/orders/42`, { headers })
      assert.equal(r.status, 200)
      assert.equal(r.headers['atrium-route'], undefined, JSON.stringify(headers))
    }
    const missed = await httpCall(`${node.proxy}/orders`, { method: 'PUT', headers: { 'x-atrium-debug': DEBUG_TOKEN } })
    assert.equal(missed.headers['atrium-route'], 'orders', 'on any response of the route')
  })

  await t.test('atrium routes explain: against the control plane, and DB-less against a file', async () => {
    const remote = await runAtrium(['routes', 'explain', 'http://shop.example.com/orders', '-X', 'POST', '--runtime-group', 'production',
      '--admin-url', base, '--admin-token', VIEWER])
    assert.equal(remote.code, 0, remote.stderr)
    assert.match(remote.stdout, /^route: create-order \(service orders-svc\) by \/orders$/m)
    assert.match(remote.stdout, /^upstream path: \/api$/m)
    assert.match(remote.stdout, /^also matched:\n {2}orders \(service orders-svc\) by \/orders: fewer match criteria: 1 \(paths\) < 2 \(methods, paths\)$/m)

    const file = join(tempDir(t), 'kong.yaml')
    writeFileSync(file, JSON.stringify(doc))
    const local = await runAtrium(['routes', 'explain', '/orders', '-H', 'X-Version: 2', '--config', file, '--format', 'json'])
    assert.equal(local.code, 0, local.stderr)
    const explained = JSON.parse(local.stdout)
    assert.equal(explained.route.name, 'orders-v2')
    assert.equal(explained.candidates[0].lost_because, 'fewer match criteria: 1 (paths) < 2 (headers, paths)')

    const usage = await runAtrium(['routes', 'explain', '/x'])
    assert.equal(usage.code, 1)
    assert.match(usage.stderr, /--runtime-group NAME .* or --config FILE/)
    const refused = await runAtrium(['routes', 'explain', '/x', '--runtime-group', 'nope', '--admin-url', base, '--admin-token', VIEWER])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /no runtime group/)
  })
})
