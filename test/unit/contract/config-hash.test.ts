import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { canonicalJson, hashGatewayConfig, loadDeclarativeConfig, type DeclarativeResult } from '../../../src/contract/index.js'
import { readFixture } from './fixtures.js'

function hashOf (result: DeclarativeResult): string {
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  return result.hash
}

test('the YAML and JSON forms of the same config have the same hash', () => {
  const yaml = hashOf(loadDeclarativeConfig(readFixture('kong-full.yaml')))
  const json = hashOf(loadDeclarativeConfig(readFixture('kong-full.json')))
  assert.match(yaml, /^[0-9a-f]{64}$/)
  assert.equal(yaml, json)
})

test('the hash changes when the config changes', () => {
  const before = hashOf(loadDeclarativeConfig(readFixture('kong-full.yaml')))
  const after = hashOf(loadDeclarativeConfig(readFixture('kong-full.yaml').replace('retries: 2', 'retries: 3')))
  assert.notEqual(before, after)
})

test('writing a default explicitly does not change the hash', () => {
  const a = hashOf(loadDeclarativeConfig('_format_version: "3.0"\nservices: [{ host: a, routes: [{ paths: [/] }] }]'))
  const b = hashOf(loadDeclarativeConfig('_format_version: "3.0"\nservices: [{ host: a, port: 80, retries: 5, routes: [{ paths: [/], strip_path: true }] }]'))
  assert.equal(a, b)
})

test('the hash is the result returned by hashGatewayConfig', () => {
  const result = loadDeclarativeConfig(readFixture('kong-full.yaml'))
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.equal(hashGatewayConfig(result.config), result.hash)
})

test('canonical JSON sorts keys at every level and keeps array order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), '{"a":{"c":null,"d":[2,1]},"b":1}')
})

test('a normalised config serialises to its canonical JSON as built (the hash fast path)', () => {
  for (const name of ['kong-full.yaml', 'kong-full.json']) {
    const result = loadDeclarativeConfig(readFixture(name))
    if (!result.ok) assert.fail(JSON.stringify(result.errors))
    assert.equal(JSON.stringify(result.config), canonicalJson(result.config))
  }
  const headers = loadDeclarativeConfig('_format_version: "3.0"\nservices: [{ host: a, routes: [{ headers: { X-B: [b], x-a: [a], X-C: [c] } }] }]')
  if (!headers.ok) assert.fail(JSON.stringify(headers.errors))
  assert.equal(JSON.stringify(headers.config), canonicalJson(headers.config))
})

test('integer-like header names (which JS enumerates first) still hash canonically', () => {
  const a = loadDeclarativeConfig('_format_version: "3.0"\nservices: [{ host: a, routes: [{ headers: { "10": [x], "9": [y], b: [z] } }] }]')
  const b = loadDeclarativeConfig('_format_version: "3.0"\nservices: [{ host: a, routes: [{ headers: { b: [z], "9": [y], "10": [x] } }] }]')
  if (!a.ok || !b.ok) assert.fail('both load')
  const expected = createHash('sha256').update(canonicalJson(a.config)).digest('hex')
  assert.equal(a.hash, expected)
  assert.equal(b.hash, expected)
})

test('plugins and consumers serialise to their canonical JSON as built, and are covered by the hash', () => {
  const doc = {
    _format_version: '3.0',
    services: [{ name: 's', host: 'a', routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'correlation-id', config: { header_name: 'X-Id' } }] }] }],
    consumers: [{ username: 'alice', custom_id: 'c1' }],
    plugins: [{ consumer: 'alice', config: { status_code: 403, message: 'no' }, name: 'request-termination' }]
  }
  const result = loadDeclarativeConfig(JSON.stringify(doc))
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.equal(JSON.stringify(result.config), canonicalJson(result.config))
  const changed = (mutate: (d: any) => void): string => {
    const copy = structuredClone(doc)
    mutate(copy)
    return hashOf(loadDeclarativeConfig(JSON.stringify(copy)))
  }
  assert.notEqual(changed((d) => { d.plugins[0].config.status_code = 404 }), result.hash)
  assert.notEqual(changed((d) => { d.consumers[0].custom_id = 'c2' }), result.hash)
  assert.notEqual(changed((d) => { d.services[0].routes[0].plugins[0].enabled = false }), result.hash)
  assert.equal(changed((d) => { d.plugins[0].config.echo = false }), result.hash, 'a default written out changes nothing')
})

test('integer-like keys inside a plugin config (which JS enumerates first) still hash canonically', () => {
  const loaded = loadDeclarativeConfig('_format_version: "3.0"\nplugins: [{ name: correlation-id }]')
  if (!loaded.ok) assert.fail(JSON.stringify(loaded.errors))
  const config = structuredClone(loaded.config)
  // No bundled schema has free-form keys yet; a future one (e.g. a header map) may.
  ;(config.plugins as any)[0].config = { a: 1, b: { 10: 'x', 9: 'y' } }
  assert.notEqual(JSON.stringify(config), canonicalJson(config))
  assert.equal(hashGatewayConfig(config), createHash('sha256').update(canonicalJson(config)).digest('hex'))
})
