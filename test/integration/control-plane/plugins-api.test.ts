import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { Ajv } from 'ajv'
import { startControlPlane } from '../../../src/control-plane/control-plane.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { httpCall } from '../../support/http-client.js'
import { describeStores, createTestStore } from '../../support/stores.js'
import { startAdmin, versionOf } from './gateway-kit.js'
import { BUNDLED_PLUGIN_NAMES, PLUGIN_SPECS } from '../../../src/plugins/schemas.js'

const BUNDLED = `Atrium bundles: ${BUNDLED_PLUGIN_NAMES.join(', ')}`

describeStores((store) => {
  test('validates a plugin\'s config against its schema at write time: 400 naming each field, nothing stored', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const bad = await call('POST', '/runtime-groups/prod/plugins', { name: 'request-termination', config: { status_code: 99, minute: 5 } })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.deepEqual(bad.body.fields, { 'config.minute': 'unknown field', 'config.status_code': 'must be between 100 and 599' })
    const rule = await call('POST', '/runtime-groups/prod/plugins', { name: 'request-termination', config: { content_type: 'text/plain' } })
    assert.deepEqual([rule.status, rule.body.fields], [400, { 'config.content_type': 'content_type requires a body' }])
    const unknown = await call('POST', '/runtime-groups/prod/plugins', { name: 'teleport' })
    assert.deepEqual(unknown.body.fields, { name: `unknown plugin "teleport" (${BUNDLED})` })
    assert.equal(await versionOf(call, 'prod'), 0)
  })

  test('stores a plugin\'s config with its defaults, and PATCH merges config fields as Kong does', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const created = await call('POST', '/runtime-groups/prod/plugins', { name: 'correlation-id', config: { header_name: 'X-Request-Id' } })
    assert.equal(created.status, 201, created.text)
    assert.deepEqual(created.body.config, { echo_downstream: false, generator: 'uuid#counter', header_name: 'X-Request-Id' })
    const id = created.body.id as string
    const patched = await call('PATCH', `/runtime-groups/prod/plugins/${id}`, { config: { echo_downstream: true } })
    assert.deepEqual(patched.body.config, { echo_downstream: true, generator: 'uuid#counter', header_name: 'X-Request-Id' })
    const reset = await call('PATCH', `/runtime-groups/prod/plugins/${id}`, { config: { header_name: null } })
    assert.deepEqual(reset.body.config, { echo_downstream: true, generator: 'uuid#counter', header_name: 'Kong-Request-ID' })
    const invalid = await call('PATCH', `/runtime-groups/prod/plugins/${id}`, { config: { generator: 'random' } })
    assert.deepEqual([invalid.status, invalid.body.fields], [400, { 'config.generator': 'must be one of: uuid, uuid#counter, tracker' }])
  })

  test('PUT /config turns nested plugins into plugin entities scoped to their owner; the export lists them at top level', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const file = {
      _format_version: '3.0',
      services: [{
        name: 'orders', host: 'orders.internal',
        plugins: [{ name: 'correlation-id' }],
        routes: [{ name: 'orders-api', paths: ['/orders'], plugins: [{ name: 'request-termination', config: { status_code: 410 } }] }]
      }],
      consumers: [{ username: 'alice', plugins: [{ name: 'request-termination', service: 'orders' }] }]
    }
    const put = await call('PUT', '/runtime-groups/prod/config', file)
    assert.deepEqual([put.status, put.body], [200, { config_version: 1, created: 6, updated: 0, deleted: 0, detached_versions: [], warnings: [] }], put.text)
    const orders = (await call('GET', '/runtime-groups/prod/services/orders')).body
    assert.equal(orders.plugins, undefined, 'not stored inside the service')
    const route = (await call('GET', '/runtime-groups/prod/routes/orders-api')).body
    assert.equal(route.plugins, undefined)
    const alice = (await call('GET', '/runtime-groups/prod/consumers/alice')).body
    const plugins = (await call('GET', '/runtime-groups/prod/plugins')).body.data
    assert.deepEqual(plugins.map((p: any) => [p.name, p.service, p.route, p.consumer]), [
      ['correlation-id', { id: orders.id }, undefined, undefined],
      ['request-termination', undefined, { id: route.id }, undefined],
      ['request-termination', { id: orders.id }, undefined, { id: alice.id }]
    ])
    const exported = (await call('GET', '/runtime-groups/prod/config')).body
    assert.equal(exported.plugins.length, 3)
    assert.equal(exported.services[0].plugins, undefined)
    const again = await call('PUT', '/runtime-groups/prod/config', file)
    assert.deepEqual(again.body, { config_version: 1, created: 0, updated: 0, deleted: 0, detached_versions: [], warnings: [] }, 're-applying the nested file changes nothing')
    const reexport = await call('PUT', '/runtime-groups/prod/config', exported)
    assert.deepEqual(reexport.body, { config_version: 1, created: 0, updated: 0, deleted: 0, detached_versions: [], warnings: [] }, 're-applying the export changes nothing')
  })
})

