import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SyncCloseCodes } from '../../../src/contract/sync-protocol.js'
import { createTestStore } from '../../support/stores.js'
import { PATIENT, connectNode, dataPlanes, eventually, groupWithToken, startKit } from './sync-kit.js'

// Several control planes on one PostgreSQL: the poll carries commits and revocations between them.

test('[postgres] a change and a revocation made on one CP replica reach the nodes of another', async (t) => {
  const store = await createTestStore('postgres')
  t.after(() => store.drop())
  const a = await startKit(t, 'postgres', { dbUrl: store.url, syncTimings: PATIENT })
  const b = await startKit(t, 'postgres', { dbUrl: store.url, syncTimings: PATIENT })
  const { token, tokenId } = await groupWithToken(a.call, 'prod')
  const node = await connectNode(t, b.syncUrl, token)
  node.hello({ node_id: 'on-b' })
  const first = await node.nextSnapshot()
  assert.equal((await a.call('POST', '/runtime-groups/prod/services', { name: 'via-a', host: 'a.internal' })).status, 201)
  const next = await node.nextSnapshot(2000)
  assert.ok(next.value.version > first.value.version)
  assert.deepEqual((next.value.config.services as any[]).map((s) => s.name), ['via-a'])
  assert.equal((await a.call('GET', '/runtime-groups/prod/data-planes')).body.data[0].id, 'on-b', 'replicas share the node list')

  assert.equal((await a.call('DELETE', `/runtime-groups/prod/data-plane-tokens/${tokenId}`)).status, 204)
  // A holds no session of the token; only B's poll can have found it revoked and closed the node.
  const closed = await node.closed
  assert.equal(closed.code, SyncCloseCodes.TOKEN_REVOKED)
  assert.deepEqual([...new Set(b.logs.filter((l) => l.msg === 'node disconnected: token revoked').map((l) => l.token_id))], [tokenId])
  assert.deepEqual(a.logs.filter((l) => l.msg === 'node disconnected: token revoked'), [])
  await eventually(async () => (await dataPlanes(a.call, 'prod'))[0]?.connected === false, 3000, 'disconnected')
})

test('[postgres] a target mark taken by one CP replica reaches the nodes of another, once', async (t) => {
  const store = await createTestStore('postgres')
  t.after(() => store.drop())
  const a = await startKit(t, 'postgres', { dbUrl: store.url, syncTimings: PATIENT })
  const b = await startKit(t, 'postgres', { dbUrl: store.url, syncTimings: PATIENT })
  const { token } = await groupWithToken(a.call, 'prod')
  assert.equal((await a.call('POST', '/runtime-groups/prod/upstreams', { name: 'orders.up' })).status, 201)
  const target = await a.call('POST', '/runtime-groups/prod/upstreams/orders.up/targets', { target: '10.0.0.1:8080' })
  assert.equal(target.status, 201)
  const node = await connectNode(t, b.syncUrl, token)
  node.hello({ node_id: 'on-b', features: ['upstream_health'] })
  await node.nextSnapshot()
  const marked = await a.call('PUT', '/runtime-groups/prod/upstreams/orders.up/targets/10.0.0.1:8080/unhealthy')
  assert.equal(marked.status, 204, marked.text)
  const mark = await eventually(async () => node.received.find((m) => m.kind === 'json' && m.value.type === 'set_target_health'), 3000, 'the mark reached the node on B')
  assert.deepEqual(mark.value, { type: 'set_target_health', upstream: (await a.call('GET', '/runtime-groups/prod/upstreams/orders.up')).body.id, target: target.body.id, address: null, healthy: false })
  await new Promise((resolve) => setTimeout(resolve, 500))
  assert.equal(node.received.filter((m) => m.kind === 'json' && m.value.type === 'set_target_health').length, 1, 'forwarded once, not at every poll')
})
