import type { SyncStatus, PluginInfo } from '../../contract/sync-protocol.js'
import type { DbExecutor } from '../store/db.js'
import type { Page } from '../shared/pagination.js'

// SQL for data_plane_nodes: one row per (runtime group, node id). Every write of a live session is
// scoped by its session_id, so an old session of a node that has reconnected (to this CP or
// another) never overwrites the new one's row.

export interface NodeKey {
  runtimeGroupId: string
  nodeId: string
  sessionId: string
}

export interface NodeHelloRow {
  tokenId: string
  hostname: string
  version: string
  plugins: PluginInfo[]
  configHash: string | null
  configVersion: number | null
  syncStatus: SyncStatus
  lastError: string | null
}

export interface DataPlaneNode {
  id: string
  hostname: string
  version: string
  plugins: PluginInfo[]
  config_hash: string | null
  config_version: number | null
  last_seen: number
  first_seen: number
  connected: boolean
  sync_status: SyncStatus
  last_error: string | null
}

export async function upsertNode (ex: DbExecutor, key: NodeKey, row: NodeHelloRow, now: number): Promise<void> {
  await ex.query(
    `INSERT INTO data_plane_nodes (runtime_group_id, node_id, token_id, session_id, hostname, version, plugins, config_hash,
       config_version, sync_status, last_error, connected, first_seen, last_seen)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12)
     ON CONFLICT (runtime_group_id, node_id) DO UPDATE SET token_id = excluded.token_id, session_id = excluded.session_id,
       hostname = excluded.hostname, version = excluded.version, plugins = excluded.plugins, config_hash = excluded.config_hash,
       config_version = excluded.config_version, sync_status = excluded.sync_status, last_error = excluded.last_error,
       connected = 1, last_seen = excluded.last_seen`,
    [key.runtimeGroupId, key.nodeId, row.tokenId, key.sessionId, row.hostname, row.version, JSON.stringify(row.plugins), row.configHash,
      row.configVersion, row.syncStatus, row.lastError, now])
}

/** Records what the node reports (ack, apply_error) or what the CP decided (plugin set changed). */
export async function updateNodeStatus (ex: DbExecutor, key: NodeKey, status: { syncStatus: SyncStatus, lastError: string | null, configHash?: string, configVersion?: number }, now: number): Promise<void> {
  if (status.configHash !== undefined) {
    await ex.query(`UPDATE data_plane_nodes SET sync_status = $4, last_error = $5, config_hash = $6, config_version = $7, last_seen = $8
      WHERE runtime_group_id = $1 AND node_id = $2 AND session_id = $3`,
    [key.runtimeGroupId, key.nodeId, key.sessionId, status.syncStatus, status.lastError, status.configHash, status.configVersion ?? null, now])
  } else {
    await ex.query(`UPDATE data_plane_nodes SET sync_status = $4, last_error = $5, last_seen = $6
      WHERE runtime_group_id = $1 AND node_id = $2 AND session_id = $3`,
    [key.runtimeGroupId, key.nodeId, key.sessionId, status.syncStatus, status.lastError, now])
  }
}

export async function touchNode (ex: DbExecutor, key: NodeKey, now: number): Promise<void> {
  await ex.query('UPDATE data_plane_nodes SET last_seen = $4 WHERE runtime_group_id = $1 AND node_id = $2 AND session_id = $3 AND connected = 1',
    [key.runtimeGroupId, key.nodeId, key.sessionId, now])
}

export async function markDisconnected (ex: DbExecutor, key: NodeKey, now: number): Promise<void> {
  await ex.query(`UPDATE data_plane_nodes SET connected = 0, sync_status = 'disconnected', last_seen = $4
    WHERE runtime_group_id = $1 AND node_id = $2 AND session_id = $3`, [key.runtimeGroupId, key.nodeId, key.sessionId, now])
}

/** Cut-offs (unix seconds) that decide what a row means now; see nodeWindow. */
export interface NodeWindow {
  /** A connected row refreshed at or after this is alive. */
  aliveSince: number
  /** A disconnected row last seen before this is purged. */
  purgeBefore: number
  /** Any row last seen before this is purged (a connected row whose CP died long ago). */
  purgeAnyBefore: number
}

export function nodeWindow (now: number, staleAfter: number, purgeAfter: number): NodeWindow {
  return { aliveSince: now - staleAfter, purgeBefore: now - purgeAfter, purgeAnyBefore: now - Math.max(staleAfter, purgeAfter) }
}

type NodeRow = {
  node_id: string
  hostname: string
  version: string
  plugins: string
  config_hash: string | null
  config_version: unknown
  sync_status: string
  last_error: string | null
  connected: unknown
  first_seen: unknown
  last_seen: unknown
}

/** The group's nodes, purged ones left out even before the purge ran; `connected` means alive now. */
export async function listNodes (ex: DbExecutor, runtimeGroupId: string, w: NodeWindow, page: Page): Promise<DataPlaneNode[]> {
  const rows = await ex.query<NodeRow>(
    `SELECT node_id, hostname, version, plugins, config_hash, config_version, sync_status, last_error, connected, first_seen, last_seen
       FROM data_plane_nodes
      WHERE runtime_group_id = $1 AND last_seen >= $3 AND (connected = 1 OR last_seen >= $2)
      ORDER BY hostname, node_id LIMIT $4 OFFSET $5`,
    [runtimeGroupId, w.purgeBefore, w.purgeAnyBefore, page.size + 1, page.offset])
  return rows.map((r) => {
    const connected = Number(r.connected) === 1 && Number(r.last_seen) >= w.aliveSince
    return {
      id: r.node_id,
      hostname: r.hostname,
      version: r.version,
      plugins: JSON.parse(r.plugins) as PluginInfo[],
      config_hash: r.config_hash,
      config_version: r.config_version === null ? null : Number(r.config_version),
      last_seen: Number(r.last_seen),
      first_seen: Number(r.first_seen),
      connected,
      sync_status: connected ? r.sync_status as SyncStatus : 'disconnected',
      last_error: r.last_error
    }
  })
}

export async function purgeNodes (ex: DbExecutor, w: NodeWindow): Promise<number> {
  const rows = await ex.query(`DELETE FROM data_plane_nodes WHERE (connected = 0 AND last_seen < $1) OR last_seen < $2 RETURNING node_id`,
    [w.purgeBefore, w.purgeAnyBefore])
  return rows.length
}
