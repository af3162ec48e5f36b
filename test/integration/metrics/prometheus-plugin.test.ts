import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeDocument } from '../../../src/contract/index.js'
import { httpCall } from '../../support/http-client.js'
import { parseExposition, samples, value, type Sample } from '../../support/prometheus-text.js'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'

// Kong's prometheus plugin as the per-scope switch of the node's built-in metrics, through a real
// node: what a Kong file enables is what is counted, route by route and consumer by consumer.

async function scrape (port: number): Promise<Sample[]> {
  const res = await httpCall(`http://127.0.0.1:${port}/metrics`)
  assert.equal(res.status, 200)
  return parseExposition(res.body)
}

const ALL_OFF = { status_code_metrics: false, latency_metrics: false, bandwidth_metrics: false, upstream_health_metrics: false, per_consumer: false }

test('each route is counted as the prometheus instance Kong\'s precedence picks for it says; unmatched requests by the global one', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const url = `http://127.0.0.1:${up.port}`
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    plugins: [{ name: 'prometheus', config: { status_code_metrics: true, latency_metrics: true } }],
    services: [
      { name: 's', url, routes: [{ name: 'global', paths: ['/global'] }, { name: 'off', paths: ['/off'], plugins: [{ name: 'prometheus', config: ALL_OFF }] }] },
      { name: 'bw', url, plugins: [{ name: 'prometheus', config: { bandwidth_metrics: true } }], routes: [{ name: 'bytes', paths: ['/bytes'] }] },
      { name: 'dead', url: 'http://127.0.0.1:1', routes: [{ name: 'dead-global', paths: ['/dead-global'] }, { name: 'dead-health', paths: ['/dead-health'], plugins: [{ name: 'prometheus', config: { upstream_health_metrics: true } }] }] }
    ]
  })
  // The plugin runs nothing per request: a route only prometheus applies to has no plugin chain.
  assert.deepEqual(node.dp.state.current?.plugins.http, [null, null, null, null, null])
  for (let i = 0; i < 3; i++) assert.equal((await node.get('/global/x')).status, 200)
  for (let i = 0; i < 2; i++) assert.equal((await node.get('/off/x')).status, 200)
  assert.equal((await node.request('/bytes/x', { method: 'POST', body: 'twelve bytes' })).status, 200)
  assert.equal((await node.get('/nowhere')).status, 404)
  assert.equal((await node.get('/dead-global')).status, 502)
  assert.equal((await node.get('/dead-health')).status, 502)
  const all = await scrape(node.dp.statusAddress.port)

  assert.equal(value(all, 'atrium_http_requests_total', { service: 's', route: 'global', code: '200' }), 3)
  assert.equal(value(all, 'atrium_request_latency_seconds_count', { service: 's', route: 'global' }), 3)
  assert.equal(samples(all, 'atrium_response_bytes_total', { route: 'global' }).length, 0, 'bandwidth is off globally')
  assert.equal(samples(all, 'atrium_http_requests_total', { route: 'off' }).length, 0, 'the route\'s own instance turns everything off')
  assert.equal(samples(all, 'atrium_request_latency_seconds_count', { route: 'off' }).length, 0)
  assert.equal(value(all, 'atrium_request_bytes_total', { service: 'bw', route: 'bytes' }), 12)
  assert.ok(value(all, 'atrium_response_bytes_total', { service: 'bw', route: 'bytes' }) > 0)
  assert.equal(samples(all, 'atrium_http_requests_total', { route: 'bytes' }).length, 0, 'the service instance wins over the global one')
  assert.equal(samples(all, 'atrium_request_latency_seconds_count', { route: 'bytes' }).length, 0)
  const unmatched = samples(all, 'atrium_http_requests_total', { code: '404' })
  assert.deepEqual(unmatched.map((s) => [s.labels, s.value]), [[{ code: '404' }, 1]], 'the global instance counts unmatched requests, without labels')
  assert.equal(samples(all, 'atrium_upstream_errors_total', { route: 'dead-global' }).length, 0, 'upstream_health_metrics is off globally')
  assert.ok(value(all, 'atrium_upstream_errors_total', { service: 'dead', route: 'dead-health', kind: 'connection' }) > 0, 'each failed attempt is counted')
  assert.equal(value(all, 'atrium_http_requests_total', { service: 'dead', route: 'dead-global', code: '502' }), 1)
})

