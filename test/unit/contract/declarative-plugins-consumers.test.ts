import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canonicalJson, loadDeclarativeConfig, loadDeclarativeDocument, normalizeValidatedDocument, type FieldIssue, type GatewayConfig } from '../../../src/contract/index.js'
import { BUNDLED_PLUGIN_NAMES } from '../../../src/plugins/schemas.js'

function errorsOf (doc: object): FieldIssue[] {
  const result = loadDeclarativeDocument(doc)
  if (result.ok) assert.fail('expected errors, the document was accepted')
  return result.errors
}

function configOf (doc: object, warnings: string[] = []): GatewayConfig {
  const result = loadDeclarativeDocument(doc)
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.deepEqual(result.warnings.map((w) => w.path), warnings)
  return result.config
}

const services = [{ name: 'orders', host: 'orders.internal', routes: [{ name: 'orders-api', paths: ['/orders'] }] }]
const BUNDLED = `Atrium bundles: ${BUNDLED_PLUGIN_NAMES.join(', ')}`
const CID_DEFAULTS = { echo_downstream: false, generator: 'uuid#counter', header_name: 'Kong-Request-ID' }

test('accepts plugins scoped by name or id and consumers, without warnings, as indices with defaults filled in', () => {
  const config = configOf({
    _format_version: '3.0',
    services,
    consumers: [{ username: 'alice', tags: ['t'] }, { custom_id: 'c-2', id: '2B6F6A6E-4C0D-4F2C-9A4E-0D3C1F1E2A3B' }],
    plugins: [
      { name: 'request-termination', config: { status_code: 418 }, service: 'orders' },
      { name: 'request-termination', config: { message: 'no' }, route: { name: 'orders-api' }, consumer: 'alice' },
      { name: 'correlation-id', consumer: { id: '2b6f6a6e-4c0d-4f2c-9a4e-0d3c1f1e2a3b' }, protocols: ['https'], instance_name: 'cid' },
      { name: 'correlation-id', enabled: false, protocols: ['http', 'https'] }
    ]
  })
  assert.deepEqual(config.consumers, [
    { credentials: {}, custom_id: null, id: null, tags: ['t'], username: 'alice' },
    { credentials: {}, custom_id: 'c-2', id: '2b6f6a6e-4c0d-4f2c-9a4e-0d3c1f1e2a3b', tags: [], username: null }
  ])
  const base = { id: null, instance_name: null, protocols: ['grpc', 'grpcs', 'http', 'https'], tags: [] }
  assert.deepEqual(config.plugins, [
    { ...base, name: 'request-termination', config: { echo: false, status_code: 418 }, service: 0, route: null, consumer: null },
    { ...base, name: 'request-termination', config: { echo: false, message: 'no', status_code: 503 }, service: null, route: 0, consumer: 0 },
    { ...base, name: 'correlation-id', config: CID_DEFAULTS, service: null, route: null, consumer: 1, protocols: ['https'], instance_name: 'cid' }
  ])
})

test('a config without plugins or consumers has neither key (its hash is what it was before plugins existed)', () => {
  const config = configOf({ _format_version: '3.0', services, plugins: [], consumers: [] })
  assert.deepEqual(Object.keys(config), ['routes', 'services'])
})

test('rejects a plugin Atrium does not bundle, naming the bundled ones, with bad shapes and dangling references, each by path', () => {
  assert.deepEqual(errorsOf({
    _format_version: '3.0',
    services,
    plugins: [
      { name: 'no-such-plugin' },
      { name: 'correlation-id', config: 'x', protocols: ['ftp'] },
      { name: 'request-termination', service: 'missing', route: { id: '2b6f6a6e-4c0d-4f2c-9a4e-0d3c1f1e2a3b' } },
      { name: 'teleport', config: { minute: 5 } }
    ]
  }), [
    { path: 'plugins[0].name', message: `unknown plugin "no-such-plugin" (${BUNDLED})` },
    { path: 'plugins[1].config', message: 'must be an object' },
    { path: 'plugins[1].protocols[0]', message: 'must be one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss' },
    { path: 'plugins[2].route', message: 'no route with id "2b6f6a6e-4c0d-4f2c-9a4e-0d3c1f1e2a3b"' },
    { path: 'plugins[2].service', message: 'no service with name or id "missing"' },
    { path: 'plugins[3].name', message: `unknown plugin "teleport" (${BUNDLED})` }
  ])
})

test('validates each plugin config against its schema, every problem by path under config', () => {
  assert.deepEqual(errorsOf({
    _format_version: '3.0',
    plugins: [
      { name: 'request-termination', config: { status_code: 99, minute: 5, echo: 'yes' } },
      { name: 'correlation-id', config: { generator: 'random', header_name: 'bad header' }, service: 'orders' },
      { name: 'request-termination', config: { message: 'm', body: 'b' }, route: 'orders-api' }
    ],
    services
  }), [
    { path: 'plugins[0].config.echo', message: 'must be a boolean' },
    { path: 'plugins[0].config.minute', message: 'unknown field' },
    { path: 'plugins[0].config.status_code', message: 'must be between 100 and 599' },
    { path: 'plugins[1].config.generator', message: 'must be one of: uuid, uuid#counter, tracker' },
    { path: 'plugins[1].config.header_name', message: 'must be a valid header name' },
    { path: 'plugins[2].config.message', message: 'message cannot be used with content_type or body' }
  ])
})

test('null config fields are unset (Kong exports write them) and take their defaults', () => {
  const text = JSON.stringify({
    _format_version: '3.0',
    plugins: [{ name: 'request-termination', service: null, route: null, consumer: null, config: { status_code: null, message: null, body: null, content_type: null, echo: null, trigger: null } }]
  })
  const result = loadDeclarativeConfig(text)
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.deepEqual(result.config.plugins?.[0].config, { echo: false, status_code: 503 })
})

