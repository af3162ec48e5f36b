import type { AnalyticsBucket, PathBucket } from '../../contract/sync-protocol.js'
import { PathTable } from './path-shapes.js'
import { LATENCY_BUCKET_COUNT, latencyBucketIndex } from '../../contract/latency-histogram.js'

// The analytics aggregation of one reporting window (docs/sync-protocol.md, "Analytics reports").
//
// A cell is one (service id, route id, status class, consumer id) key, created once per config
// version on the key's first request (gateway-metrics.ts) and written on every request with that key:
// counters and a dense latency histogram on the shared log-scale buckets. Cells are not cleared when
// a window closes: each carries the generation it was last written in, and the first write in a new
// generation zeroes it and puts it on the window's `touched` list. Closing a window reads only the
// touched cells, so its cost follows the keys that saw traffic, not the size of the config.
// HOT PATH (add): no allocation except the `touched` push, whose array is reused across windows.

export class AnalyticsCell {
  readonly serviceId: string | null
  readonly routeId: string | null
  readonly consumerId: string | null
  /** 1…5. */
  readonly statusClass: number
  generation = -1
  requests = 0
  bytesIn = 0
  bytesOut = 0
  readonly latency = new Uint32Array(LATENCY_BUCKET_COUNT)

  constructor (serviceId: string | null, routeId: string | null, consumerId: string | null, statusClass: number) {
    this.serviceId = serviceId
    this.routeId = routeId
    this.consumerId = consumerId
    this.statusClass = statusClass
  }
}

/** 1…5 from a status code (Node sends 100–999: 6xx and above count as 5xx). */
export function statusClassOf (status: number): number {
  const c = (status / 100) | 0
  return c < 1 ? 1 : c > 5 ? 5 : c
}

export class AnalyticsWindow {
  generation = 0
  /** Epoch ms when the current window opened. */
  openedAt: number
  readonly touched: AnalyticsCell[] = []
  /** Requested paths per route id, this window (path-shapes.ts). */
  readonly #paths = new Map<string, PathTable>()

  constructor (now: number) {
    this.openedAt = now
  }

  add (cell: AnalyticsCell, totalMs: number, bytesIn: number, bytesOut: number): void {
    if (cell.generation !== this.generation) {
      if (cell.generation !== -1) {
        cell.requests = 0
        cell.bytesIn = 0
        cell.bytesOut = 0
        cell.latency.fill(0)
      }
      cell.generation = this.generation
      this.touched.push(cell)
    }
    cell.requests++
    cell.bytesIn += bytesIn
    cell.bytesOut += bytesOut
    cell.latency[latencyBucketIndex(totalMs)]!++
  }

  /** HOT PATH (analytics on): the request's path on its route, for spec drift. */
  addPath (serviceId: string | null, routeId: string, method: string, path: string, status: number): void {
    let table = this.#paths.get(routeId)
    if (table === undefined) {
      table = new PathTable(serviceId, routeId)
      this.#paths.set(routeId, table)
    }
    table.add(method, path, status)
  }

  /** close(), with the window's path buckets. */
  closeWithPaths (now: number): { buckets: AnalyticsBucket[], paths: PathBucket[] } {
    const minute = Math.floor(this.openedAt / 60_000) * 60_000
    const paths: PathBucket[] = []
    for (const table of this.#paths.values()) for (const b of table.buckets(minute)) paths.push(b)
    this.#paths.clear()
    return { buckets: this.close(now), paths }
  }

  /**
   * Closes the window: the buckets of every key written since it opened (cells of two config versions
   * with the same key are merged), all in the minute the window opened in (windows are aligned so one
   * never spans two minutes). A new window opens at `now`.
   */
  close (now: number): AnalyticsBucket[] {
    const minute = Math.floor(this.openedAt / 60_000) * 60_000
    const byKey = new Map<string, AnalyticsBucket>()
    const out: AnalyticsBucket[] = []
    for (const cell of this.touched) {
      const key = `${cell.serviceId ?? ''}\0${cell.routeId ?? ''}\0${cell.statusClass}\0${cell.consumerId ?? ''}`
      let bucket = byKey.get(key)
      if (bucket === undefined) {
        bucket = {
          minute,
          service_id: cell.serviceId,
          route_id: cell.routeId,
          status_class: cell.statusClass,
          consumer_id: cell.consumerId,
          requests: 0,
          errors_4xx: 0,
          errors_5xx: 0,
          bytes_in: 0,
          bytes_out: 0,
          latency: {}
        }
        byKey.set(key, bucket)
        out.push(bucket)
      }
      bucket.requests += cell.requests
      if (cell.statusClass === 4) bucket.errors_4xx += cell.requests
      if (cell.statusClass === 5) bucket.errors_5xx += cell.requests
      bucket.bytes_in += cell.bytesIn
      bucket.bytes_out += cell.bytesOut
      const latency = cell.latency
      for (let i = 0; i < latency.length; i++) {
        const n = latency[i]!
        if (n !== 0) bucket.latency[i] = (bucket.latency[i] ?? 0) + n
      }
    }
    this.touched.length = 0
    this.generation++
    this.openedAt = now
    return out
  }
}
