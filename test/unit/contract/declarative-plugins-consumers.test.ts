import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig, loadDeclarativeDocument, type FieldIssue } from '../../../src/contract/index.js'

function errorsOf (doc: object): FieldIssue[] {
  const result = loadDeclarativeDocument(doc)
  if (result.ok) assert.fail('expected errors, the document was accepted')
  return result.errors
}

const services = [{ name: 'orders', host: 'orders.internal', routes: [{ name: 'orders-api', paths: ['/orders'] }] }]

test('accepts plugins scoped by name or id and consumers, still warning that they are not executed', () => {
  const result = loadDeclarativeDocument({
    _format_version: '3.0',
    services,
    consumers: [{ username: 'alice' }, { custom_id: 'c-2' }],
    plugins: [
      { name: 'rate-limiting', config: { minute: 5 }, service: 'orders' },
      { name: 'rate-limiting', config: { minute: 1 }, route: { name: 'orders-api' }, consumer: 'alice' },
      { name: 'cors', enabled: false, protocols: ['http', 'https'] }
    ]
  })
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.deepEqual(result.warnings.map((w) => w.path), ['consumers', 'plugins'])
})

test('rejects unknown plugin names, bad shapes and dangling references, each by path', () => {
  assert.deepEqual(errorsOf({
    _format_version: '3.0',
    services,
    plugins: [
      { name: 'no-such-plugin' },
      { name: 'cors', config: 'x', protocols: ['ftp'] },
      { name: 'key-auth', service: 'missing', route: { id: '2b6f6a6e-4c0d-4f2c-9a4e-0d3c1f1e2a3b' } }
    ]
  }), [
    { path: 'plugins[0].name', message: 'unknown plugin "no-such-plugin"' },
    { path: 'plugins[1].config', message: 'must be an object' },
    { path: 'plugins[1].protocols[0]', message: 'must be one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss' },
    { path: 'plugins[2].route', message: 'no route with id "2b6f6a6e-4c0d-4f2c-9a4e-0d3c1f1e2a3b"' },
    { path: 'plugins[2].service', message: 'no service with name or id "missing"' }
  ])
})

test('rejects two plugins of one name on the same scope', () => {
  assert.deepEqual(errorsOf({ _format_version: '3.0', services, plugins: [{ name: 'cors', service: 'orders' }, { name: 'cors', service: { name: 'orders' } }] }),
    [{ path: 'plugins[1]', message: 'duplicate plugin "cors" for the same service, route and consumer (also at plugins[0])' }])
})

test('rejects consumers without username or custom_id and duplicate ones', () => {
  assert.deepEqual(errorsOf({ _format_version: '3.0', consumers: [{ tags: ['a'] }, { username: 'a', custom_id: 'x' }, { username: 'a' }, { custom_id: 'x' }] }), [
    { path: 'consumers[0]', message: 'must have a username or a custom_id' },
    { path: 'consumers[2].username', message: 'duplicate username "a" (also at consumers[1].username)' },
    { path: 'consumers[3].custom_id', message: 'duplicate custom_id "x" (also at consumers[1].custom_id)' }
  ])
})

test('reads null plugin references in Kong exports as unset', () => {
  const text = JSON.stringify({ _format_version: '3.0', plugins: [{ name: 'cors', service: null, route: null, consumer: null, config: {} }] })
  assert.equal(loadDeclarativeConfig(text).ok, true)
})

test('loadDeclarativeDocument gives the same result as loading the same document as text', () => {
  const doc = { _format_version: '3.0', services }
  assert.deepEqual(loadDeclarativeDocument(doc), loadDeclarativeConfig(JSON.stringify(doc)))
})
