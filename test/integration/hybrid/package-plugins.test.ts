import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pino } from 'pino'
import { startControlPlane } from '../../../src/control-plane/control-plane.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { createTestStore } from '../../support/stores.js'
import { startUpstream } from '../../support/upstream.js'
import { adminClient, startNodeProcess, tempDir, waitUntil, type Call, type NodeProcess } from './hybrid-kit.js'

// Package-wide plugins (/service-packages/{id}/plugins) through a real control plane and two real
// node processes (production and staging): the plugin runs on every version's implementation of
// the package in both groups and on nothing else; a version's own plugin of the same name wins;
// an update reaches the nodes (as a delta) and a delete removes it; GET /config never shows it; the
// version's plugin list names each scope; bad bodies are refused naming the field.

async function ok (call: Call, method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(method, path, body)
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`)
  return r.body
}

async function header (node: NodeProcess, path: string, name: string): Promise<string | undefined> {
  const r = await node.get(path)
  assert.equal(r.status, 200, `${path}: ${r.status} ${r.body}`)
  const v = r.headers[name]
  return v === undefined ? undefined : String(v)
}

async function eventually (node: NodeProcess, path: string, name: string, want: string | undefined): Promise<void> {
  let last: string | undefined
  await waitUntil(() => `${path} on ${node.proxy} has ${name}: ${String(want)} (last: ${String(last)})`, async () => {
    last = await header(node, path, name)
    return last === want
  })
}

test('a package-wide plugin runs on every version\'s implementation in every group, yields to a version\'s own, and follows updates and deletes', async (t) => {
  const store = await createTestStore('sqlite')
  const cp = await startControlPlane({
    dbUrl: store.url,
    adminListen: { host: '127.0.0.1', port: 0 },
    clusterListen: { host: '127.0.0.1', port: 0 },
    auth: createAdminAuth({}),
    logger: pino({ level: 'silent' })
  })
  t.after(async () => { await cp.close(); await store.drop() })
  const call = adminClient(cp.adminAddress.port)
  const up = await startUpstream(t, (req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'text/plain' }); res.end('ok') })
  const url = `http://127.0.0.1:${up.port}`

  const nodes: Record<string, NodeProcess> = {}
  for (const g of ['production', 'staging']) {
    await ok(call, 'POST', '/runtime-groups', { name: g })
    const { token } = await ok(call, 'POST', `/runtime-groups/${g}/data-plane-tokens`, {})
    nodes[g] = await startNodeProcess(t, `ws://127.0.0.1:${cp.clusterAddress?.port ?? 0}`, token, join(tempDir(t), g))
  }
  const version = async (pkg: string, v: string, g: string, path: string): Promise<string> => {
    await ok(call, 'POST', `/service-packages/${pkg}/versions`, { version: v, runtime_group: g })
    const { service } = await ok(call, 'PUT', `/service-packages/${pkg}/versions/${v}/implementation?runtime_group=${g}`, { service: { name: `${pkg}-${v}-${g}`, url } })
    await ok(call, 'POST', `/runtime-groups/${g}/services/${service.id as string}/routes`, { name: `${pkg}-${v}-${g}`, paths: [path] })
    return service.id
  }
  await ok(call, 'POST', '/service-packages', { name: 'payments' })
  await ok(call, 'POST', '/service-packages', { name: 'orders' })
  const v1 = await version('payments', 'v1', 'production', '/pay/v1')
  await version('payments', 'v2', 'production', '/pay/v2')
  await version('payments', 'v2', 'staging', '/pay/v2')
  await version('orders', 'v1', 'production', '/orders')
  const exportBefore = await ok(call, 'GET', '/runtime-groups/production/config')
  const stagingVersion = (await ok(call, 'GET', '/runtime-groups/staging')).config_version

  const plugin = await call('POST', '/service-packages/payments/plugins', { name: 'response-transformer', config: { add: { headers: ['x-scope:package'] } } })
  assert.equal(plugin.status, 201, plugin.text)
  assert.deepEqual(plugin.body.service_package, { id: (await ok(call, 'GET', '/service-packages/payments')).id })
  assert.deepEqual(plugin.body.config.add.headers, ['x-scope:package'])
  assert.deepEqual(plugin.body.config.remove.headers, [], 'defaults filled in, as Kong shows a plugin')
  assert.equal((await ok(call, 'GET', '/runtime-groups/staging')).config_version, stagingVersion + 1, 'every group where the package is implemented changes')

  await eventually(nodes.production, '/pay/v1', 'x-scope', 'package')
  await eventually(nodes.production, '/pay/v2', 'x-scope', 'package')
  await eventually(nodes.staging, '/pay/v2', 'x-scope', 'package')
  assert.equal(await header(nodes.production, '/orders', 'x-scope'), undefined, 'another package\'s service does not get it')
  assert.deepEqual(await ok(call, 'GET', '/runtime-groups/production/config'), exportBefore, 'not a gateway entity: GET /config does not change')

  // The version's own plugin of that name wins on its service only.
  const own = await ok(call, 'POST', '/runtime-groups/production/plugins', { name: 'response-transformer', service: { id: v1 }, config: { add: { headers: ['x-scope:version'] } } })
  await eventually(nodes.production, '/pay/v1', 'x-scope', 'version')
  assert.equal(await header(nodes.production, '/pay/v2', 'x-scope'), 'package')
  const listed = (await ok(call, 'GET', '/service-packages/payments/versions/v1/plugins')).data
  assert.deepEqual(listed.map((p: any) => [p.scope, p.plugin.name, p.active ?? null]), [['version', 'response-transformer', null], ['package', 'response-transformer', false]])
  assert.deepEqual(listed[1].overridden_by, { id: own.id })
  const v2Listed = (await ok(call, 'GET', '/service-packages/payments/versions/v2/plugins?runtime_group=staging')).data
  assert.deepEqual(v2Listed.map((p: any) => [p.scope, p.active ?? null]), [['package', true]])

  // An update reaches both groups; a delete removes it everywhere.
  const updated = await call('PATCH', `/service-packages/payments/plugins/${plugin.body.id as string}`, { config: { add: { headers: ['x-scope:package-2'] } } })
  assert.equal(updated.status, 200, updated.text)
  await eventually(nodes.staging, '/pay/v2', 'x-scope', 'package-2')
  await eventually(nodes.production, '/pay/v2', 'x-scope', 'package-2')
  assert.equal(await header(nodes.production, '/pay/v1', 'x-scope'), 'version')
  assert.equal((await call('DELETE', `/service-packages/payments/plugins/${plugin.body.id as string}`)).status, 204)
  await eventually(nodes.staging, '/pay/v2', 'x-scope', undefined)
  await eventually(nodes.production, '/pay/v2', 'x-scope', undefined)
  assert.deepEqual((await ok(call, 'GET', '/service-packages/payments/plugins')).data, [])

  // Refusals name the field and write nothing.
  const before = (await ok(call, 'GET', '/runtime-groups/production')).config_version
  const bad = await call('POST', '/service-packages/payments/plugins', { name: 'rate-limiting', config: { minute: -5 } })
  assert.equal(bad.status, 400, bad.text)
  assert.ok(Object.keys(bad.body.fields).some((p) => p.startsWith('config')), bad.text)
  const unknown = await call('POST', '/service-packages/payments/plugins', { name: 'no-such-plugin' })
  assert.equal(unknown.status, 400)
  assert.deepEqual(Object.keys(unknown.body.fields), ['name'])
  const scoped = await call('POST', '/service-packages/payments/plugins', { name: 'cors', route: { id: v1 } })
  assert.equal(scoped.status, 400)
  assert.deepEqual(Object.keys(scoped.body.fields), ['route'])
  await ok(call, 'POST', '/service-packages/payments/plugins', { name: 'cors' })
  const twice = await call('POST', '/service-packages/payments/plugins', { name: 'cors' })
  assert.equal(twice.status, 409)
  assert.equal((await ok(call, 'GET', '/runtime-groups/production')).config_version, before + 1, 'only the accepted cors plugin changed the group')
})
