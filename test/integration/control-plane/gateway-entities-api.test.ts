import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin, versionOf, type Call } from './gateway-kit.js'
import { BUNDLED_PLUGIN_NAMES } from '../../../src/plugins/schemas.js'

async function withGroup (call: Call): Promise<void> {
  assert.equal((await call('POST', '/runtime-groups', { name: 'prod' })).status, 201)
}

async function expectCreated (call: Call, path: string, body: unknown): Promise<void> {
  const r = await call('POST', path, body)
  assert.equal(r.status, 201, r.text)
}

describeStores((store) => {
  test('creates a service from a url and answers Kong\'s shape with defaults, by id and by name', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    const created = await call('POST', '/runtime-groups/prod/services', { name: 'orders', url: 'https://orders.internal:8443/v1', tags: ['team-a'] })
    assert.equal(created.status, 201)
    const s = created.body
    assert.deepEqual([s.protocol, s.host, s.port, s.path, s.retries, s.connect_timeout, s.tls_verify], ['https', 'orders.internal', 8443, '/v1', 5, 60000, true])
    assert.equal(s.url, undefined)
    assert.equal(typeof s.created_at, 'number')
    assert.deepEqual((await call('GET', `/runtime-groups/prod/services/${s.id as string}`)).body, s)
    assert.deepEqual((await call('GET', '/runtime-groups/prod/services/orders')).body, s)
    const list = await call('GET', '/runtime-groups/prod/services')
    assert.deepEqual(list.body, { data: [s], next: null })
  })

  test('reports invalid service fields with the request\'s field paths (400)', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    const bad = await call('POST', '/runtime-groups/prod/services', { name: 'bad name', host: 'a.internal', port: 70000, colour: 'red' })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.deepEqual(bad.body.fields, {
      colour: 'unknown field',
      name: 'must contain only letters, digits, ".", "-", "_" or "~"',
      port: 'must be between 1 and 65535'
    })
    // Kong's shorthand: url overrides the host given next to it.
    const both = await call('POST', '/runtime-groups/prod/services', { name: 'both', url: 'http://a.internal', host: 'b.internal' })
    assert.deepEqual([both.status, both.body.host], [201, 'a.internal'])
    assert.equal((await call('POST', '/runtime-groups/prod/services', [])).status, 400)
  })

  test('patches a service by merging, and a new url replaces protocol, host, port and path', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'a.internal', port: 8080, path: '/x' })
    const p1 = await call('PATCH', '/runtime-groups/prod/services/orders', { retries: 2 })
    assert.deepEqual([p1.status, p1.body.retries, p1.body.port, p1.body.path], [200, 2, 8080, '/x'])
    const p2 = await call('PATCH', '/runtime-groups/prod/services/orders', { url: 'https://b.internal' })
    assert.deepEqual([p2.body.protocol, p2.body.host, p2.body.port, p2.body.path, p2.body.retries], ['https', 'b.internal', 443, undefined, 2])
    const bad = await call('PATCH', '/runtime-groups/prod/services/orders', { port: 'x' })
    assert.deepEqual([bad.status, bad.body.fields], [400, { port: 'must be an integer' }])
    assert.equal((await call('PATCH', '/runtime-groups/prod/services/missing', { retries: 1 })).status, 404)
  })

  test('PUT creates by name or id and replaces an existing service, keeping id and created_at', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    const created = await call('PUT', '/runtime-groups/prod/services/billing', { host: 'billing.internal', retries: 1 })
    assert.equal(created.status, 201)
    assert.equal(created.body.name, 'billing')
    const replaced = await call('PUT', '/runtime-groups/prod/services/billing', { host: 'billing2.internal' })
    assert.equal(replaced.status, 200)
    assert.deepEqual([replaced.body.id, replaced.body.created_at, replaced.body.host, replaced.body.retries], [created.body.id, created.body.created_at, 'billing2.internal', 5])
    const byId = await call('PUT', '/runtime-groups/prod/services/0b8f3c1e-2f1d-4a7e-9a53-1d2c3b4a5f60', { name: 'other', host: 'o.internal' })
    assert.deepEqual([byId.status, byId.body.id], [201, '0b8f3c1e-2f1d-4a7e-9a53-1d2c3b4a5f60'])
    const mismatch = await call('PUT', '/runtime-groups/prod/services/billing', { id: '0b8f3c1e-2f1d-4a7e-9a53-1d2c3b4a5f60', host: 'x.internal' })
    assert.deepEqual([mismatch.status, Object.keys(mismatch.body.fields)], [400, ['id']])
  })

  test('names are unique within a group (409) but not across groups', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    await call('POST', '/runtime-groups', { name: 'dev' })
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'a.internal' })
    const dup = await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'b.internal' })
    assert.deepEqual([dup.status, dup.body.code, dup.body.fields], [409, 'ATRIUM_ERR_ADMIN_CONFLICT', { name: 'already exists' }])
    assert.equal((await call('POST', '/runtime-groups/dev/services', { name: 'orders', host: 'b.internal' })).status, 201)
    await call('POST', '/runtime-groups/prod/services', { name: 'other', host: 'a.internal' })
    assert.equal((await call('PATCH', '/runtime-groups/prod/services/other', { name: 'orders' })).status, 409)
  })

  test('manages routes at the top level and nested under their service, by id and by name', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    const s = (await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'a.internal' })).body
    await call('POST', '/runtime-groups/prod/services', { name: 'other', host: 'b.internal' })
    const nested = await call('POST', '/runtime-groups/prod/services/orders/routes', { name: 'list', paths: ['/orders'], methods: ['GET'] })
    assert.equal(nested.status, 201)
    assert.deepEqual(nested.body.service, { id: s.id })
    assert.deepEqual([nested.body.strip_path, nested.body.protocols], [true, ['http', 'https']])
    const top = await call('POST', '/runtime-groups/prod/routes', { name: 'by-name', paths: ['/o2'], service: { name: 'orders' } })
    assert.deepEqual([top.status, top.body.service], [201, { id: s.id }])
    assert.equal((await call('POST', '/runtime-groups/prod/routes', { name: 'third', paths: ['/o3'], service: { name: 'other' } })).status, 201)
    assert.deepEqual((await call('GET', '/runtime-groups/prod/services/orders/routes')).body.data.map((r: any) => r.name), ['list', 'by-name'])
    assert.equal((await call('GET', '/runtime-groups/prod/services/other/routes/list')).status, 404)
    assert.equal((await call('GET', `/runtime-groups/prod/routes/${nested.body.id as string}`)).body.name, 'list')
    const patched = await call('PATCH', '/runtime-groups/prod/services/orders/routes/list', { hosts: ['api.example.com'] })
    assert.deepEqual([patched.status, patched.body.hosts, patched.body.paths], [200, ['api.example.com'], ['/orders']])
    assert.equal((await call('DELETE', '/runtime-groups/prod/routes/by-name')).status, 204)
    assert.equal((await call('GET', '/runtime-groups/prod/routes/by-name')).status, 404)
  })

  test('reports route errors by field path: regex, missing matchers, unknown service', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'a.internal' })
    const regex = await call('POST', '/runtime-groups/prod/services/orders/routes', { paths: ['/ok', '~/a(?=b)'] })
    assert.deepEqual([regex.status, regex.body.fields], [400, { 'paths[1]': 'invalid regex: invalid perl operator: (?=' }])
    const none = await call('POST', '/runtime-groups/prod/services/orders/routes', { name: 'x' })
    assert.deepEqual(none.body.fields, { '': 'must have at least one of methods, hosts, headers, paths or snis' })
    const missing = await call('POST', '/runtime-groups/prod/routes', { paths: ['/a'], service: { name: 'nope' } })
    assert.deepEqual([missing.status, missing.body.fields], [400, { service: 'no service named "nope"' }])
    // Kong accepts a route without a service (its plugins run, then the node answers 503); unset
    // fields are left out of answers, as everywhere in this API.
    const unset = await call('POST', '/runtime-groups/prod/routes', { name: 'no-service', paths: ['/a'] })
    assert.deepEqual([unset.status, 'service' in unset.body], [201, false])
    const attached = await call('PATCH', '/runtime-groups/prod/routes/no-service', { service: { name: 'orders' } })
    assert.equal(attached.status, 200, attached.text)
    assert.equal(typeof attached.body.service.id, 'string')
    const unset2 = await call('PATCH', '/runtime-groups/prod/routes/no-service', { service: null })
    assert.deepEqual([unset2.status, 'service' in unset2.body], [200, false])
    const exported = await call('GET', '/runtime-groups/prod/config')
    assert.deepEqual(exported.body.routes.map((r: any) => [r.name, r.service ?? null]), [['no-service', null]])
    assert.equal((await call('POST', '/runtime-groups/prod/services/nope/routes', { paths: ['/a'] })).status, 404)
  })

  test('accepts route snis as Kong does, reports bad ones by field path, and exports them', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'a.internal' })
    const created = await call('POST', '/runtime-groups/prod/services/orders/routes', { name: 'by-sni', snis: ['api.example.com', '*.wild.example'] })
    assert.equal(created.status, 201, created.text)
    assert.deepEqual(created.body.snis, ['api.example.com', '*.wild.example'])
    const bad = await call('POST', '/runtime-groups/prod/services/orders/routes', { paths: ['/b'], snis: ['ok.example', 'a.*.example'] })
    assert.deepEqual([bad.status, Object.keys(bad.body.fields)], [400, ['snis[1]']])
    const http = await call('POST', '/runtime-groups/prod/services/orders/routes', { paths: ['/c'], protocols: ['http'], snis: ['c.example'] })
    assert.deepEqual([http.status, http.body.fields], [400, { snis: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'" }])
    const patchedBad = await call('PATCH', '/runtime-groups/prod/routes/by-sni', { protocols: ['http'] })
    assert.equal(patchedBad.status, 400)
    const patched = await call('PATCH', '/runtime-groups/prod/routes/by-sni', { snis: ['other.example'] })
    assert.deepEqual([patched.status, patched.body.snis], [200, ['other.example']])
    const exported = await call('GET', '/runtime-groups/prod/config')
    assert.deepEqual(exported.body.services[0].routes.map((r: any) => r.snis), [['other.example']])
  })

  test('refuses to delete a service that routes or plugins use (409) unless cascade=true', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'a.internal' })
    await call('POST', '/runtime-groups/prod/services', { name: 'keep', host: 'b.internal' })
    const route = (await call('POST', '/runtime-groups/prod/services/orders/routes', { name: 'r', paths: ['/o'] })).body
    await call('POST', '/runtime-groups/prod/services/keep/routes', { name: 'k', paths: ['/k'] })
    await expectCreated(call, '/runtime-groups/prod/plugins', { name: 'correlation-id', service: { name: 'orders' } })
    await expectCreated(call, '/runtime-groups/prod/plugins', { name: 'request-termination', route: { id: route.id } })
    await expectCreated(call, '/runtime-groups/prod/plugins', { name: 'correlation-id', service: 'keep' })
    const refused = await call('DELETE', '/runtime-groups/prod/services/orders')
    assert.deepEqual([refused.status, refused.body.code], [409, 'ATRIUM_ERR_ADMIN_CONFLICT'])
    assert.equal((await call('GET', '/runtime-groups/prod/routes')).body.data.length, 2)
    assert.equal((await call('DELETE', '/runtime-groups/prod/services/orders?cascade=true')).status, 204)
    assert.deepEqual((await call('GET', '/runtime-groups/prod/routes')).body.data.map((r: any) => r.name), ['k'])
    assert.equal((await call('GET', '/runtime-groups/prod/plugins')).body.data.length, 1)
    assert.equal((await call('GET', '/runtime-groups/prod/services/orders')).status, 404)
  })

  test('stores plugins with Kong defaults, rejects unknown names and bad shapes (400) and duplicates per scope', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'a.internal' })
    const p = await call('POST', '/runtime-groups/prod/plugins', { name: 'request-termination', config: { status_code: 418 }, service: { name: 'orders' } })
    assert.equal(p.status, 201)
    assert.deepEqual([p.body.enabled, p.body.protocols, p.body.config], [true, ['grpc', 'grpcs', 'http', 'https'], { echo: false, status_code: 418 }])
    const unknown = await call('POST', '/runtime-groups/prod/plugins', { name: 'teleport' })
    assert.deepEqual([unknown.status, unknown.body.fields], [400, { name: `unknown plugin "teleport" (Atrium bundles: ${BUNDLED_PLUGIN_NAMES.join(', ')})` }])
    const shape = await call('POST', '/runtime-groups/prod/plugins', { name: 'correlation-id', config: [], enabled: 'yes' })
    assert.deepEqual(Object.keys(shape.body.fields).sort(), ['config', 'enabled'])
    const dup = await call('POST', '/runtime-groups/prod/plugins', { name: 'request-termination', service: 'orders' })
    assert.equal(dup.status, 400)
    const patched = await call('PATCH', `/runtime-groups/prod/plugins/${p.body.id as string}`, { enabled: false })
    assert.deepEqual([patched.status, patched.body.enabled, patched.body.config], [200, false, { echo: false, status_code: 418 }])
    assert.equal((await call('GET', '/runtime-groups/prod/plugins/request-termination')).status, 404)
    assert.equal((await call('DELETE', `/runtime-groups/prod/plugins/${p.body.id as string}`)).status, 204)
  })

  test('consumers need a username or custom_id, both unique; deleting one deletes its plugins', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    const alice = await call('POST', '/runtime-groups/prod/consumers', { username: 'alice', custom_id: 'c-1' })
    assert.equal(alice.status, 201)
    assert.deepEqual((await call('GET', '/runtime-groups/prod/consumers/alice')).body, alice.body)
    assert.deepEqual((await call('POST', '/runtime-groups/prod/consumers', { tags: ['x'] })).body.fields, { '': 'must have a username or a custom_id' })
    assert.equal((await call('POST', '/runtime-groups/prod/consumers', { username: 'alice' })).status, 409)
    assert.equal((await call('POST', '/runtime-groups/prod/consumers', { username: 'bob', custom_id: 'c-1' })).status, 409)
    await expectCreated(call, '/runtime-groups/prod/plugins', { name: 'request-termination', consumer: { username: 'alice' } })
    assert.equal((await call('DELETE', '/runtime-groups/prod/consumers/alice')).status, 204)
    assert.deepEqual((await call('GET', '/runtime-groups/prod/plugins')).body.data, [])
  })

  test('bumps config_version exactly once per committed write and never for a rejected one', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    assert.equal(await versionOf(call, 'prod'), 0)
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'a.internal' })
    assert.equal(await versionOf(call, 'prod'), 1)
    await call('POST', '/runtime-groups/prod/services/orders/routes', { name: 'r', paths: ['/o'] })
    await call('PATCH', '/runtime-groups/prod/routes/r', { paths: ['/p'] })
    assert.equal(await versionOf(call, 'prod'), 3)
    await call('POST', '/runtime-groups/prod/services/orders/routes', { paths: ['~/(?=x)'] })
    await call('DELETE', '/runtime-groups/prod/services/orders')
    assert.equal(await versionOf(call, 'prod'), 3)
    await call('DELETE', '/runtime-groups/prod/services/orders?cascade=true')
    assert.equal(await versionOf(call, 'prod'), 4)
    await call('PATCH', '/runtime-groups/prod', { description: 'metadata is not config' })
    assert.equal(await versionOf(call, 'prod'), 4)
  })

  test('answers 404 for an unknown runtime group on every entity endpoint', async (t) => {
    const call = await startAdmin(t, store)
    for (const segment of ['services', 'routes', 'plugins', 'consumers']) {
      const r = await call('GET', `/runtime-groups/nope/${segment}`)
      assert.deepEqual([r.status, r.body.code], [404, 'ATRIUM_ERR_ADMIN_NOT_FOUND'])
      assert.equal((await call('POST', `/runtime-groups/nope/${segment}`, {})).status, 404)
    }
  })

  test('lists entities a page at a time', async (t) => {
    const call = await startAdmin(t, store)
    await withGroup(call)
    for (let i = 0; i < 5; i++) await call('POST', '/runtime-groups/prod/consumers', { username: `u${i}` })
    const first = await call('GET', '/runtime-groups/prod/consumers?size=3')
    const second = await call('GET', `/runtime-groups/prod/consumers?size=3&next=${first.body.next as string}`)
    assert.deepEqual([...first.body.data, ...second.body.data].map((c: any) => c.username), ['u0', 'u1', 'u2', 'u3', 'u4'])
    assert.equal(second.body.next, null)
  })
})
