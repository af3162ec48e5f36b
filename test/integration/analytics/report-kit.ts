import { latencyBucketIndex, LATENCY_HISTOGRAM_SCHEME } from '../../../src/contract/latency-histogram.js'
import type { AnalyticsBucket, AnalyticsMessage } from '../../../src/contract/sync-protocol.js'

// Building `analytics` reports as a node sends them (docs/sync-protocol.md), from known requests.

export interface KnownRequest {
  /** epoch seconds */
  at: number
  service: string | null
  route: string | null
  status: number
  ms: number
  bytesIn?: number
  bytesOut?: number
  consumer?: string | null
}

/** The buckets a node would report for these requests (one per minute/service/route/status class/consumer). */
export function bucketsOf (requests: KnownRequest[]): AnalyticsBucket[] {
  const byKey = new Map<string, AnalyticsBucket>()
  for (const r of requests) {
    const minute = (r.at - (r.at % 60)) * 1000
    const statusClass = Math.floor(r.status / 100)
    const key = JSON.stringify([minute, r.service, r.route, statusClass, r.consumer ?? null])
    let b = byKey.get(key)
    if (b === undefined) {
      byKey.set(key, b = { minute, service_id: r.service, route_id: r.route, status_class: statusClass, consumer_id: r.consumer ?? null, requests: 0, errors_4xx: 0, errors_5xx: 0, bytes_in: 0, bytes_out: 0, latency: {} })
    }
    b.requests++
    if (statusClass === 4) b.errors_4xx++
    if (statusClass === 5) b.errors_5xx++
    b.bytes_in += r.bytesIn ?? 0
    b.bytes_out += r.bytesOut ?? 0
    const i = String(latencyBucketIndex(r.ms))
    b.latency[i] = (b.latency[i] ?? 0) + 1
  }
  return [...byKey.values()]
}

export function reportOf (seq: number, requests: KnownRequest[], options: { bootId?: string, dropped?: { reports: number, requests: number } } = {}): AnalyticsMessage {
  return { type: 'analytics', boot_id: options.bootId ?? 'boot-1', seq, histogram: LATENCY_HISTOGRAM_SCHEME, buckets: bucketsOf(requests), dropped: options.dropped ?? { reports: 0, requests: 0 } }
}

/** The exact nearest-rank percentile of a list of values. */
export function exactPercentile (values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]
}

/** Latencies with a long tail: mostly fast, some slow, a few very slow (deterministic). */
export function knownLatencies (n: number): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const r = ((i * 7919) % n) / n
    out.push(r < 0.8 ? 2 + r * 20 : r < 0.97 ? 40 + (r - 0.8) * 1000 : 400 + (r - 0.97) * 30_000)
  }
  return out
}
