import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { startPluginNode, type PluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type EchoReply, type TestUpstream } from '../../support/upstream.js'

const ALICE_ID = '6f1c1a52-8f0e-4c84-9a8c-2b2f1c8f0a01'
const ALICE_KEY_ID = '6f1c1a52-8f0e-4c84-9a8c-2b2f1c8f0a02'
const CONSUMERS = [
  { id: ALICE_ID, username: 'alice', custom_id: 'a-1', keyauth_credentials: [{ id: ALICE_KEY_ID, key: 'alice-key' }] },
  { username: 'bob', keyauth_credentials: [{ key: 'bob-key' }] },
  { username: 'guest' }
]

async function nodeWith (t: TestContext, config: Record<string, unknown> = {}, consumers: unknown[] = CONSUMERS): Promise<PluginNode & { upstream: TestUpstream }> {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    consumers,
    plugins: [{ name: 'key-auth', config }]
  })
  return Object.assign(node, { upstream })
}

function seen (body: string): EchoReply {
  return JSON.parse(body) as EchoReply
}

test('no key: 401 "No API key found in request" with a Key challenge, and the upstream is not called', async (t) => {
  const node = await nodeWith(t)
  const res = await node.get('/r/x')
  assert.equal(res.status, 401)
  assert.deepEqual(JSON.parse(res.body), { message: 'No API key found in request' })
  assert.equal(res.headers['www-authenticate'], 'Key')
  assert.equal(node.upstream.requests, 0)
  const empty = await node.get('/r/x', { apikey: '' })
  assert.deepEqual([empty.status, JSON.parse(empty.body)], [401, { message: 'No API key found in request' }])
})

test('an unknown key: 401 Unauthorized; a realm shows in the challenge', async (t) => {
  const node = await nodeWith(t, { realm: 'orders' })
  const res = await node.get('/r/x', { apikey: 'nobody-key' })
  assert.equal(res.status, 401)
  assert.deepEqual(JSON.parse(res.body), { message: 'Unauthorized' })
  assert.equal(res.headers['www-authenticate'], 'Key realm="orders"')
  assert.equal(node.upstream.requests, 0)
})

test('a valid key in the header: the upstream gets Kong\'s consumer headers (forged ones replaced) and the key', async (t) => {
  const node = await nodeWith(t)
  const res = await node.get('/r/x', { apikey: 'alice-key', 'x-consumer-username': 'mallory', 'x-anonymous-consumer': 'true' })
  assert.equal(res.status, 200, res.body)
  const h = seen(res.body).headers
  assert.equal(h['x-consumer-id'], ALICE_ID)
  assert.equal(h['x-consumer-username'], 'alice')
  assert.equal(h['x-consumer-custom-id'], 'a-1')
  assert.equal(h['x-credential-identifier'], ALICE_KEY_ID)
  assert.equal(h['x-anonymous-consumer'], undefined)
  assert.equal(h.apikey, 'alice-key', 'kept without hide_credentials')
  // bob has no id (a DB-less file without ids), no custom_id, a key without id: those headers are absent, never forged.
  const bob = seen((await node.get('/r/x', { apikey: 'bob-key', 'x-consumer-custom-id': 'forged', 'x-consumer-id': 'forged', 'x-credential-identifier': 'forged' })).body).headers
  assert.equal(bob['x-consumer-username'], 'bob')
  assert.equal(bob['x-consumer-custom-id'], undefined)
  assert.equal(bob['x-consumer-id'], undefined)
  assert.equal(bob['x-credential-identifier'], undefined)
})

test('a key in the query works; hide_credentials removes it (and only it) from the query and the header', async (t) => {
  const node = await nodeWith(t, { hide_credentials: true })
  const q = seen((await node.get('/r/x?a=1&apikey=alice-key&b=%20x')).body)
  assert.equal(q.url, '/x?a=1&b=%20x')
  assert.equal(q.headers['x-consumer-username'], 'alice')
  const h = seen((await node.get('/r/x?apikey=other', { apikey: 'alice-key' })).body)
  assert.equal(h.headers.apikey, undefined)
  assert.equal(h.url, '/x', 'the found name is removed from both places')
})

test('a key given twice in the query: 401 "Duplicate API key found"', async (t) => {
  const node = await nodeWith(t)
  const res = await node.get('/r/x?apikey=alice-key&apikey=bob-key')
  assert.deepEqual([res.status, JSON.parse(res.body)], [401, { message: 'Duplicate API key found' }])
})

