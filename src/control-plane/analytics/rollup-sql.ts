import type { Dialect } from '../catalog/package-store.js'
import type { DbExecutor } from '../store/db.js'
import { BUCKET_COUNTERS } from './report-input.js'

// The one statement shape that writes rollup rows, for minutes (ingestion) and hours (the rollup
// job): an upsert that ADDS to the row, histogram included, so concurrent writers (several CP
// replicas on one PostgreSQL) never lose each other's counts. The histogram (sparse JSON
// {bucket index: count}) is merged in SQL with each store's JSON functions.
//
// SQLite runs one statement per row (in-process, ~µs each, and one cached statement); PostgreSQL
// takes up to CHUNK rows per statement, sorted by key so two transactions lock rows in one order.

export type RollupTable = 'analytics_minutes' | 'analytics_hours'

export interface RollupRow {
  /** minute or hour start, epoch seconds */
  time: number
  runtimeGroupId: string
  serviceId: string
  routeId: string
  consumerId: string
  statusClass: number
  requests: number
  errors4xx: number
  errors5xx: number
  bytesIn: number
  bytesOut: number
  latency: Record<string, number>
}

const CHUNK = 400
const COLUMNS = 12

function timeColumn (table: RollupTable): string {
  return table === 'analytics_minutes' ? 'minute' : 'hour'
}

function mergeLatency (dialect: Dialect, table: RollupTable): string {
  if (dialect === 'postgres') {
    return `(SELECT COALESCE(json_object_agg(k, s)::text, '{}') FROM (SELECT k, SUM(v) AS s FROM (
      SELECT key AS k, value::bigint AS v FROM json_each_text(${table}.latency::json)
      UNION ALL SELECT key, value::bigint FROM json_each_text(excluded.latency::json)) u GROUP BY k) m)`
  }
  return `(SELECT COALESCE(json_group_object(k, s), '{}') FROM (SELECT key AS k, SUM(value) AS s FROM (
      SELECT key, value FROM json_each(${table}.latency)
      UNION ALL SELECT key, value FROM json_each(excluded.latency)) GROUP BY key))`
}

function upsertSql (dialect: Dialect, table: RollupTable, rows: number): string {
  const values: string[] = []
  for (let r = 0; r < rows; r++) {
    const base = r * COLUMNS
    values.push(`(${Array.from({ length: COLUMNS }, (_, i) => `$${base + i + 1}`).join(', ')})`)
  }
  const add = (c: string): string => `${c} = ${table}.${c} + excluded.${c}`
  return `INSERT INTO ${table} (${timeColumn(table)}, ${SELECT_COLUMNS})
    VALUES ${values.join(', ')}
    ON CONFLICT (runtime_group_id, service_id, ${timeColumn(table)}, route_id, consumer_id, status_class) DO UPDATE SET
      ${BUCKET_COUNTERS.map(add).join(', ')},
      latency = CASE WHEN excluded.latency = '{}' THEN ${table}.latency ELSE ${mergeLatency(dialect, table)} END`
}

export function rowKey (r: Pick<RollupRow, 'time' | 'runtimeGroupId' | 'serviceId' | 'routeId' | 'consumerId' | 'statusClass'>): string {
  return `${r.runtimeGroupId}\0${r.serviceId}\0${r.time}\0${r.routeId}\0${r.consumerId}\0${r.statusClass}`
}

function compareRows (a: RollupRow, b: RollupRow): number {
  return a.runtimeGroupId < b.runtimeGroupId ? -1 : a.runtimeGroupId > b.runtimeGroupId ? 1
    : a.serviceId < b.serviceId ? -1 : a.serviceId > b.serviceId ? 1
    : a.time !== b.time ? a.time - b.time
    : a.routeId < b.routeId ? -1 : a.routeId > b.routeId ? 1
    : a.consumerId < b.consumerId ? -1 : a.consumerId > b.consumerId ? 1
    : a.statusClass - b.statusClass
}

function params (r: RollupRow): unknown[] {
  return [r.time, r.runtimeGroupId, r.serviceId, r.routeId, r.consumerId, r.statusClass,
    r.requests, r.errors4xx, r.errors5xx, r.bytesIn, r.bytesOut, JSON.stringify(r.latency)]
}

/** Adds `rows` (unique keys) into `table`. */
export async function addRollupRows (tx: DbExecutor, dialect: Dialect, table: RollupTable, rows: RollupRow[]): Promise<void> {
  const sorted = [...rows].sort(compareRows)
  if (dialect === 'sqlite') {
    const sql = upsertSql(dialect, table, 1)
    for (const r of sorted) await tx.query(sql, params(r))
    return
  }
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const chunk = sorted.slice(i, i + CHUNK)
    await tx.query(upsertSql(dialect, table, chunk.length), chunk.flatMap(params))
  }
}

export type StoredRollupRow = {
  t: unknown
  runtime_group_id: string
  service_id: string
  route_id: string
  consumer_id: string
  status_class: unknown
  requests: unknown
  errors_4xx: unknown
  errors_5xx: unknown
  bytes_in: unknown
  bytes_out: unknown
  latency: string
}

export const SELECT_COLUMNS = `runtime_group_id, service_id, route_id, consumer_id, status_class, ${BUCKET_COUNTERS.join(', ')}, latency`

export function fromStored (r: StoredRollupRow): RollupRow {
  return {
    time: Number(r.t),
    runtimeGroupId: r.runtime_group_id,
    serviceId: r.service_id,
    routeId: r.route_id,
    consumerId: r.consumer_id,
    statusClass: Number(r.status_class),
    requests: Number(r.requests),
    errors4xx: Number(r.errors_4xx),
    errors5xx: Number(r.errors_5xx),
    bytesIn: Number(r.bytes_in),
    bytesOut: Number(r.bytes_out),
    latency: JSON.parse(r.latency) as Record<string, number>
  }
}
