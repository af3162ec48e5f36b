import type { DbExecutor } from '../store/db.js'

// The requested paths nodes reported for one service of a group (analytics_paths, report-store.ts),
// summed over [from, to): what spec drift compares with the version's spec.

export interface RequestedPath {
  method: string
  /** The path shape (ids folded), or `*` for a route's overflow. */
  path: string
  status: number
  requests: number
  /** One path as requested. */
  example: string
}

export async function requestedPaths (ex: DbExecutor, runtimeGroupId: string, serviceId: string, from: number, to: number): Promise<RequestedPath[]> {
  const rows = await ex.query<{ method: string, path: string, status: unknown, requests: unknown, example: string }>(
    `SELECT method, path, status, SUM(requests) AS requests, MIN(example) AS example FROM analytics_paths
      WHERE runtime_group_id = $1 AND service_id = $2 AND minute >= $3 AND minute < $4
      GROUP BY method, path, status ORDER BY method, path, status`, [runtimeGroupId, serviceId, from, to])
  return rows.map((r) => ({ method: r.method, path: r.path, status: Number(r.status), requests: Number(r.requests), example: r.example }))
}
