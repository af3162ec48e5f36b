import { LATENCY_BUCKET_COUNT, LATENCY_HISTOGRAM_SCHEME, type SparseLatencyHistogram } from '../../contract/latency-histogram.js'

// Reading an `analytics` report from a node (docs/sync-protocol.md, "Analytics reports"). Strict and
// bounded: a report is stored whole or not at all, so anything malformed rejects the whole report
// (the CP logs why and does not ack it; the node keeps it until its buffer drops it).
//
// Inside the CP a missing service, route or consumer is '' (the rollup tables' keys are NOT NULL),
// minutes are epoch SECONDS (the wire has milliseconds) and status classes stay 1…5.

export const MAX_BUCKETS_PER_REPORT = 10_000
const MAX_ID = 200
const MAX_COUNT = Number.MAX_SAFE_INTEGER

export interface ReportBucket {
  /** Start of the minute, epoch seconds. */
  minute: number
  serviceId: string
  routeId: string
  consumerId: string
  statusClass: number
  requests: number
  errors4xx: number
  errors5xx: number
  bytesIn: number
  bytesOut: number
  latency: SparseLatencyHistogram
}

/** A requested path of a route (spec drift), minutes in epoch seconds. */
export interface ReportPath {
  minute: number
  serviceId: string
  routeId: string
  method: string
  path: string
  status: number
  requests: number
  example: string
}

export const MAX_PATHS_PER_REPORT = 20_000
const MAX_PATH = 2048
const PATH_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'OTHER'])

function isPathText (v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_PATH && !v.includes('\0')
}

function readPath (v: unknown): ReportPath | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return ': must be an object'
  const b = v as Record<string, unknown>
  if (typeof b.minute !== 'number' || !Number.isSafeInteger(b.minute) || b.minute < 0 || b.minute % 60_000 !== 0) return '.minute: must be the start of a minute in epoch milliseconds'
  const serviceId = optionalId(b.service_id)
  if (serviceId === null) return `.service_id: must be null or a string of 1 to ${MAX_ID} characters`
  if (!isId(b.route_id)) return `.route_id: must be a string of 1 to ${MAX_ID} characters`
  if (typeof b.method !== 'string' || !PATH_METHODS.has(b.method)) return '.method: must be GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or OTHER'
  if (!isPathText(b.path) || !(b.path === '*' || b.path.startsWith('/'))) return `.path: must be a path of at most ${MAX_PATH} characters, or *`
  if (!isPathText(b.example) || !b.example.startsWith('/')) return `.example: must be a path of at most ${MAX_PATH} characters`
  if (typeof b.status !== 'number' || !Number.isInteger(b.status) || b.status < 100 || b.status > 999) return '.status: must be an HTTP status'
  if (!isCount(b.requests) || b.requests === 0) return '.requests: must be a positive integer'
  return { minute: b.minute / 1000, serviceId, routeId: b.route_id, method: b.method, path: b.path, status: b.status, requests: b.requests, example: b.example }
}

export interface AnalyticsReport {
  bootId: string
  seq: number
  /** False when the node used a latency scheme this CP does not know: counts are kept, latency is not. */
  latencyKnown: boolean
  buckets: ReportBucket[]
  /** Requested paths (none from nodes that do not report them). */
  paths: ReportPath[]
  dropped: { reports: number, requests: number }
}

export type ParsedReport = { ok: true, report: AnalyticsReport } | { ok: false, message: string, bootId?: string, seq?: number }

function isId (v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID && !v.includes('\0')
}

function isCount (v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT
}

function optionalId (v: unknown): string | null {
  if (v === null || v === undefined) return ''
  return isId(v) ? v : null
}

function readLatency (v: unknown, requests: number): SparseLatencyHistogram | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object {bucket index: count}'
  const out: SparseLatencyHistogram = {}
  let total = 0
  let n = 0
  for (const key of Object.keys(v)) {
    if (++n > LATENCY_BUCKET_COUNT) return `has more than ${LATENCY_BUCKET_COUNT} buckets`
    const index = Number(key)
    if (!/^(0|[1-9]\d{0,2})$/.test(key) || index >= LATENCY_BUCKET_COUNT) return `"${key.slice(0, 20)}" is not a bucket index (0 to ${LATENCY_BUCKET_COUNT - 1})`
    const count = (v as Record<string, unknown>)[key]
    if (!isCount(count) || count === 0) return `[${key}] must be a positive integer`
    total += count
    out[String(index)] = count
  }
  if (total > requests) return `counts ${total} requests, more than the bucket's ${requests}`
  return out
}

