import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BUNDLED_PLUGIN_HANDLERS } from '../../../src/plugins/handlers.js'
import type { AnyPluginHandler } from '../../../src/plugins/types.js'
import { httpCall } from '../../support/http-client.js'
import { parseExposition, samples, value, type Sample } from '../../support/prometheus-text.js'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'

// Metrics through a real node (file mode, in this process): plugin failures counted by plugin,
// requests on plugin routes recorded once, and counters that survive a reload for the routes that
// stay while the series of removed routes go away.

async function scrape (port: number): Promise<Sample[]> {
  const res = await httpCall(`http://127.0.0.1:${port}/metrics`)
  assert.equal(res.status, 200)
  return parseExposition(res.body)
}

test('a throwing plugin is counted in atrium_plugin_errors_total and its 500s on the route, each request once', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const url = `http://127.0.0.1:${up.port}`
  const doc = {
    _format_version: '3.0',
    services: [{ name: 's', url, routes: [{ name: 'plain', paths: ['/plain'] }, { name: 'boom', paths: ['/boom'], plugins: [{ name: 'request-termination', config: { status_code: 418 } }] }, { name: 'cid', paths: ['/cid'], plugins: [{ name: 'correlation-id' }] }] }]
  }
  const node = await startPluginNode(t, doc)
  const failing: AnyPluginHandler = { ...BUNDLED_PLUGIN_HANDLERS.get('request-termination') as AnyPluginHandler, access () { throw new Error('broken on purpose') } }
  node.dp.state.pluginHandlers = new Map([...BUNDLED_PLUGIN_HANDLERS, ['request-termination', failing]])
  const changed = { ...doc, services: doc.services.map((svc) => ({ ...svc, tags: ['v2'] })) } // a new hash: recompiled with the failing handler
  assert.equal((await node.reload(changed)).ok, true)

  for (let i = 0; i < 3; i++) assert.equal((await node.get('/boom/x')).status, 500)
  for (let i = 0; i < 4; i++) assert.equal((await node.get('/cid/x')).status, 200)
  const all = await scrape(node.dp.statusAddress.port)
  assert.equal(value(all, 'atrium_plugin_errors_total', { plugin: 'request-termination' }), 3)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 's', route: 'boom', code: '500' }), 3)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 's', route: 'cid', code: '200' }), 4)
  assert.equal(value(all, 'atrium_request_latency_seconds_count', { service: 's', route: 'cid' }), 4, 'a plugin route records each request once')
  assert.equal(value(all, 'atrium_upstream_latency_seconds_count', { service: 's', route: 'cid' }), 4)
  assert.ok(value(all, 'atrium_response_bytes_total', { service: 's', route: 'cid' }) > 0)
})

test('counters survive a reload for routes that stay; removed routes leave the exposition', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const url = `http://127.0.0.1:${up.port}`
  const routes = [{ name: 'keep', paths: ['/keep'] }, { name: 'drop', paths: ['/drop'] }]
  const doc = (r: typeof routes): Record<string, unknown> => ({ _format_version: '3.0', services: [{ name: 's', url, routes: r }] })
  const node = await startPluginNode(t, doc(routes))
  for (let i = 0; i < 3; i++) await node.get('/keep/x')
  await node.get('/drop/x')
  assert.equal((await node.reload(doc([{ name: 'added', paths: ['/added'] }, routes[0]]))).ok, true)
  for (let i = 0; i < 2; i++) await node.get('/keep/x')
  await node.get('/added/x')
  const all = await scrape(node.dp.statusAddress.port)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 's', route: 'keep', code: '200' }), 5)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 's', route: 'added', code: '200' }), 1)
  assert.equal(samples(all, 'atrium_http_requests_total', { route: 'drop' }).length, 0)
  assert.equal(value(all, 'atrium_request_latency_seconds_count', { service: 's', route: 'keep' }), 5)
})
