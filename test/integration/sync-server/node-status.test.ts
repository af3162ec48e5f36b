import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SyncCloseCodes } from '../../../src/contract/sync-protocol.js'
import { describeStores } from '../../support/stores.js'
import { connectNode, dataPlanes, eventually, groupWithToken, startKit } from './sync-kit.js'

describeStores((store) => {
  test('shows a node\'s ack and apply_error in GET /data-planes', async (t) => {
    const { call, syncUrl } = await startKit(t, store)
    const { token } = await groupWithToken(call, 'prod')
    await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'orders.internal' })
    const node = await connectNode(t, syncUrl, token)
    node.hello({ node_id: 'n1', hostname: 'dp-a', plugins: [{ name: 'cors', version: '1.0.0' }] })
    const snap = (await node.nextSnapshot()).value
    const [syncing] = await dataPlanes(call, 'prod')
    assert.deepEqual([syncing.id, syncing.hostname, syncing.connected, syncing.sync_status, syncing.config_hash], ['n1', 'dp-a', true, 'syncing', null])
    assert.deepEqual(syncing.plugins, [{ name: 'cors', version: '1.0.0' }])

    node.send({ type: 'ack', version: snap.version, hash: snap.hash })
    const acked = await eventually(async () => (await dataPlanes(call, 'prod')).find((n) => n.sync_status === 'in_sync'), 3000, 'in_sync')
    assert.deepEqual([acked.config_hash, acked.config_version, acked.last_error, acked.connected], [snap.hash, snap.version, null, true])
    assert.equal(typeof acked.last_seen, 'number')

    await call('PATCH', '/runtime-groups/prod/services/orders', { port: 8080 })
    const next = (await node.nextSnapshot()).value
    node.send({ type: 'apply_error', version: next.version, hash: next.hash, message: 'compile failed', fields: [{ path: 'routes[0].paths[0]', message: 'bad regex' }] })
    const failed = await eventually(async () => (await dataPlanes(call, 'prod')).find((n) => n.sync_status === 'apply_failed'), 3000, 'apply_failed')
    assert.equal(failed.last_error, 'compile failed (routes[0].paths[0]: bad regex)')
    assert.equal(failed.config_hash, snap.hash, 'still serving the previous config')
  })

  test('revoking a token closes its nodes at once with 4001 and lists them disconnected', async (t) => {
    const { call, syncUrl, logs } = await startKit(t, store)
    const { token, tokenId } = await groupWithToken(call, 'prod')
    const other = (await call('POST', '/runtime-groups/prod/data-plane-tokens', {})).body
    const node = await connectNode(t, syncUrl, token)
    const keep = await connectNode(t, syncUrl, other.token)
    node.hello({ node_id: 'revoked' })
    keep.hello({ node_id: 'kept' })
    await node.nextSnapshot()
    await keep.nextSnapshot()
    assert.equal((await call('DELETE', `/runtime-groups/prod/data-plane-tokens/${tokenId}`)).status, 204)
    // 4001 is sent only when a token is found revoked, never by the heartbeat (which terminates).
    const closed = await node.closed
    assert.equal(closed.code, SyncCloseCodes.TOKEN_REVOKED)
    const error = node.received.find((m) => m.kind === 'json' && m.value.type === 'error')
    assert.equal(error?.kind === 'json' && error.value.code, 'ATRIUM_ERR_SYNC_TOKEN_REVOKED')
    const nodes = await eventually(async () => {
      const list = await dataPlanes(call, 'prod')
      return list.find((n) => n.id === 'revoked')?.connected === false ? list : null
    }, 3000, 'revoked node disconnected')
    assert.deepEqual(nodes.map((n) => [n.id, n.connected, n.sync_status]).sort(), [['kept', true, 'syncing'], ['revoked', false, 'disconnected']])
    assert.equal(keep.ws.readyState, keep.ws.OPEN)
    assert.deepEqual([...new Set(logs.filter((l) => l.msg === 'node disconnected: token revoked').map((l) => l.token_id))], [tokenId], 'closed for its token')
  })

  test('purges a disconnected node after the configured delay', async (t) => {
    const { call, syncUrl } = await startKit(t, store, { dataPlanePurgeAfter: 1 })
    const { token } = await groupWithToken(call, 'prod')
    const gone = await connectNode(t, syncUrl, token)
    const stays = await connectNode(t, syncUrl, token)
    gone.hello({ node_id: 'gone' })
    stays.hello({ node_id: 'stays' })
    await gone.nextSnapshot()
    await stays.nextSnapshot()
    gone.ws.close()
    await gone.closed
    const listed = await eventually(async () => (await dataPlanes(call, 'prod')).find((n) => n.id === 'gone' && !n.connected), 3000, 'listed disconnected')
    assert.equal(listed.sync_status, 'disconnected')
    await eventually(async () => (await dataPlanes(call, 'prod')).every((n) => n.id !== 'gone'), 6000, 'purged')
    assert.deepEqual((await dataPlanes(call, 'prod')).map((n) => [n.id, n.connected]), [['stays', true]])
  })
})

test('drops a node that stops answering pings and lists it disconnected', async (t) => {
  const { call, syncUrl, logs } = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(call, 'prod')
  const mute = await connectNode(t, syncUrl, token, { autoPong: false })
  const live = await connectNode(t, syncUrl, token)
  mute.hello({ node_id: 'mute' })
  live.hello({ node_id: 'live' })
  await mute.nextSnapshot()
  let livePings = 0
  live.ws.on('ping', () => { livePings++ })
  const closed = await mute.closed
  assert.equal(closed.code, 1006, 'terminated, not closed politely')
  assert.deepEqual(logs.filter((l) => l.msg === 'node dropped: no heartbeat').map((l) => l.node_id), ['mute'], 'dropped for its silence')
  // timeout 400 ms, a ping every 200 ms: a node that kept silent through 4 more pings would have been
  // dropped too; the one answering them stays.
  const pingsAtDrop = livePings
  await eventually(async () => livePings >= pingsAtDrop + 4, 10_000, 'four more pings to the live node')
  assert.equal(live.ws.readyState, live.ws.OPEN, 'a node answering pings stays')
  const nodes = await eventually(async () => {
    const list = await dataPlanes(call, 'prod')
    return list.find((n) => n.id === 'mute')?.connected === false ? list : null
  }, 3000, 'mute node disconnected')
  assert.equal(nodes.find((n) => n.id === 'live').connected, true)
})

test('a node reconnecting under the same id keeps one row, and the old session closing later does not mark it disconnected', async (t) => {
  const { call, syncUrl } = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(call, 'prod')
  const old = await connectNode(t, syncUrl, token)
  old.hello({ node_id: 'same' })
  await old.nextSnapshot()
  const fresh = await connectNode(t, syncUrl, token)
  fresh.hello({ node_id: 'same', hostname: 'dp-new' })
  await fresh.nextSnapshot()
  old.ws.close()
  await old.closed
  await new Promise((resolve) => setTimeout(resolve, 200))
  const nodes = await dataPlanes(call, 'prod')
  assert.deepEqual(nodes.map((n) => [n.id, n.hostname, n.connected]), [['same', 'dp-new', true]])
})
