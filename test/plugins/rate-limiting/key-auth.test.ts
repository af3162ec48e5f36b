import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'
import { rateHeaders, uniqueName } from './rate-limit-kit.js'

// limit_by consumer with the real key-auth plugin (priority 1250, before rate-limiting's 910) on a
// real node: each consumer counts alone, a consumer-scoped instance gives one consumer its own
// limit, and a request key-auth refuses is never counted.

test('rate-limiting after key-auth: per consumer, with a consumer-scoped limit; refused keys are not counted', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const route = uniqueName('r')
  const alice = uniqueName('alice')
  const bob = uniqueName('bob')
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: route, paths: ['/r'] }] }],
    consumers: [
      { username: alice, keyauth_credentials: [{ key: `${alice}-key` }] },
      { username: bob, keyauth_credentials: [{ key: `${bob}-key-1` }, { key: `${bob}-key-2` }] }
    ],
    plugins: [
      { name: 'key-auth', route },
      { name: 'rate-limiting', route, config: { hour: 3 } },
      { name: 'rate-limiting', route, consumer: alice, config: { hour: 1 } }
    ]
  })
  const as = async (key: string | null): Promise<number> => (await node.get('/r/x', key === null ? {} : { apikey: key })).status

  assert.equal(await as(null), 401)
  assert.equal(await as('wrong-key'), 401)
  const first = await node.get('/r/x', { apikey: `${bob}-key-1` })
  assert.equal(first.status, 200)
  assert.deepEqual([rateHeaders(first)['x-ratelimit-limit-hour'], rateHeaders(first)['x-ratelimit-remaining-hour']], ['3', '2'])
  // Both of bob's keys count against bob.
  assert.deepEqual([await as(`${bob}-key-2`), await as(`${bob}-key-1`), await as(`${bob}-key-2`)], [200, 200, 429])
  // alice has her own, consumer-scoped limit of 1.
  const a = await node.get('/r/x', { apikey: `${alice}-key` })
  assert.deepEqual([a.status, rateHeaders(a)['x-ratelimit-limit-hour']], [200, '1'])
  assert.equal(await as(`${alice}-key`), 429)
  assert.equal(upstream.requests, 4)
})
