import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { Type } from '@sinclair/typebox'
import { definePluginSpec } from '../../../src/plugins/spec.js'
import { definePluginHandler } from '../../../src/plugins/types.js'
import { handlerSet, loadConfig, startPluginGateway, withExtraPlugin, type PluginGateway } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'
import { rateHeaders, uniqueName } from './rate-limit-kit.js'

// limit_by consumer / credential with consumers identified by a test-only authentication plugin
// (priority 1250, as key-auth): `X-User: alice` → consumer alice with credential cred-alice.

const authSpec = definePluginSpec({
  name: 'test-auth',
  version: '1.0.0',
  priority: 1250,
  description: 'test only',
  schema: Type.Object({}, { additionalProperties: false })
})
const authHandler = definePluginHandler(authSpec, {
  access (ctx) {
    const user = ctx.request.header('x-user')
    if (user === 'alice') ctx.setConsumer(0, { id: 'cred-alice', identifier: 'alice-key' })
    else if (user === 'bob') ctx.setConsumer(1, { id: 'cred-bob', identifier: 'bob-key' })
    else if (user === 'bob-2') ctx.setConsumer(1, { id: 'cred-bob-2', identifier: 'bob-key-2' })
  }
})

async function gateway (t: TestContext, plugins: Array<Record<string, unknown>>): Promise<PluginGateway> {
  const upstream = await startUpstream(t, echoHandler)
  const route = uniqueName('r')
  const { config } = loadConfig({
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: route, paths: ['/r'] }] }],
    consumers: [{ username: uniqueName('alice') }, { username: uniqueName('bob') }],
    plugins
  })
  return await startPluginGateway(t, withExtraPlugin(config, { name: 'test-auth' }), handlerSet(authHandler))
}

async function statuses (gw: PluginGateway, user: string | null, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await gw.get('/r/x', user === null ? {} : { 'x-user': user })).status)
  return out
}

test('limit_by consumer counts each identified consumer apart, anonymous requests by client IP', async (t) => {
  const gw = await gateway(t, [{ name: 'rate-limiting', config: { hour: 2, limit_by: 'consumer' } }])
  assert.deepEqual(await statuses(gw, 'alice', 3), [200, 200, 429])
  assert.deepEqual(await statuses(gw, 'bob', 3), [200, 200, 429])
  // bob's other credential is still bob.
  assert.deepEqual(await statuses(gw, 'bob-2', 1), [429])
  assert.deepEqual(await statuses(gw, null, 3), [200, 200, 429])
})

test('limit_by credential counts each credential apart', async (t) => {
  const gw = await gateway(t, [{ name: 'rate-limiting', config: { hour: 1, limit_by: 'credential' } }])
  assert.deepEqual(await statuses(gw, 'bob', 2), [200, 429])
  assert.deepEqual(await statuses(gw, 'bob-2', 2), [200, 429])
  assert.deepEqual(await statuses(gw, 'alice', 2), [200, 429])
})

test('a consumer-scoped instance replaces the global one for that consumer (Kong precedence)', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const route = uniqueName('r')
  const alice = uniqueName('alice')
  const { config } = loadConfig({
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: route, paths: ['/r'] }] }],
    consumers: [{ username: alice }, { username: uniqueName('bob') }],
    plugins: [
      { name: 'rate-limiting', config: { hour: 3, limit_by: 'consumer' } },
      { name: 'rate-limiting', consumer: alice, config: { hour: 1, limit_by: 'consumer' } }
    ]
  })
  const gw = await startPluginGateway(t, withExtraPlugin(config, { name: 'test-auth' }), handlerSet(authHandler))
  const first = await gw.get('/r/x', { 'x-user': 'alice' })
  assert.equal(rateHeaders(first)['x-ratelimit-limit-hour'], '1')
  assert.deepEqual(await statuses(gw, 'alice', 1), [429])
  const bob = await gw.get('/r/x', { 'x-user': 'bob' })
  assert.equal(rateHeaders(bob)['x-ratelimit-limit-hour'], '3')
  assert.deepEqual(await statuses(gw, 'bob', 3), [200, 200, 429])
})
