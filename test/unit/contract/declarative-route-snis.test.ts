import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hashGatewayConfig, loadDeclarativeConfig } from '../../../src/contract/index.js'

// Kong 3.9's route `snis` (routes.lua, traditional_compatible): wildcard-host names, only with a
// protocol Kong matches a server name for, lower-cased, de-duplicated, an FQDN's dot ignored.

function load (routes: unknown[]): ReturnType<typeof loadDeclarativeConfig> {
  return loadDeclarativeConfig(JSON.stringify({ _format_version: '3.0', services: [{ name: 's', host: 'up.internal', routes }] }))
}

test('accepts snis on a route and keeps them lower-case, unique, without an FQDN\'s trailing dot', () => {
  const result = load([{ name: 'r', snis: ['API.Example.com', 'api.example.com.', '*.Wild.example', 'pre.*', '*'] }])
  assert.equal(result.ok, true)
  if (!result.ok) return
  assert.deepEqual(result.config.routes[0].snis, ['api.example.com', '*.wild.example', 'pre.*', '*'])
})

test('a route without snis has no snis field, so its config hash is the one it had before snis existed', () => {
  const without = load([{ name: 'r', paths: ['/'] }])
  const empty = load([{ name: 'r', paths: ['/'], snis: [] }])
  assert.ok(without.ok && empty.ok)
  assert.equal('snis' in without.config.routes[0], false)
  assert.equal(hashGatewayConfig(without.config), hashGatewayConfig(empty.config))
  const withSnis = load([{ name: 'r', paths: ['/'], snis: ['a.example'] }])
  assert.ok(withSnis.ok)
  assert.notEqual(hashGatewayConfig(withSnis.config), hashGatewayConfig(without.config))
})

test('rejects an SNI name that is not a wildcard host, naming the element', () => {
  const result = load([{ name: 'r', snis: ['ok.example', 'a.*.example', 'api.example.com:443', '10.0.0.1', '*.*.example', 'bad name'] }])
  assert.equal(result.ok, false)
  if (result.ok) return
  assert.deepEqual(result.errors.map((e) => e.path), [1, 2, 3, 4, 5].map((i) => `services[0].routes[0].snis[${i}]`))
  assert.match(result.errors[0].message, /wildcard/)
  assert.match(result.errors[1].message, /no port/)
  assert.match(result.errors[2].message, /IP address/)
})

test('rejects snis unless the protocols include https, with Kong\'s message', () => {
  const result = load([{ name: 'r', protocols: ['http'], paths: ['/'], snis: ['a.example'] }])
  assert.equal(result.ok, false)
  assert.deepEqual(!result.ok && result.errors, [
    { path: 'services[0].routes[0].snis', message: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'" }
  ])
})

test('a route may match by snis alone when https is among its protocols (the default)', () => {
  assert.equal(load([{ name: 'a', snis: ['a.example'] }, { name: 'b', protocols: ['https'], snis: ['b.example'] }]).ok, true)
  const httpOnly = load([{ name: 'c', protocols: ['http'], snis: ['c.example'] }])
  assert.equal(httpOnly.ok, false)
  assert.deepEqual(!httpOnly.ok && httpOnly.errors, [
    { path: 'services[0].routes[0]', message: 'must have at least one of methods, hosts, headers or paths' },
    { path: 'services[0].routes[0].snis', message: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'" }
  ])
})

test('rejects snis that are not a list of strings', () => {
  const result = load([{ name: 'r', paths: ['/'], snis: 'a.example' }])
  assert.equal(result.ok, false)
  assert.equal(!result.ok && result.errors[0].path, 'services[0].routes[0].snis')
})
