import { randomUUID } from 'node:crypto'
import { mergeLatencyHistograms } from '../../contract/latency-histogram.js'
import type { Db, DbExecutor } from '../store/db.js'
import { hourOf } from './analytics-options.js'
import type { AnalyticsReport } from './report-input.js'
import { addRollupRows, rowKey, type RollupRow } from './rollup-sql.js'

// Storing one node report, exactly once: one transaction inserts the report's identity
// (node_id, boot_id, seq) into analytics_reports, and only when that row is new adds its buckets
// to the minute rollups and marks their hours dirty (the rollup job recomputes dirty hours from
// minutes). A resent report finds its identity taken and changes nothing; a failed transaction
// leaves nothing, so the unacked report can be sent again.
//
// Dirty marks carry a random stamp, renewed by every report that touches the hour: the rollup job
// clears a mark only if the stamp is still the one it read before reading the minutes, so a
// report committed meanwhile always leaves its hour dirty.

export interface ReportSource {
  runtimeGroupId: string
  nodeId: string
}

export interface StoreResult {
  duplicate: boolean
  /** Buckets added (after merging duplicates within the report). */
  stored: number
  /** Buckets skipped because their minute is older than the minute retention allows, or ahead of the CP's clock. */
  tooOld: number
  future: number
  /** How much the node's cumulative dropped counters grew with this report (0 for a duplicate). */
  droppedIncrease: { reports: number, requests: number }
}

function rowsOf (source: ReportSource, report: AnalyticsReport, window: { oldest: number, newest: number }): { rows: RollupRow[], tooOld: number, future: number } {
  const byKey = new Map<string, RollupRow>()
  let tooOld = 0
  let future = 0
  for (const b of report.buckets) {
    if (b.minute < window.oldest) { tooOld++; continue }
    if (b.minute > window.newest) { future++; continue }
    const row: RollupRow = { time: b.minute, runtimeGroupId: source.runtimeGroupId, serviceId: b.serviceId, routeId: b.routeId, consumerId: b.consumerId, statusClass: b.statusClass, requests: b.requests, errors4xx: b.errors4xx, errors5xx: b.errors5xx, bytesIn: b.bytesIn, bytesOut: b.bytesOut, latency: b.latency }
    const key = rowKey(row)
    const seen = byKey.get(key)
    if (seen === undefined) {
      byKey.set(key, { ...row, latency: { ...row.latency } })
      continue
    }
    seen.requests += row.requests
    seen.errors4xx += row.errors4xx
    seen.errors5xx += row.errors5xx
    seen.bytesIn += row.bytesIn
    seen.bytesOut += row.bytesOut
    mergeLatencyHistograms(seen.latency, row.latency)
  }
  return { rows: [...byKey.values()], tooOld, future }
}

/** The report's requested paths, added to their minute's counts (spec drift reads them). */
async function addPathRows (tx: DbExecutor, source: ReportSource, report: AnalyticsReport, window: { oldest: number, newest: number }): Promise<void> {
  for (const p of report.paths) {
    if (p.minute < window.oldest || p.minute > window.newest) continue
    await tx.query(`INSERT INTO analytics_paths (minute, runtime_group_id, service_id, route_id, method, path, status, requests, example)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      ON CONFLICT (minute, runtime_group_id, service_id, route_id, method, path, status) DO UPDATE SET requests = analytics_paths.requests + excluded.requests`,
    [p.minute, source.runtimeGroupId, p.serviceId, p.routeId, p.method, p.path, p.status, p.requests, p.example])
  }
}

export async function storeReport (db: Db, source: ReportSource, report: AnalyticsReport, now: number, window: { oldest: number, newest: number }): Promise<StoreResult> {
  const { rows, tooOld, future } = rowsOf(source, report, window)
  return await db.transaction(async (tx) => {
    const inserted = await tx.query(`INSERT INTO analytics_reports (node_id, boot_id, seq, runtime_group_id, received_at, buckets)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (node_id, boot_id, seq) DO NOTHING RETURNING seq`,
    [source.nodeId, report.bootId, report.seq, source.runtimeGroupId, now, rows.length])
    if (inserted.length === 0) return { duplicate: true, stored: 0, tooOld: 0, future: 0, droppedIncrease: { reports: 0, requests: 0 } }

    let droppedIncrease = { reports: 0, requests: 0 }
    if (report.dropped.reports > 0 || report.dropped.requests > 0) {
      // Cumulative per (node_id, boot_id): keep the largest value seen, report the growth.
      const before = await tx.query<{ reports: unknown, requests: unknown }>('SELECT reports, requests FROM analytics_drops WHERE node_id = $1 AND boot_id = $2', [source.nodeId, report.bootId])
      const old = { reports: Number(before[0]?.reports ?? 0), requests: Number(before[0]?.requests ?? 0) }
      droppedIncrease = { reports: Math.max(0, report.dropped.reports - old.reports), requests: Math.max(0, report.dropped.requests - old.requests) }
      await tx.query(`INSERT INTO analytics_drops (node_id, boot_id, runtime_group_id, reports, requests, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (node_id, boot_id) DO UPDATE SET
          reports = CASE WHEN excluded.reports > analytics_drops.reports THEN excluded.reports ELSE analytics_drops.reports END,
          requests = CASE WHEN excluded.requests > analytics_drops.requests THEN excluded.requests ELSE analytics_drops.requests END,
          updated_at = excluded.updated_at`,
      [source.nodeId, report.bootId, source.runtimeGroupId, report.dropped.reports, report.dropped.requests, now])
    }
    await addPathRows(tx, source, report, window)
    if (rows.length > 0) {
      await addRollupRows(tx, db.dialect, 'analytics_minutes', rows)
      // Last, so the hot row (every report of the current hour renews it) is locked only until the commit.
      const stamp = randomUUID()
      for (const hour of [...new Set(rows.map((r) => hourOf(r.time)))].sort((a, b) => a - b)) {
        await tx.query(`INSERT INTO analytics_dirty_hours (hour, stamp) VALUES ($1, $2)
          ON CONFLICT (hour) DO UPDATE SET stamp = excluded.stamp`, [hour, stamp])
      }
    }
    return { duplicate: false, stored: rows.length, tooOld, future, droppedIncrease }
  })
}
