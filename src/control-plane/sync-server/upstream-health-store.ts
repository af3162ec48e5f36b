import type { UpstreamHealthReport } from '../../contract/sync-protocol.js'
import type { DbExecutor } from '../store/db.js'

// Each node's latest view of its upstreams' target health (UpstreamHealthMessage), one row per
// node, replaced whole by each report. Kept in the database rather than in the session so every
// control-plane replica answers GET /runtime-groups/{rg}/upstreams/{u}/health the same.

/** What a report may hold: beyond these a node's report is refused (logged), not truncated. */
const MAX_UPSTREAMS = 10_000
const MAX_TARGETS = 100_000

function str (v: unknown): string | null {
  return typeof v === 'string' ? v : null
}

function num (v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

function list (v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

/** The report's upstreams in their protocol shape (unknown fields dropped), or null when it is not one. */
export function parseUpstreamHealth (data: unknown): { version: number, upstreams: UpstreamHealthReport[] } | null {
  const m = data as { version?: unknown, upstreams?: unknown }
  if (!Array.isArray(m.upstreams) || m.upstreams.length > MAX_UPSTREAMS) return null
  let targets = 0
  const upstreams: UpstreamHealthReport[] = []
  for (const raw of m.upstreams as Array<Record<string, unknown>>) {
    if (typeof raw !== 'object' || raw === null || typeof raw.name !== 'string') return null
    const ts = list(raw.targets)
    targets += ts.length
    if (targets > MAX_TARGETS) return null
    upstreams.push({
      id: str(raw.id),
      name: raw.name,
      health: str(raw.health) ?? 'HEALTHCHECKS_OFF',
      targets: ts.map((t) => {
        const r = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>
        return {
          id: str(r.id),
          target: str(r.target) ?? '',
          weight: num(r.weight),
          health: str(r.health) ?? 'HEALTHCHECKS_OFF',
          addresses: list(r.addresses).map((a) => {
            const x = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>
            return { ip: str(x.ip) ?? '', port: num(x.port), weight: num(x.weight), health: str(x.health) ?? 'HEALTHCHECKS_OFF' }
          })
        }
      })
    })
  }
  return { version: num(m.version), upstreams }
}

export async function saveUpstreamHealth (ex: DbExecutor, runtimeGroupId: string, nodeId: string, report: { version: number, upstreams: UpstreamHealthReport[] }, now: number): Promise<void> {
  await ex.query(`INSERT INTO data_plane_upstream_health (runtime_group_id, node_id, upstreams, reported_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (runtime_group_id, node_id) DO UPDATE SET upstreams = excluded.upstreams, reported_at = excluded.reported_at`,
  [runtimeGroupId, nodeId, JSON.stringify(report), now])
}

export interface NodeHealthRow { version: number, upstreams: UpstreamHealthReport[], reported_at: number }

/** Every node's latest report in the group, by node id. */
export async function loadUpstreamHealth (ex: DbExecutor, runtimeGroupId: string): Promise<Map<string, NodeHealthRow>> {
  const rows = await ex.query<{ node_id: string, upstreams: string, reported_at: unknown }>('SELECT node_id, upstreams, reported_at FROM data_plane_upstream_health WHERE runtime_group_id = $1', [runtimeGroupId])
  return new Map(rows.map((r) => {
    const parsed = JSON.parse(r.upstreams) as { version: number, upstreams: UpstreamHealthReport[] }
    return [r.node_id, { version: parsed.version, upstreams: parsed.upstreams, reported_at: Number(r.reported_at) }]
  }))
}

/** Reports of nodes no longer listed (purged) go with them. */
export async function purgeUpstreamHealth (ex: DbExecutor): Promise<void> {
  await ex.query(`DELETE FROM data_plane_upstream_health WHERE NOT EXISTS (SELECT 1 FROM data_plane_nodes n
    WHERE n.runtime_group_id = data_plane_upstream_health.runtime_group_id AND n.node_id = data_plane_upstream_health.node_id)`)
}
