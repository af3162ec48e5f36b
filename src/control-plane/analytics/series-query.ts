import { latencyPercentile, mergeLatencyHistograms, type SparseLatencyHistogram } from '../../contract/latency-histogram.js'
import type { DbExecutor } from '../store/db.js'
import { hourOf } from './analytics-options.js'
import type { ResolvedQuery } from './query-scope.js'
import { fromStored, SELECT_COLUMNS, type RollupRow, type StoredRollupRow } from './rollup-sql.js'

// Reading rollup rows for a time range and folding them into totals. Minute queries read
// analytics_minutes. Hour queries read analytics_hours for clean hours and the minutes of dirty
// hours (the current hour, and any hour a late report touched since its last rollup), so an hour
// series is exact whether or not the rollup job has caught up.

export interface Totals {
  requests: number
  errors4xx: number
  errors5xx: number
  bytesIn: number
  bytesOut: number
  latency: SparseLatencyHistogram
}

export function emptyTotals (): Totals {
  return { requests: 0, errors4xx: 0, errors5xx: 0, bytesIn: 0, bytesOut: 0, latency: {} }
}

export function addInto (t: Totals, r: RollupRow): void {
  t.requests += r.requests
  t.errors4xx += r.errors4xx
  t.errors5xx += r.errors5xx
  t.bytesIn += r.bytesIn
  t.bytesOut += r.bytesOut
  mergeLatencyHistograms(t.latency, r.latency)
}

function round (ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 1000) / 1000
}

/** The public shape of totals (a point, a series total or a summary). */
export function describeTotals (t: Totals): Record<string, number | null> {
  return {
    requests: t.requests,
    errors_4xx: t.errors4xx,
    errors_5xx: t.errors5xx,
    p50: round(latencyPercentile(t.latency, 0.5)),
    p95: round(latencyPercentile(t.latency, 0.95)),
    p99: round(latencyPercentile(t.latency, 0.99)),
    bytes: t.bytesIn + t.bytesOut,
    bytes_in: t.bytesIn,
    bytes_out: t.bytesOut
  }
}

function whereClause (resolved: ResolvedQuery, params: unknown[]): string {
  const parts: string[] = []
  const p = (v: unknown): string => { params.push(v); return `$${params.length}` }
  if (resolved.scopes !== null) {
    parts.push(`(${resolved.scopes.map((s) => s.serviceId === null
      ? `runtime_group_id = ${p(s.runtimeGroupId)}`
      : `(runtime_group_id = ${p(s.runtimeGroupId)} AND service_id = ${p(s.serviceId)})`).join(' OR ')})`)
  }
  if (resolved.routes !== null) {
    parts.push(`(${resolved.routes.map((r) => r.runtimeGroupId === null
      ? `route_id = ${p(r.routeId)}`
      : `(runtime_group_id = ${p(r.runtimeGroupId)} AND route_id = ${p(r.routeId)})`).join(' OR ')})`)
  }
  return parts.map((x) => ` AND ${x}`).join('')
}

async function readTable (ex: DbExecutor, table: 'analytics_minutes' | 'analytics_hours', from: number, to: number, resolved: ResolvedQuery): Promise<RollupRow[]> {
  const column = table === 'analytics_minutes' ? 'minute' : 'hour'
  const params: unknown[] = [from, to]
  const rows = await ex.query<StoredRollupRow>(
    `SELECT ${column} AS t, ${SELECT_COLUMNS} FROM ${table} WHERE ${column} >= $1 AND ${column} < $2${whereClause(resolved, params)}`, params)
  return rows.map(fromStored)
}

/**
 * Every rollup row in [from, to) that the query selects; with `hourly`, each row's time is its
 * hour (from and to must then be whole hours).
 */
export async function readRows (ex: DbExecutor, resolved: ResolvedQuery, from: number, to: number, hourly: boolean): Promise<RollupRow[]> {
  if (resolved.scopes?.length === 0) return []
  if (!hourly) return await readTable(ex, 'analytics_minutes', from, to, resolved)
  const dirty = new Set((await ex.query<{ hour: unknown }>('SELECT hour FROM analytics_dirty_hours WHERE hour >= $1 AND hour < $2', [from, to])).map((r) => Number(r.hour)))
  const hours = (await readTable(ex, 'analytics_hours', from, to, resolved)).filter((r) => !dirty.has(r.time))
  if (dirty.size === 0) return hours
  const first = Math.min(...dirty)
  const last = Math.max(...dirty) + 3600
  const minutes = (await readTable(ex, 'analytics_minutes', first, last, resolved)).filter((r) => dirty.has(hourOf(r.time)))
  for (const r of minutes) r.time = hourOf(r.time)
  return hours.concat(minutes)
}
