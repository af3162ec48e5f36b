import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig, readDeclarativeConfigFile, type DeclarativeResult, type GatewayConfig, type RouteProtocol } from '../../../src/contract/index.js'
import { fixturePath, readFixture } from './fixtures.js'

function config (result: DeclarativeResult): GatewayConfig {
  if (!result.ok) assert.fail(`expected a valid config, got ${JSON.stringify(result.errors)}`)
  return result.config
}

const SERVICE_DEFAULTS = { id: null, path: null, connect_timeout: 60000, write_timeout: 60000, read_timeout: 60000, retries: 5, tls_verify: true, tags: [] }
const ROUTE_DEFAULTS = {
  id: null, name: null, paths: [], methods: [], hosts: [], headers: {}, strip_path: true, preserve_host: false,
  regex_priority: 0, protocols: ['http', 'https'] as RouteProtocol[], tags: []
}

const EXPECTED_FULL: GatewayConfig = {
  services: [
    { ...SERVICE_DEFAULTS, name: 'orders', protocol: 'https', host: 'orders.internal', port: 8443, path: '/v1', connect_timeout: 5000, retries: 2, tags: ['team-a', 'prod'] },
    { ...SERVICE_DEFAULTS, id: '5b6c0b1e-2f0a-4c3d-9e8f-0123456789ab', name: 'users', protocol: 'https', host: 'users.internal', port: 443, path: '/api', tls_verify: false },
    { ...SERVICE_DEFAULTS, name: 'legacy', protocol: 'http', host: '10.0.0.7', port: 8080, read_timeout: 120000 }
  ],
  routes: [
    {
      ...ROUTE_DEFAULTS,
      name: 'orders-api',
      service: 0,
      paths: ['/orders', '~/orders/(?<id>\\d+)/items$'],
      methods: ['GET', 'POST'],
      hosts: ['api.example.com', '*.example.com', 'example.*:8080'],
      regex_priority: 10
    },
    { ...ROUTE_DEFAULTS, name: 'orders-by-header', service: 0, headers: { 'x-team': ['ops', 'sre'] }, strip_path: false, protocols: ['https'] },
    { ...ROUTE_DEFAULTS, name: 'users-by-id', service: 1, paths: ['/users'], preserve_host: true },
    { ...ROUTE_DEFAULTS, name: 'legacy-by-name', service: 2, methods: ['DELETE'] },
    { ...ROUTE_DEFAULTS, service: 0, paths: ['/o'], tags: ['short'] }
  ]
}

test('a YAML file with nested and top-level routes normalises with defaults filled and routes flattened', () => {
  const result = loadDeclarativeConfig(readFixture('kong-full.yaml'))
  assert.deepEqual(config(result), EXPECTED_FULL)
  assert.deepEqual(result.warnings, [])
})

test('the same config written as JSON normalises to the same result', () => {
  assert.deepEqual(config(loadDeclarativeConfig(readFixture('kong-full.json'))), EXPECTED_FULL)
})

test('reads a file from disk and detects JSON by the .json extension', async () => {
  const yaml = await readDeclarativeConfigFile(fixturePath('kong-full.yaml'))
  const json = await readDeclarativeConfigFile(fixturePath('kong-full.json'))
  assert.deepEqual(config(yaml), EXPECTED_FULL)
  assert.deepEqual(config(json), EXPECTED_FULL)
})

test('a Kong export with nulls, timestamps and default-valued unimplemented fields loads without warnings', () => {
  const result = loadDeclarativeConfig(readFixture('kong-export.json'))
  assert.deepEqual(config(result), {
    services: [{
      ...SERVICE_DEFAULTS, id: '0855b320-0dd2-547d-891d-601e9b38647f', name: 'billing', protocol: 'http', host: 'billing.internal', port: 80
    }],
    routes: [{ ...ROUTE_DEFAULTS, id: '481a9539-f49c-51b6-b2e2-fe99ee68866c', name: 'billing-api', service: 0, paths: ['/billing'] }]
  })
  assert.deepEqual(result.warnings, [])
})

test('a url without a port or path gets the protocol default port and no path', () => {
  const c = config(loadDeclarativeConfig('_format_version: "3.0"\nservices: [{ name: a, url: "https://a.example", routes: [{ paths: [/] }] }, { name: b, url: "http://b.example/" , routes: [{ paths: [/b] }]}]'))
  assert.deepEqual(c.services.map((s) => [s.protocol, s.host, s.port, s.path]), [['https', 'a.example', 443, null], ['http', 'b.example', 80, '/']])
})

test('an IPv6 upstream host is stored without brackets, from a url or a host', () => {
  const c = config(loadDeclarativeConfig('_format_version: "3.0"\nservices: [{ host: "[::1]", routes: [{ paths: [/] }] }, { url: "http://[::1]:8080/x", routes: [{ paths: [/x] }] }, { host: "FE80::1", routes: [{ paths: [/y] }] }]'))
  assert.deepEqual(c.services.map((s) => [s.host, s.port]), [['::1', 80], ['::1', 8080], ['fe80::1', 80]])
})

test('a format 2.1 file gets ~ on paths that look like regexes, with a warning', () => {
  const result = loadDeclarativeConfig(readFixture('legacy-2.1.yaml'))
  assert.deepEqual(config(result).routes[0].paths, ['/users', '~/users/\\d+$'])
  assert.deepEqual(result.warnings, [{
    path: 'services[0].routes[0].paths[1]',
    message: 'read as regex path "~/users/\\d+$" (format versions before 3.0 did not mark regex paths with ~)'
  }])
})

test('format versions 1.1, 2.1 and 3.0 are accepted', () => {
  for (const v of ['1.1', '2.1', '3.0']) {
    const result = loadDeclarativeConfig(`_format_version: "${v}"\nservices: [{ host: a, routes: [{ paths: [/] }] }]`)
    assert.equal(result.ok, true, v)
  }
})

test('a disabled service and its routes are left out, with a warning, and indexes stay consistent', () => {
  const text = [
    '_format_version: "3.0"',
    'services:',
    '  - { name: off, host: off.internal, enabled: false, routes: [{ name: off-nested, paths: [/off] }] }',
    '  - { name: on, host: on.internal, enabled: true, routes: [{ name: on-nested, paths: [/on] }] }',
    'routes:',
    '  - { name: off-top, service: off, paths: [/off2] }',
    '  - { name: on-top, service: on, paths: [/on2] }'
  ].join('\n')
  const result = loadDeclarativeConfig(text)
  const c = config(result)
  assert.deepEqual(c.services.map((s) => s.name), ['on'])
  assert.deepEqual(c.routes.map((r) => [r.name, r.service]), [['on-nested', 0], ['on-top', 0]])
  assert.deepEqual(result.warnings, [{ path: 'services[0].enabled', message: 'service is disabled; it and its routes are not loaded' }])
})

test('_transform, _comment and _workspace are accepted silently', () => {
  const result = loadDeclarativeConfig('_format_version: "3.0"\n_transform: false\n_comment: x\n_workspace: default\nservices: []')
  assert.equal(result.ok, true)
  assert.deepEqual(result.warnings, [])
})

test('a file with no services loads as an empty config', () => {
  assert.deepEqual(config(loadDeclarativeConfig('{"_format_version": "3.0"}')), { services: [], routes: [] })
})
