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

export class RouteSlot {
  /** Label values; null for the unmatched slot (no service, no route label). */
  readonly service: string | null
  readonly route: string | null
  requests = 0
  /** Exact status codes seen and their counts, in first-seen order (linear scan: a route sees a handful). */
  codes: Uint16Array = new Uint16Array(INITIAL_CODES)
  codeCounts: Float64Array = new Float64Array(INITIAL_CODES)
  codeLength = 0
  bytesIn = 0
  bytesOut = 0
  readonly total = new LatencyHistogram()
  readonly upstream = new LatencyHistogram()
  readonly gateway = new LatencyHistogram()
  readonly upstreamErrors = new Float64Array(UPSTREAM_ERROR_KINDS.length)

  constructor (service: string | null, route: string | null) {
    this.service = service
    this.route = route
  }

  /**
   * One finished request. `upstreamMs` < 0: no upstream response (an exit, an error before the
   * upstream answered, an unmatched request): the whole latency is the gateway's.
   */
  record (status: number, totalMs: number, upstreamMs: number, bytesIn: number, bytesOut: number): void {
    this.requests++
    this.countCode(status)
    this.bytesIn += bytesIn
    this.bytesOut += bytesOut
    this.total.observe(totalMs)
    if (upstreamMs >= 0) {
      this.upstream.observe(upstreamMs)
      this.gateway.observe(totalMs - upstreamMs)
    } else {
      this.gateway.observe(totalMs)
    }
  }

  countCode (status: number): void {
    const codes = this.codes
    const n = this.codeLength
    for (let i = 0; i < n; i++) {
      if (codes[i] === status) {
        this.codeCounts[i]!++
        return
      }
    }
    if (n === codes.length) this.grow()
    this.codes[n] = status
    this.codeCounts[n] = 1
    this.codeLength = n + 1
  }

  private grow (): void {
    const codes = new Uint16Array(this.codes.length * 2)
    codes.set(this.codes)
    const counts = new Float64Array(this.codes.length * 2)
    counts.set(this.codeCounts)
    this.codes = codes
    this.codeCounts = counts
  }
}
