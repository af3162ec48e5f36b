// Per-route counters the proxy writes on every request and prom-client reads at scrape time.
// HOT PATH: everything here runs once per finished request. No allocation in steady state (arrays are
// created on a slot's first request, or when it meets a status code it has not seen), no Map, no
// string work, no prom-client call: plain number fields and typed arrays.
//
// A RouteSlot belongs to one (service label, route label) pair and outlives config versions: a
// reload that keeps the pair keeps the slot, so counters stay monotonic (see node-metrics.ts).

/** Prometheus `le` bounds (ms) of the latency histograms: roughly ×1.5–2 steps from 0.5 ms to 60 s. */
export const PROM_LATENCY_BOUNDS_MS: readonly number[] = [
  0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10000, 30000, 60000
]
const BOUNDS = Float64Array.from(PROM_LATENCY_BOUNDS_MS)
const NB = BOUNDS.length

/** A Prometheus histogram without labels of its own: per-bucket counts (not cumulative), sum, count. */
export class LatencyHistogram {
  /** counts[i] for value ≤ BOUNDS[i] (and > BOUNDS[i−1]); counts[NB] for +Inf. Null until the first value. */
  counts: Float64Array | null = null
  sum = 0
  count = 0

  observe (ms: number): void {
    if (!(ms >= 0)) ms = 0
    let counts = this.counts
    if (counts === null) counts = this.counts = new Float64Array(NB + 1)
    // Binary search for the first bound ≥ ms (le semantics).
    let lo = 0
    let hi = NB
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (BOUNDS[mid]! < ms) lo = mid + 1
      else hi = mid
    }
    counts[lo]!++
    this.sum += ms
    this.count++
  }
}

/** Upstream error kinds (label `kind`): index into RouteSlot.upstreamErrors. */
export const UPSTREAM_ERROR_KINDS = ['connection', 'timeout', 'dns', 'invalid_response'] as const
export type UpstreamErrorKind = 0 | 1 | 2 | 3

/** Status codes Node can send: 100–999. A slot keeps only the codes it saw. */
const INITIAL_CODES = 4

/** Which families a request is counted in: a route's prometheus switches (metrics-switches.ts). */
export const COUNT_STATUS = 1
export const COUNT_LATENCY = 2
export const COUNT_BANDWIDTH = 4
export const COUNT_UPSTREAM_HEALTH = 8
/** Status and bandwidth go to the consumer's series when an authentication plugin identified one. */
export const COUNT_PER_CONSUMER = 16
/** No prometheus plugin in the config: every built-in family, without consumer labels. */
export const COUNT_ALL = COUNT_STATUS | COUNT_LATENCY | COUNT_BANDWIDTH | COUNT_UPSTREAM_HEALTH

/** Exact status codes seen and their counts, in first-seen order (linear scan: a route sees a handful). */
export class StatusCounts {
  codes: Uint16Array = new Uint16Array(INITIAL_CODES)
  counts: Float64Array = new Float64Array(INITIAL_CODES)
  length = 0

  add (status: number): void {
    const codes = this.codes
    const n = this.length
    for (let i = 0; i < n; i++) {
      if (codes[i] === status) {
        this.counts[i]!++
        return
      }
    }
    if (n === codes.length) this.grow()
    this.codes[n] = status
    this.counts[n] = 1
    this.length = n + 1
  }

  private grow (): void {
    const codes = new Uint16Array(this.codes.length * 2)
    codes.set(this.codes)
    const counts = new Float64Array(this.codes.length * 2)
    counts.set(this.counts)
    this.codes = codes
    this.counts = counts
  }
}

/** A route's status and bandwidth counts for one consumer (prometheus `per_consumer`). */
export class ConsumerCounts {
  readonly status = new StatusCounts()
  bytesIn = 0
  bytesOut = 0
  constructor (readonly consumer: string) {}
}

export class RouteSlot {
  /** Label values; null for the unmatched slot (no service, no route label). */
  readonly service: string | null
  readonly route: string | null
  requests = 0
  /** COUNT_* bits of every request counted so far: the families the exposition shows for this slot. */
  counted = 0
  readonly status = new StatusCounts()
  bytesIn = 0
  bytesOut = 0
  readonly total = new LatencyHistogram()
  readonly upstream = new LatencyHistogram()
  readonly gateway = new LatencyHistogram()
  readonly upstreamErrors = new Float64Array(UPSTREAM_ERROR_KINDS.length)
  /** Per consumer label, once a per_consumer switch counted one (kept across config versions, as the slot). */
  readonly consumers = new Map<string, ConsumerCounts>()

  constructor (service: string | null, route: string | null) {
    this.service = service
    this.route = route
  }

  /**
   * One finished request, counted in the families `count` (COUNT_* bits) switches on; status and
   * bandwidth go to `byConsumer` instead when given. `upstreamMs` < 0: no upstream response (an
   * exit, an error before the upstream answered, an unmatched request): the whole latency is the
   * gateway's.
   */
  record (count: number, status: number, totalMs: number, upstreamMs: number, bytesIn: number, bytesOut: number, byConsumer: ConsumerCounts | null): void {
    this.requests++
    this.counted |= count
    if ((count & COUNT_STATUS) !== 0) (byConsumer === null ? this.status : byConsumer.status).add(status)
    if ((count & COUNT_BANDWIDTH) !== 0) {
      if (byConsumer === null) {
        this.bytesIn += bytesIn
        this.bytesOut += bytesOut
      } else {
        byConsumer.bytesIn += bytesIn
        byConsumer.bytesOut += bytesOut
      }
    }
    if ((count & COUNT_LATENCY) === 0) return
    this.total.observe(totalMs)
    if (upstreamMs >= 0) {
      this.upstream.observe(upstreamMs)
      this.gateway.observe(totalMs - upstreamMs)
    } else {
      this.gateway.observe(totalMs)
    }
  }

  /** The consumer's counts on this route (config time or a consumer's first request on it). */
  consumer (label: string): ConsumerCounts {
    let counts = this.consumers.get(label)
    if (counts === undefined) { counts = new ConsumerCounts(label); this.consumers.set(label, counts) }
    return counts
  }
}