test('refuses nested plugins in a service, route or consumer body (Kong\'s Admin API has none)', async (t) => {
  const call = await startAdmin(t, 'sqlite')
  await call('POST', '/runtime-groups', { name: 'prod' })
  const r = await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'o.internal', plugins: [{ name: 'correlation-id' }] })
  assert.equal(r.status, 400)
  assert.match(r.body.fields.plugins, /create plugins with POST \/runtime-groups\/prod\/plugins/)
  assert.equal((await call('POST', '/runtime-groups/prod/consumers', { username: 'a', plugins: [] })).status, 400)
})

test('GET /schemas/plugins lists the bundled plugins in execution order; /schemas/plugins/{name} serves the JSON Schema', async (t) => {
  const call = await startAdmin(t, 'sqlite')
  const list = await call('GET', '/schemas/plugins')
  assert.equal(list.status, 200)
  // Every bundled plugin, highest priority first (the priorities themselves are pinned in test/unit/plugins/registry.test.ts).
  assert.deepEqual(list.body.data.map((p: any) => [p.name, p.version, p.priority]), [...PLUGIN_SPECS].sort((a, b) => b.priority - a.priority).map((s) => [s.name, s.version, s.priority]))
  assert.ok(list.body.data.some((p: any) => p.name === 'correlation-id') && list.body.data.some((p: any) => p.name === 'request-termination'))

  const schema = await call('GET', '/schemas/plugins/request-termination')
  assert.equal(schema.status, 200)
  assert.equal(schema.body.title, 'request-termination')
  assert.deepEqual(schema.body['x-atrium-plugin'], { name: 'request-termination', version: '1.0.0', priority: 2 })
  assert.equal(schema.body.additionalProperties, false)
  assert.deepEqual(schema.body.properties.status_code, { default: 503, minimum: 100, maximum: 599, type: 'integer', description: 'Status of the response.' })
  // The served document is a working JSON Schema: it accepts a good config and rejects a bad one.
  const validate = new Ajv({ strict: false }).compile(schema.body)
  assert.equal(validate({ status_code: 404, echo: false }), true)
  assert.equal(validate({ status_code: 1000, echo: false }), false)
  const cid = await call('GET', '/schemas/plugins/correlation-id')
  assert.deepEqual(cid.body.properties.generator.enum, ['uuid', 'uuid#counter', 'tracker'])

  const missing = await call('GET', '/schemas/plugins/teleport')
  assert.deepEqual([missing.status, missing.body.code, missing.body.message], [404, 'ATRIUM_ERR_ADMIN_NOT_FOUND', `no plugin "teleport" (${BUNDLED})`])
})

test('the schema endpoints sit behind the Admin API tokens like every other endpoint', async (t) => {
  const store = await createTestStore('sqlite')
  const cp = await startControlPlane({
    dbUrl: store.url,
    adminListen: { host: '127.0.0.1', port: 0 },
    auth: createAdminAuth({ tokens: 'admin:admin-secret-1,viewer:viewer-secret-1' }),
    logger: pino({ level: 'silent' })
  })
  t.after(async () => { await cp.close(); await store.drop() })
  const url = `http://127.0.0.1:${cp.adminAddress.port}/schemas/plugins/correlation-id`
  const anonymous = await httpCall(url)
  assert.equal(anonymous.status, 401)
  assert.equal(JSON.parse(anonymous.body).code, 'ATRIUM_ERR_ADMIN_UNAUTHORIZED')
  assert.equal((await httpCall(url, { headers: { authorization: 'Bearer wrong-token' } })).status, 401)
  assert.equal((await httpCall(url, { headers: { authorization: 'Bearer viewer-secret-1' } })).status, 200)
})