test('rejects two plugins of one name on the same scope, also when one is nested, and duplicate instance names', () => {
  assert.deepEqual(errorsOf({
    _format_version: '3.0',
    services: [{ ...services[0], plugins: [{ name: 'correlation-id', instance_name: 'a' }] }],
    plugins: [
      { name: 'correlation-id', service: { name: 'orders' }, instance_name: 'b' },
      { name: 'request-termination', instance_name: 'a' },
      { name: 'request-termination', service: 'orders' },
      { name: 'request-termination', service: 'orders', route: 'orders-api' }
    ]
  }), [
    { path: 'services[0].plugins[0]', message: 'duplicate plugin "correlation-id" for the same service, route and consumer (also at plugins[0])' },
    { path: 'services[0].plugins[0].instance_name', message: 'duplicate instance_name "a" (also at plugins[1].instance_name)' }
  ])
})

test('lifts plugins nested in services, their routes, top-level routes and consumers, with the owner set', () => {
  const config = configOf({
    _format_version: '3.0',
    services: [
      { name: 'off', host: 'off.internal', enabled: false, routes: [{ name: 'off-api', paths: ['/off'], plugins: [{ name: 'correlation-id' }] }] },
      {
        name: 'orders', host: 'orders.internal',
        plugins: [{ name: 'request-termination', config: { status_code: 410 }, consumer: 'alice' }],
        routes: [{ name: 'orders-api', paths: ['/orders'], plugins: [{ name: 'correlation-id', config: { generator: 'uuid' } }] }]
      }
    ],
    routes: [{ name: 'top', paths: ['/top'], service: 'orders', plugins: [{ name: 'request-termination' }] }],
    consumers: [{ username: 'alice', plugins: [{ name: 'correlation-id', route: 'top' }] }],
    plugins: [{ name: 'request-termination', service: 'off' }]
  }, ['services[0].enabled'])
  assert.equal(config.services.length, 1)
  assert.deepEqual(config.routes.map((r) => r.name), ['orders-api', 'top'])
  assert.deepEqual(config.plugins?.map((p) => [p.name, p.service, p.route, p.consumer, p.config.status_code ?? p.config.generator]), [
    ['request-termination', 0, null, 0, 410],
    ['correlation-id', null, 0, null, 'uuid'],
    ['request-termination', null, 1, null, 503],
    ['correlation-id', null, 1, 0, 'uuid#counter']
  ])
})

test('reports nested plugin problems at their own path, and a nested plugin may not name its owner', () => {
  assert.deepEqual(errorsOf({
    _format_version: '3.0',
    services: [{ name: 'orders', host: 'o', plugins: [{ name: 'request-termination', service: 'orders' }], routes: [{ paths: ['/'], plugins: [{ name: 'request-termination', config: { status_code: 700 } }] }] }],
    consumers: [{ username: 'a', plugins: [{ name: 'teleport' }] }]
  }), [
    { path: 'consumers[0].plugins[0].name', message: `unknown plugin "teleport" (${BUNDLED})` },
    { path: 'services[0].plugins[0].service', message: 'must not be set: the plugin is nested in a service' },
    { path: 'services[0].routes[0].plugins[0].config.status_code', message: 'must be between 100 and 599' }
  ])
})

test('rejects consumers without username or custom_id and duplicate ones', () => {
  assert.deepEqual(errorsOf({ _format_version: '3.0', consumers: [{ tags: ['a'] }, { username: 'a', custom_id: 'x' }, { username: 'a' }, { custom_id: 'x' }] }), [
    { path: 'consumers[0]', message: 'must have a username or a custom_id' },
    { path: 'consumers[2].username', message: 'duplicate username "a" (also at consumers[1].username)' },
    { path: 'consumers[3].custom_id', message: 'duplicate custom_id "x" (also at consumers[1].custom_id)' }
  ])
})

test('plugin configs come out with sorted keys whatever the input order, so the hash is canonical', () => {
  const a = loadDeclarativeDocument({ _format_version: '3.0', plugins: [{ name: 'correlation-id', config: { header_name: 'X-Id', echo_downstream: true } }] })
  const b = loadDeclarativeDocument({ _format_version: '3.0', plugins: [{ config: { echo_downstream: true, header_name: 'X-Id' }, name: 'correlation-id' }] })
  if (!a.ok || !b.ok) assert.fail('both load')
  assert.equal(JSON.stringify(a.config), canonicalJson(a.config))
  assert.equal(a.hash, b.hash)
  const c = loadDeclarativeDocument({ _format_version: '3.0', plugins: [{ name: 'correlation-id', config: { header_name: 'X-Other' } }] })
  assert.ok(c.ok && c.hash !== a.hash)
})

test('loadDeclarativeDocument, the same document as text and normalizeValidatedDocument agree', () => {
  const doc = {
    _format_version: '3.0',
    services: [{ ...services[0], plugins: [{ name: 'correlation-id', config: { echo_downstream: null } }] }],
    consumers: [{ username: 'alice' }],
    plugins: [{ name: 'request-termination', consumer: 'alice', config: { body: '{}', content_type: 'application/json' } }]
  }
  const loaded = loadDeclarativeDocument(doc)
  assert.deepEqual(loaded, loadDeclarativeConfig(JSON.stringify(doc)))
  if (!loaded.ok) assert.fail(JSON.stringify(loaded.errors))
  assert.deepEqual(normalizeValidatedDocument(doc), { config: loaded.config, hash: loaded.hash })
})
