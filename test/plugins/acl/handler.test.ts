import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startPluginNode, type PluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type EchoReply, type TestUpstream } from '../../support/upstream.js'

const CONSUMERS = [
  { username: 'alice', keyauth_credentials: [{ key: 'alice-key' }], acls: [{ group: 'gold' }, { group: 'admins' }] },
  { username: 'bob', keyauth_credentials: [{ key: 'bob-key' }], acls: [{ group: 'silver' }] },
  { username: 'carol', keyauth_credentials: [{ key: 'carol-key' }] },
  { username: 'guest', acls: [{ group: 'public' }] }
]

async function nodeWith (t: TestContext, acl: Record<string, unknown>, keyAuth: Record<string, unknown> | null = {}): Promise<PluginNode & { upstream: TestUpstream }> {
  const upstream = await startUpstream(t, echoHandler)
  const plugins: unknown[] = [{ name: 'acl', config: acl }]
  if (keyAuth !== null) plugins.push({ name: 'key-auth', config: keyAuth })
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    consumers: CONSUMERS,
    plugins
  })
  return Object.assign(node, { upstream })
}

const key = (k: string): Record<string, string> => ({ apikey: k })

test('allow: a consumer in an allowed group passes with X-Consumer-Groups; others get 403 "You cannot consume this service"', async (t) => {
  const node = await nodeWith(t, { allow: ['gold', 'platinum'] })
  const ok = await node.get('/r/x', { ...key('alice-key'), 'x-consumer-groups': 'forged' })
  assert.equal(ok.status, 200)
  assert.equal((JSON.parse(ok.body) as EchoReply).headers['x-consumer-groups'], 'gold, admins')
  for (const k of ['bob-key', 'carol-key']) {
    const res = await node.get('/r/x', key(k))
    assert.deepEqual([res.status, JSON.parse(res.body)], [403, { message: 'You cannot consume this service' }], k)
  }
  assert.equal(node.upstream.requests, 1)
})

test('deny: a consumer in a denied group is refused, one without groups passes (and no groups header)', async (t) => {
  const node = await nodeWith(t, { deny: ['silver'] })
  assert.equal((await node.get('/r/x', key('bob-key'))).status, 403)
  const carol = await node.get('/r/x', { ...key('carol-key'), 'x-consumer-groups': 'forged' })
  assert.equal(carol.status, 200)
  assert.equal((JSON.parse(carol.body) as EchoReply).headers['x-consumer-groups'], undefined)
  assert.equal((await node.get('/r/x', key('alice-key'))).status, 200)
})

test('an empty allow next to deny counts as unset: the plugin denies by deny', async (t) => {
  const node = await nodeWith(t, { allow: [], deny: ['silver'] })
  assert.equal((await node.get('/r/x', key('bob-key'))).status, 403)
  assert.equal((await node.get('/r/x', key('carol-key'))).status, 200)
})

test('hide_groups_header: allowed requests carry no X-Consumer-Groups, not even the client\'s', async (t) => {
  const node = await nodeWith(t, { allow: ['gold'], hide_groups_header: true })
  const res = await node.get('/r/x', { ...key('alice-key'), 'x-consumer-groups': 'admins' })
  assert.equal(res.status, 200)
  assert.equal((JSON.parse(res.body) as EchoReply).headers['x-consumer-groups'], undefined)
})

test('without an authenticated consumer: 401 Unauthorized (acl needs an authentication plugin before it)', async (t) => {
  const node = await nodeWith(t, { allow: ['gold'] }, null)
  const res = await node.get('/r/x', key('alice-key'))
  assert.deepEqual([res.status, JSON.parse(res.body)], [401, { message: 'Unauthorized' }])
  assert.equal(node.upstream.requests, 0)
})

test('the anonymous consumer is checked with its own groups', async (t) => {
  const node = await nodeWith(t, { allow: ['public', 'gold'] }, { anonymous: 'guest' })
  assert.equal((await node.get('/r/x')).status, 200)
  assert.equal((await node.get('/r/x', key('bob-key'))).status, 403, 'an authenticated consumer outside the groups')
  const strict = await nodeWith(t, { allow: ['gold'] }, { anonymous: 'guest' })
  assert.equal((await strict.get('/r/x')).status, 403)
})