test('without a global instance, routes no instance applies to and unmatched requests are not counted', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 's', url: `http://127.0.0.1:${up.port}`, routes: [{ name: 'on', paths: ['/on'], plugins: [{ name: 'prometheus', config: { status_code_metrics: true } }] }, { name: 'plain', paths: ['/plain'] }] }]
  })
  await node.get('/on/x')
  await node.get('/plain/x')
  await node.get('/nowhere')
  const all = await scrape(node.dp.statusAddress.port)
  assert.deepEqual(samples(all, 'atrium_http_requests_total').map((s) => [s.labels, s.value]), [[{ service: 's', route: 'on', code: '200' }, 1]])
  assert.equal(samples(all, 'atrium_request_latency_seconds_count').length, 0)
  // Removing the last instance brings back Atrium's default: everything, everywhere.
  assert.equal((await node.reload({ _format_version: '3.0', services: [{ name: 's', url: `http://127.0.0.1:${up.port}`, routes: [{ name: 'on', paths: ['/on'] }, { name: 'plain', paths: ['/plain'] }] }] })).ok, true)
  await node.get('/plain/x')
  await node.get('/nowhere')
  const after = await scrape(node.dp.statusAddress.port)
  assert.equal(value(after, 'atrium_http_requests_total', { service: 's', route: 'plain', code: '200' }), 1)
  assert.equal(value(after, 'atrium_request_latency_seconds_count', { service: 's', route: 'plain' }), 1)
  assert.equal(value(after, 'atrium_http_requests_total', { code: '404' }), 1)
})

test('per_consumer labels status and bandwidth series with the identified consumer; a consumer-scoped instance wins; a removed consumer\'s series go', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const doc = (consumers: Array<Record<string, unknown>>): Record<string, unknown> => ({
    _format_version: '3.0',
    plugins: [{ name: 'prometheus', config: { per_consumer: true, status_code_metrics: true, bandwidth_metrics: true, latency_metrics: true } }],
    consumers,
    services: [{ name: 's', url: `http://127.0.0.1:${up.port}`, routes: [{ name: 'r', paths: ['/r'], plugins: [{ name: 'key-auth' }] }] }]
  })
  const alice = { username: 'alice', keyauth_credentials: [{ key: 'alice-key' }] }
  const bob = { username: 'bob', keyauth_credentials: [{ key: 'bob-key' }], plugins: [{ name: 'prometheus', config: { ...ALL_OFF, latency_metrics: true } }] }
  const ops = { custom_id: 'ops-7', keyauth_credentials: [{ key: 'ops-key' }] }
  const node = await startPluginNode(t, doc([alice, bob, ops]))
  for (let i = 0; i < 2; i++) assert.equal((await node.get('/r/x', { apikey: 'alice-key' })).status, 200)
  assert.equal((await node.get('/r/x', { apikey: 'ops-key' })).status, 200)
  assert.equal((await node.get('/r/x', { apikey: 'bob-key' })).status, 200)
  assert.equal((await node.get('/r/x')).status, 401)
  let all = await scrape(node.dp.statusAddress.port)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 's', route: 'r', consumer: 'alice', code: '200' }), 2)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 's', route: 'r', consumer: 'ops-7', code: '200' }), 1, 'no username: the custom_id')
  assert.equal(samples(all, 'atrium_http_requests_total', { consumer: 'bob' }).length, 0, 'bob\'s own instance counts no status')
  const anonymous = samples(all, 'atrium_http_requests_total', { code: '401' })
  assert.deepEqual(anonymous.map((s) => [s.labels, s.value]), [[{ service: 's', route: 'r', code: '401' }, 1]], 'no consumer identified: no consumer label')
  assert.ok(value(all, 'atrium_response_bytes_total', { service: 's', route: 'r', consumer: 'alice' }) > 0)
  assert.equal(value(all, 'atrium_request_latency_seconds_count', { service: 's', route: 'r' }), 5, 'latency has no consumer label; bob\'s instance observes it too')
  assert.equal((await node.reload(doc([alice, bob]))).ok, true)
  all = await scrape(node.dp.statusAddress.port)
  assert.equal(samples(all, 'atrium_http_requests_total', { consumer: 'ops-7' }).length, 0, 'a removed consumer\'s series are dropped')
  assert.equal(value(all, 'atrium_http_requests_total', { service: 's', route: 'r', consumer: 'alice', code: '200' }), 2, 'the others keep counting')
})

test('Kong\'s prometheus fields load with their defaults; a per-protocol instance is refused with the reason', () => {
  const ok = loadDeclarativeDocument({ _format_version: '3.0', plugins: [{ name: 'prometheus', config: { ai_metrics: false } }] })
  assert.equal(ok.ok, true)
  if (ok.ok) assert.deepEqual(ok.config.plugins?.[0]?.config, { ai_metrics: false, bandwidth_metrics: false, latency_metrics: false, per_consumer: false, status_code_metrics: false, upstream_health_metrics: false })
  const bad = loadDeclarativeDocument({ _format_version: '3.0', plugins: [{ name: 'prometheus', protocols: ['https'] }, { name: 'prometheus', service: 's', config: { per_route: true } }], services: [{ name: 's', host: 'x' }] })
  assert.equal(bad.ok, false)
  if (!bad.ok) {
    assert.deepEqual(bad.errors.map((e) => e.path), ['plugins[0].protocols', 'plugins[1].config.per_route'])
    assert.match(bad.errors[0]!.message, /must include both http and https/)
  }
})
