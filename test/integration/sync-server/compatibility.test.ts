import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SyncCloseCodes } from '../../../src/contract/sync-protocol.js'
import { ATRIUM_VERSION } from '../../../src/version.js'
import { connectNode, dataPlanes, eventually, groupWithToken, quiet, startKit } from './sync-kit.js'

const CID = { name: 'correlation-id', version: '1.0.0' }

test('a node lacking a plugin the group uses gets plugin_set_incompatible and no snapshot', async (t) => {
  const { call, syncUrl } = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(call, 'prod')
  await call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'orders.internal' })
  assert.equal((await call('POST', '/runtime-groups/prod/plugins', { name: 'request-termination', service: { name: 'orders' } })).status, 201)
  const node = await connectNode(t, syncUrl, token)
  node.hello({ plugins: [CID] })
  const welcome = await node.next()
  assert.equal(welcome.kind === 'json' && welcome.value.sync_status, 'plugin_set_incompatible')
  assert.match(welcome.kind === 'json' ? welcome.value.message : '', /request-termination/)
  assert.equal(await quiet(node, 400), null)
  const [row] = await dataPlanes(call, 'prod')
  assert.deepEqual([row.sync_status, row.connected], ['plugin_set_incompatible', true])
  assert.match(row.last_error, /request-termination/)

  const capable = await connectNode(t, syncUrl, token)
  capable.hello({ node_id: 'capable', plugins: [CID, { name: 'request-termination', version: '1.0.0' }] })
  assert.equal((await capable.next()).value.sync_status, 'syncing')
  await capable.nextSnapshot()
})

test('re-checks the plugin set at every change: a new plugin stops pushes, removing it resumes them', async (t) => {
  const { call, syncUrl } = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(call, 'prod')
  const node = await connectNode(t, syncUrl, token)
  node.hello({ plugins: [CID] })
  await node.nextSnapshot()
  const cid = await call('POST', '/runtime-groups/prod/plugins', { name: 'correlation-id' })
  assert.equal(cid.status, 201, cid.text)
  assert.match(String((await node.nextSnapshot()).value.version), /^\d+$/)
  const plugin = await call('POST', '/runtime-groups/prod/plugins', { name: 'request-termination', config: { status_code: 503 } })
  assert.equal(plugin.status, 201, plugin.text)
  const update = await node.next()
  assert.deepEqual(update.kind === 'json' && [update.value.type, update.value.sync_status], ['welcome', 'plugin_set_incompatible'])
  assert.equal(await quiet(node, 300), null, 'no snapshot while incompatible')
  await eventually(async () => (await dataPlanes(call, 'prod'))[0].sync_status === 'plugin_set_incompatible', 3000, 'status recorded')
  assert.equal((await call('DELETE', `/runtime-groups/prod/plugins/${plugin.body.id as string}`)).status, 204)
  const back = await node.next()
  assert.deepEqual(back.kind === 'json' && [back.value.type, back.value.sync_status], ['welcome', 'syncing'])
  const snap = await node.nextSnapshot()
  assert.equal(snap.value.version, (await call('GET', '/runtime-groups/prod')).body.config_version)
})

test('refuses another Atrium major or protocol with version_incompatible and close code 4002', async (t) => {
  const { call, syncUrl } = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(call, 'prod')
  const major = Number(ATRIUM_VERSION.split('.')[0])
  const node = await connectNode(t, syncUrl, token)
  node.hello({ node_id: 'future', version: `${major + 1}.0.0` })
  const welcome = await node.next()
  assert.equal(welcome.kind === 'json' && welcome.value.sync_status, 'version_incompatible')
  assert.equal((await node.closed).code, SyncCloseCodes.INCOMPATIBLE)
  assert.ok(!node.received.some((m) => m.kind === 'snapshot'))
  const [row] = await eventually(async () => { const l = await dataPlanes(call, 'prod'); return l[0]?.connected === false ? l : null }, 3000, 'row')
  assert.match(row.last_error, /major/)

  const old = await connectNode(t, syncUrl, token)
  old.hello({ node_id: 'old-protocol', protocol: 0 })
  assert.equal((await old.next()).value.sync_status, 'version_incompatible')
  assert.equal((await old.closed).code, SyncCloseCodes.INCOMPATIBLE)
})

test('closes with 4003 when the first message is not a valid hello, or none comes in time', async (t) => {
  const { call, syncUrl } = await startKit(t, 'sqlite')
  const { token } = await groupWithToken(call, 'prod')
  const bad = await connectNode(t, syncUrl, token)
  bad.send({ type: 'ack', version: 1, hash: 'x' })
  assert.equal((await bad.closed).code, SyncCloseCodes.BAD_HELLO)
  const error = bad.received.find((m) => m.kind === 'json' && m.value.type === 'error')
  assert.equal(error?.kind === 'json' && error.value.code, 'ATRIUM_ERR_SYNC_BAD_HELLO')
  const silent = await connectNode(t, syncUrl, token)
  const closed = await silent.closed
  assert.equal(closed.code, SyncCloseCodes.BAD_HELLO)
  assert.equal(closed.reason, 'no hello within 500 ms', 'closed by the hello timer (FAST: 500 ms)')
  assert.deepEqual(await dataPlanes(call, 'prod'), [], 'no row for a node that never said hello')
})
