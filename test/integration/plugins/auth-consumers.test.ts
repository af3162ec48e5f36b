import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type EchoReply } from '../../support/upstream.js'

// Authentication plugins and the consumer scope, through a real node: once an auth plugin has
// identified a consumer, the plugins after it run with that consumer's scoped instances (Kong's
// precedence), and auth plugins configured with `anonymous` combine as Kong's logical OR.

function hs256 (claims: Record<string, unknown>, secret: string): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

test('a plugin configured for a consumer applies only to that consumer\'s requests (and with a route, only there)', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'one', paths: ['/one'] }, { name: 'two', paths: ['/two'] }] }],
    consumers: [
      { username: 'alice', keyauth_credentials: [{ key: 'alice-key' }], plugins: [{ name: 'request-termination', config: { status_code: 429, message: 'alice is over quota' } }] },
      { username: 'bob', keyauth_credentials: [{ key: 'bob-key' }] }
    ],
    plugins: [
      { name: 'key-auth' },
      { name: 'request-termination', consumer: 'bob', route: 'two', config: { status_code: 403, message: 'bob may not use two' } }
    ]
  })
  const alice = await node.get('/one/x', { apikey: 'alice-key' })
  assert.deepEqual([alice.status, JSON.parse(alice.body)], [429, { message: 'alice is over quota' }])
  assert.equal((await node.get('/two/x', { apikey: 'alice-key' })).status, 429)
  assert.equal((await node.get('/one/x', { apikey: 'bob-key' })).status, 200, 'bob is not alice')
  const bobTwo = await node.get('/two/x', { apikey: 'bob-key' })
  assert.deepEqual([bobTwo.status, JSON.parse(bobTwo.body)], [403, { message: 'bob may not use two' }])
  assert.equal((await node.get('/one/x')).status, 401, 'no consumer, no consumer-scoped plugin: key-auth answers')
  assert.equal(upstream.requests, 1)
})

test('jwt and key-auth with anonymous are a logical OR; a plugin scoped to the anonymous consumer refuses the rest', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    consumers: [
      { username: 'alice', jwt_secrets: [{ key: 'alice-iss', secret: 'alice-secret' }] },
      { username: 'bob', keyauth_credentials: [{ key: 'bob-key' }] },
      { username: 'anonymous', plugins: [{ name: 'request-termination', config: { status_code: 401, message: 'log in with a JWT or an API key' } }] }
    ],
    plugins: [
      { name: 'jwt', config: { anonymous: 'anonymous' } },
      { name: 'key-auth', config: { anonymous: 'anonymous' } }
    ]
  })
  const viaJwt = await node.get('/r/x', { authorization: `Bearer ${hs256({ iss: 'alice-iss' }, 'alice-secret')}`, apikey: 'bob-key' })
  assert.equal(viaJwt.status, 200)
  assert.equal((JSON.parse(viaJwt.body) as EchoReply).headers['x-consumer-username'], 'alice', 'the first plugin that authenticates wins; key-auth then skips')
  const viaKey = await node.get('/r/x', { apikey: 'bob-key' })
  assert.equal(viaKey.status, 200)
  const h = (JSON.parse(viaKey.body) as EchoReply).headers
  assert.equal(h['x-consumer-username'], 'bob')
  assert.equal(h['x-anonymous-consumer'], undefined, 'the anonymous mark set by jwt is removed when key-auth authenticates')
  const neither = await node.get('/r/x', { apikey: 'wrong' })
  assert.deepEqual([neither.status, JSON.parse(neither.body)], [401, { message: 'log in with a JWT or an API key' }])
  assert.equal(upstream.requests, 2)
})
