import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig, UNSUPPORTED_FEATURES } from '../../../src/contract/index.js'
import { readFixture } from './fixtures.js'

const reason = (feature: string): string => {
  const entry = UNSUPPORTED_FEATURES.find((f) => f.feature === feature)
  if (entry === undefined) assert.fail(`no feature ${feature}`)
  return `not supported by Atrium (${feature}): ${entry.reason}`
}

test('rejects each Kong field Atrium does not implement, naming the field and saying why', () => {
  const result = loadDeclarativeConfig(readFixture('not-implemented.yaml'))
  assert.equal(result.ok, false)
  assert.deepEqual(!result.ok && result.errors, [
    ['ca_certificates', 'ca-certificates'], ['key_sets', 'keys'], ['keys', 'keys'],
    ['services[0].ca_certificates', 'ca-certificates'], ['services[0].client_certificate', 'client-certificate'],
    ['services[0].routes[0].destinations', 'stream-routing'],
    ['services[0].routes[0].request_buffering', 'unbuffered-proxying'],
    ['services[0].routes[0].response_buffering', 'unbuffered-proxying'], ['services[0].routes[0].sources', 'stream-routing'],
    ['services[0].tls_verify_depth', 'ca-certificates'], ['upstreams[0].client_certificate', 'client-certificate'],
    ['upstreams[0].healthchecks.active.type', 'grpc-health-checks'],
    ['upstreams[0].use_srv_name', 'srv-targets'], ['vaults', 'vaults']
  ].map(([path, feature]) => ({ path, message: reason(feature) })))
  assert.deepEqual(result.warnings, [])
})

test('a route matching only by sources or destinations gets only the unsupported-feature error; one by snis alone is valid', () => {
  const result = loadDeclarativeConfig(JSON.stringify({
    _format_version: '3.0',
    services: [{ name: 's', host: 'x', routes: [{ name: 'a', destinations: [{ port: 9000 }] }, { name: 'b', sources: [{ ip: '10.0.0.0/8' }] }, { name: 'c', protocols: ['https'], snis: ['x.example'] }, { name: 'd', protocols: ['http'] }] }]
  }))
  assert.equal(result.ok, false)
  assert.deepEqual(!result.ok && result.errors, [
    { path: 'services[0].routes[0].destinations', message: reason('stream-routing') },
    { path: 'services[0].routes[1].sources', message: reason('stream-routing') },
    { path: 'services[0].routes[3]', message: 'must have at least one of methods, hosts, headers or paths' }
  ])
})

test('a service whose host names an upstream (any case, url or host) is balanced over it: the service points at it by index', () => {
  const result = loadDeclarativeConfig('_format_version: "3.0"\nupstreams: [{ name: Orders.Upstream, targets: [{ target: 10.0.0.1 }] }]\nservices: [{ name: s, host: orders.upstream }, { name: t, url: "http://ORDERS.UPSTREAM:9000/x" }, { name: u, host: other }]')
  assert.equal(result.ok, true)
  if (!result.ok) return
  assert.deepEqual(result.config.services.map((s) => s.upstream), [0, 0, undefined])
  assert.deepEqual(result.config.upstreams?.[0]?.targets.map((t) => [t.target, t.weight]), [['10.0.0.1:8000', 100]], 'port 8000 and weight 100 by default, as Kong')
})

test('plugin ordering, Lua plugins and consumer groups are rejected by path with the reason', () => {
  const result = loadDeclarativeConfig(JSON.stringify({
    _format_version: '3.0',
    consumer_groups: [{ name: 'gold' }],
    consumers: [{ username: 'a', groups: [{ name: 'gold' }] }],
    plugins: [
      { name: 'cors', ordering: { before: { access: ['key-auth'] } } },
      { name: 'pre-function', config: { access: ['kong.log("hi")'] } },
      { name: 'post-function' }
    ]
  }), { filename: 'kong.json' })
  assert.equal(result.ok, false)
  assert.deepEqual(!result.ok && result.errors, [
    { path: 'consumer_groups', message: reason('consumer-groups') },
    { path: 'consumers[0].groups', message: reason('consumer-groups') },
    { path: 'plugins[0].ordering', message: reason('plugin-ordering') },
    { path: 'plugins[1].name', message: 'not supported by Atrium (lua): plugin "pre-function" runs the Lua code of its config; Atrium runs no Lua code' },
    { path: 'plugins[2].name', message: 'not supported by Atrium (lua): plugin "post-function" runs the Lua code of its config; Atrium runs no Lua code' }
  ])
})

test('empty lists, nulls and values equal to what Atrium already does are accepted, without warnings', () => {
  const text = [
    '_format_version: "3.0"',
    'plugins: []',
    'upstreams: []',
    'certificates: null',
    'services:',
    '  - host: a',
    '    client_certificate: null',
    '    routes: [{ paths: [/], https_redirect_status_code: 426, request_buffering: true, response_buffering: true, snis: [], sources: null }]',
    '    plugins: [{ name: cors, ordering: {} }]'
  ].join('\n')
  const result = loadDeclarativeConfig(text)
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.deepEqual(result.warnings, [])
})
