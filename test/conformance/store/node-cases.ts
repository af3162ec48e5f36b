import assert from 'node:assert/strict'
import {
  listNodes, markDisconnected, nodeWindow, purgeNodes, touchNode, updateNodeStatus, upsertNode, type NodeHelloRow, type NodeKey
} from '../../../src/control-plane/sync-server/node-store.js'
import { addGroup, countRows, storeCase, T0, type StoreCaseGroup } from './store-case.js'

// src/control-plane/sync-server/node-store.ts: one row per (group, node id), written only by the
// session that owns it; what "connected" means is decided by a time window when reading.

const PAGE = { size: 100, offset: 0 }
const STALE = 60
const PURGE = 3600

function hello (fields: Partial<NodeHelloRow> = {}): NodeHelloRow {
  return {
    tokenId: 'tk', hostname: 'dp-1', version: '0.1.0', plugins: [{ name: 'cors', version: '1.0.0' }], configHash: null, configVersion: null,
    syncStatus: 'syncing', lastError: null, ...fields
  }
}

export const nodeCases: StoreCaseGroup = {
  name: 'data-plane nodes',
  cases: [
    storeCase('a node that says hello again (a new session) keeps one row and its first_seen', async ({ db }) => {
      const group = await addGroup(db, 'prod')
      await upsertNode(db, { runtimeGroupId: group.id, nodeId: 'n1', sessionId: 's1' }, hello(), T0)
      await upsertNode(db, { runtimeGroupId: group.id, nodeId: 'n1', sessionId: 's2' }, hello({ hostname: 'dp-new', plugins: [], configHash: 'h1', configVersion: 3 }), T0 + 10)
      const [node] = await listNodes(db, group.id, nodeWindow(T0 + 10, STALE, PURGE), PAGE)
      assert.deepEqual(node, {
        id: 'n1', hostname: 'dp-new', version: '0.1.0', plugins: [], config_hash: 'h1', config_version: 3,
        last_seen: T0 + 10, first_seen: T0, connected: true, sync_status: 'syncing', last_error: null
      })
      assert.equal(await countRows(db, 'data_plane_nodes'), 1)
    }),

    storeCase('writes of an old session change nothing once the node said hello on a new one', async ({ db }) => {
      const group = await addGroup(db, 'prod')
      const old: NodeKey = { runtimeGroupId: group.id, nodeId: 'n1', sessionId: 'old' }
      const current: NodeKey = { ...old, sessionId: 'new' }
      await upsertNode(db, old, hello(), T0)
      await upsertNode(db, current, hello(), T0 + 5)
      await updateNodeStatus(db, old, { syncStatus: 'apply_failed', lastError: 'stale', configHash: 'x', configVersion: 1 }, T0 + 6)
      await touchNode(db, old, T0 + 7)
      await markDisconnected(db, old, T0 + 8)
      const [unchanged] = await listNodes(db, group.id, nodeWindow(T0 + 10, STALE, PURGE), PAGE)
      assert.deepEqual([unchanged.connected, unchanged.sync_status, unchanged.last_error, unchanged.config_hash, unchanged.last_seen], [true, 'syncing', null, null, T0 + 5])
      await updateNodeStatus(db, current, { syncStatus: 'in_sync', lastError: null, configHash: 'h2', configVersion: 2 }, T0 + 9)
      await updateNodeStatus(db, current, { syncStatus: 'apply_failed', lastError: 'bad regex' }, T0 + 10)
      const [updated] = await listNodes(db, group.id, nodeWindow(T0 + 10, STALE, PURGE), PAGE)
      assert.deepEqual([updated.sync_status, updated.last_error, updated.config_hash, updated.config_version, updated.last_seen], ['apply_failed', 'bad regex', 'h2', 2, T0 + 10])
    }),

    storeCase('a connected row not refreshed within the stale window lists as disconnected; touchNode refreshes only a connected row', async ({ db }) => {
      const group = await addGroup(db, 'prod')
      const key: NodeKey = { runtimeGroupId: group.id, nodeId: 'n1', sessionId: 's' }
      await upsertNode(db, key, hello({ syncStatus: 'in_sync' }), T0)
      assert.deepEqual((await listNodes(db, group.id, nodeWindow(T0 + STALE, STALE, PURGE), PAGE)).map((n) => [n.connected, n.sync_status]), [[true, 'in_sync']])
      assert.deepEqual((await listNodes(db, group.id, nodeWindow(T0 + STALE + 1, STALE, PURGE), PAGE)).map((n) => [n.connected, n.sync_status]), [[false, 'disconnected']])
      await touchNode(db, key, T0 + 100)
      assert.equal((await listNodes(db, group.id, nodeWindow(T0 + 100, STALE, PURGE), PAGE))[0].connected, true)
      await markDisconnected(db, key, T0 + 110)
      await touchNode(db, key, T0 + 120)
      const [gone] = await listNodes(db, group.id, nodeWindow(T0 + 120, STALE, PURGE), PAGE)
      assert.deepEqual([gone.connected, gone.sync_status, gone.last_seen], [false, 'disconnected', T0 + 110])
    }),

    storeCase('disconnected rows past the purge delay, and rows whose CP died long ago, are hidden at once and purged', async ({ db }) => {
      const group = await addGroup(db, 'prod')
      const other = await addGroup(db, 'other')
      const key = (nodeId: string, g = group.id): NodeKey => ({ runtimeGroupId: g, nodeId, sessionId: 's' })
      await upsertNode(db, key('left-long-ago'), hello({ hostname: 'a' }), T0)
      await markDisconnected(db, key('left-long-ago'), T0)
      await upsertNode(db, key('left-recently'), hello({ hostname: 'b' }), T0 + PURGE)
      await markDisconnected(db, key('left-recently'), T0 + PURGE)
      await upsertNode(db, key('orphaned'), hello({ hostname: 'c' }), T0) // connected, but its CP stopped refreshing it
      await upsertNode(db, key('live'), hello({ hostname: 'd' }), T0 + PURGE + 50)
      await upsertNode(db, key('elsewhere', other.id), hello({ hostname: 'e' }), T0 + PURGE + 50)
      const w = nodeWindow(T0 + PURGE + 60, STALE, PURGE)
      assert.deepEqual((await listNodes(db, group.id, w, PAGE)).map((n) => [n.id, n.connected]), [['left-recently', false], ['live', true]])
      assert.equal(await purgeNodes(db, w), 2)
      assert.equal(await purgeNodes(db, w), 0)
      assert.equal(await countRows(db, 'data_plane_nodes'), 3)
      assert.deepEqual((await listNodes(db, group.id, w, { size: 1, offset: 0 })).map((n) => n.id), ['left-recently', 'live'], 'size + 1 rows')
    })
  ]
}