test('key_names in order, key_in_header and key_in_query switch the places looked at', async (t) => {
  const node = await nodeWith(t, { key_names: ['x-key', 'apikey'], key_in_header: false })
  assert.equal((await node.get('/r/x', { 'x-key': 'alice-key' })).status, 401, 'headers are not read')
  assert.equal(seen((await node.get('/r/x?apikey=bob-key&x-key=alice-key')).body).headers['x-consumer-username'], 'alice', 'the first name wins')
  const queryOff = await nodeWith(t, { key_in_query: false })
  assert.equal((await queryOff.get('/r/x?apikey=alice-key')).status, 401)
  assert.equal((await queryOff.get('/r/x', { apikey: 'alice-key' })).status, 200)
})

test('key_in_body reads form and JSON bodies; hide_credentials removes the field from the body sent upstream', async (t) => {
  const node = await nodeWith(t, { key_in_body: true, hide_credentials: true })
  const form = await node.request('/r/x', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&apikey=alice-key&b=2' })
  assert.equal(form.status, 200, form.body)
  const formSeen = seen(form.body)
  assert.equal(formSeen.headers['x-consumer-username'], 'alice')
  assert.equal(formSeen.bodySha256, createHash('sha256').update('a=1&b=2').digest('hex'))
  const json = await node.request('/r/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"apikey":"bob-key","n":1}' })
  assert.equal(json.status, 200, json.body)
  assert.equal(seen(json.body).headers['x-consumer-username'], 'bob')
  assert.equal(seen(json.body).bodySha256, createHash('sha256').update('{"n":1}').digest('hex'))
  const text = await node.request('/r/x', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'apikey=alice-key' })
  assert.equal(text.status, 401, 'other content types are not read')
  const off = await nodeWith(t)
  assert.equal((await off.request('/r/x', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'apikey=alice-key' })).status, 401, 'key_in_body is off by default')
})

test('anonymous (by username or id): failures pass as that consumer, marked X-Anonymous-Consumer; a missing one is a 500', async (t) => {
  const node = await nodeWith(t, { anonymous: 'guest' })
  const anon = await node.get('/r/x', { apikey: 'wrong', 'x-credential-identifier': 'forged' })
  assert.equal(anon.status, 200)
  const h = seen(anon.body).headers
  assert.equal(h['x-consumer-username'], 'guest')
  assert.equal(h['x-anonymous-consumer'], 'true')
  assert.equal(h['x-credential-identifier'], undefined)
  assert.equal(seen((await node.get('/r/x')).body).headers['x-anonymous-consumer'], 'true')
  assert.equal(seen((await node.get('/r/x', { apikey: 'alice-key' })).body).headers['x-anonymous-consumer'], undefined)
  const byId = await nodeWith(t, { anonymous: ALICE_ID.toUpperCase() })
  assert.equal(seen((await byId.get('/r/x')).body).headers['x-consumer-username'], 'alice')
  const missing = await nodeWith(t, { anonymous: 'nobody' })
  const res = await missing.get('/r/x')
  assert.deepEqual([res.status, JSON.parse(res.body)], [500, { message: 'An unexpected error occurred' }])
  assert.ok(missing.logs.some((l) => l.msg === 'anonymous consumer not found; requests that fail authentication will get 500'))
  assert.equal((await missing.get('/r/x', { apikey: 'alice-key' })).status, 200)
})

test('run_on_preflight false lets OPTIONS through without a key', async (t) => {
  const on = await nodeWith(t)
  assert.equal((await on.request('/r/x', { method: 'OPTIONS' })).status, 401)
  const off = await nodeWith(t, { run_on_preflight: false })
  const res = await off.request('/r/x', { method: 'OPTIONS' })
  assert.equal(res.status, 200)
  assert.equal(seen(res.body).headers['x-consumer-username'], undefined)
  assert.equal((await off.get('/r/x')).status, 401)
})

test('a key added to the file is accepted after a reload, a removed one refused', async (t) => {
  const node = await nodeWith(t)
  assert.equal((await node.get('/r/x', { apikey: 'carol-key' })).status, 401)
  const upstreamPort = node.upstream.port
  const result = await node.reload({
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstreamPort}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    consumers: [{ username: 'carol', keyauth_credentials: [{ key: 'carol-key' }] }],
    plugins: [{ name: 'key-auth' }]
  })
  assert.equal(result.ok, true, JSON.stringify(result))
  assert.equal((await node.get('/r/x', { apikey: 'carol-key' })).status, 200)
  assert.equal((await node.get('/r/x', { apikey: 'alice-key' })).status, 401)
})
