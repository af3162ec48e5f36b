import type { DbExecutor } from '../store/db.js'
import { nowSeconds } from '../shared/ids.js'

// Nodes per runtime group and sync status as GET /runtime-groups/{rg}/data-planes shows them: a
// row still marked connected but not refreshed within the stale window reads as disconnected, and
// rows past the purge window are left out. Read from the store at scrape time, so it is the
// cluster's view (with several CP replicas, each reports every node: use max, not sum).

export interface NodeCount {
  runtimeGroup: string
  syncStatus: string
  nodes: number
}

export async function countNodes (ex: DbExecutor, staleAfterSeconds: number, purgeAfterSeconds: number, now = nowSeconds()): Promise<NodeCount[]> {
  const rows = await ex.query<{ name: string, sync_status: string, connected: unknown, last_seen: unknown }>(
    `SELECT g.name, n.sync_status, n.connected, n.last_seen FROM data_plane_nodes n JOIN runtime_groups g ON g.id = n.runtime_group_id
      WHERE n.last_seen >= $1 AND (n.connected = 1 OR n.last_seen >= $2)`,
    [now - Math.max(staleAfterSeconds, purgeAfterSeconds), now - purgeAfterSeconds])
  const counts = new Map<string, NodeCount>()
  for (const r of rows) {
    const alive = Number(r.connected) === 1 && Number(r.last_seen) >= now - staleAfterSeconds
    const status = alive ? r.sync_status : 'disconnected'
    const key = `${r.name}\0${status}`
    const c = counts.get(key)
    if (c === undefined) counts.set(key, { runtimeGroup: r.name, syncStatus: status, nodes: 1 })
    else c.nodes++
  }
  return [...counts.values()]
}
