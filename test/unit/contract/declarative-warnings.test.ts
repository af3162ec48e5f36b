import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig } from '../../../src/contract/index.js'
import { readFixture } from './fixtures.js'

test('accepts Kong fields that are not implemented yet and warns about each one', () => {
  const result = loadDeclarativeConfig(readFixture('not-implemented.yaml'))
  assert.equal(result.ok, true)
  const msg = 'not implemented yet; ignored'
  assert.deepEqual(result.warnings, [
    'ca_certificates', 'certificates', 'key_sets', 'keys',
    'services[0].ca_certificates', 'services[0].client_certificate',
    'services[0].routes[0].destinations', 'services[0].routes[0].https_redirect_status_code',
    'services[0].routes[0].request_buffering',
    'services[0].routes[0].response_buffering', 'services[0].routes[0].snis', 'services[0].routes[0].sources',
    'services[0].tls_verify_depth', 'snis', 'targets', 'upstreams', 'vaults'
  ].map((path) => ({ path, message: msg })))
})

test('unimplemented fields are not applied to the normalised config', () => {
  const result = loadDeclarativeConfig(readFixture('not-implemented.yaml'))
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.deepEqual(Object.keys(result.config).sort(), ['routes', 'services'])
  assert.equal('plugins' in result.config.routes[0], false)
  assert.equal('client_certificate' in result.config.services[0], false)
})

test('warnings are also returned when the file has errors', () => {
  const result = loadDeclarativeConfig('_format_version: "3.0"\nupstreams: [{ name: a }]\nservices: [{ name: s }]')
  assert.equal(result.ok, false)
  assert.deepEqual(result.warnings, [{ path: 'upstreams', message: 'not implemented yet; ignored' }])
})

test('empty lists and values equal to what Atrium already does produce no warning', () => {
  const text = [
    '_format_version: "3.0"',
    'plugins: []',
    'services:',
    '  - host: a',
    '    plugins: []',
    '    routes: [{ paths: [/], https_redirect_status_code: 426, request_buffering: true, response_buffering: true, snis: [] }]'
  ].join('\n')
  const result = loadDeclarativeConfig(text)
  assert.equal(result.ok, true)
  assert.deepEqual(result.warnings, [])
})