/** A bucket's counters, as the report names them (the rollup tables' columns carry the same names). */
export const BUCKET_COUNTERS = ['requests', 'errors_4xx', 'errors_5xx', 'bytes_in', 'bytes_out'] as const

function readBucket (v: unknown): ReportBucket | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return ': must be an object'
  const b = v as Record<string, unknown>
  if (typeof b.minute !== 'number' || !Number.isSafeInteger(b.minute) || b.minute < 0 || b.minute % 60_000 !== 0) return '.minute: must be the start of a minute in epoch milliseconds'
  const serviceId = optionalId(b.service_id)
  if (serviceId === null) return `.service_id: must be null or a string of 1 to ${MAX_ID} characters`
  const routeId = optionalId(b.route_id)
  if (routeId === null) return `.route_id: must be null or a string of 1 to ${MAX_ID} characters`
  const consumerId = optionalId(b.consumer_id)
  if (consumerId === null) return `.consumer_id: must be null or a string of 1 to ${MAX_ID} characters`
  if (typeof b.status_class !== 'number' || !Number.isInteger(b.status_class) || b.status_class < 1 || b.status_class > 5) return '.status_class: must be 1 to 5'
  for (const f of BUCKET_COUNTERS) {
    if (!isCount(b[f])) return `.${f}: must be a non-negative integer`
  }
  const requests = b.requests as number
  const errors4xx = b.errors_4xx as number
  const errors5xx = b.errors_5xx as number
  if (errors4xx + errors5xx > requests) return ': errors_4xx + errors_5xx exceed requests'
  const latency = readLatency(b.latency, requests)
  if (typeof latency === 'string') return `.latency: ${latency}`
  return {
    minute: b.minute / 1000,
    serviceId,
    routeId,
    consumerId,
    statusClass: b.status_class,
    requests,
    errors4xx,
    errors5xx,
    bytesIn: b.bytes_in as number,
    bytesOut: b.bytes_out as number,
    latency
  }
}

/** The report, or why it is not one (with its boot_id and seq when those could be read, for the log). */
export function parseAnalyticsReport (value: unknown): ParsedReport {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'analytics must be a JSON object' }
  const v = value as Record<string, unknown>
  if (!isId(v.boot_id)) return { ok: false, message: `boot_id: must be a string of 1 to ${MAX_ID} characters` }
  const bootId = v.boot_id
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 0) return { ok: false, message: 'seq: must be a non-negative integer', bootId }
  const seq = v.seq
  const fail = (message: string): ParsedReport => ({ ok: false, message, bootId, seq })
  if (typeof v.histogram !== 'string' || v.histogram.length > MAX_ID) return fail('histogram: must be a latency scheme id')
  if (!Array.isArray(v.buckets)) return fail('buckets: must be an array')
  if (v.buckets.length > MAX_BUCKETS_PER_REPORT) return fail(`buckets: at most ${MAX_BUCKETS_PER_REPORT} per report, got ${v.buckets.length}`)
  const d = v.dropped as Record<string, unknown> | null | undefined
  if (typeof d !== 'object' || d === null || !isCount(d.reports) || !isCount(d.requests)) return fail('dropped: must be {reports, requests} non-negative integers')
  const buckets: ReportBucket[] = []
  for (let i = 0; i < v.buckets.length; i++) {
    const b = readBucket(v.buckets[i])
    if (typeof b === 'string') return fail(`buckets[${i}]${b}`)
    buckets.push(b)
  }
  const paths: ReportPath[] = []
  if (v.paths !== undefined) {
    if (!Array.isArray(v.paths)) return fail('paths: must be an array')
    if (v.paths.length > MAX_PATHS_PER_REPORT) return fail(`paths: at most ${MAX_PATHS_PER_REPORT} per report, got ${v.paths.length}`)
    for (let i = 0; i < v.paths.length; i++) {
      const p = readPath(v.paths[i])
      if (typeof p === 'string') return fail(`paths[${i}]${p}`)
      paths.push(p)
    }
  }
  const latencyKnown = v.histogram === LATENCY_HISTOGRAM_SCHEME
  if (!latencyKnown) for (const b of buckets) b.latency = {}
  return { ok: true, report: { bootId, seq, latencyKnown, buckets, paths, dropped: { reports: d.reports, requests: d.requests } } }
}
