// The latency histogram shared by data-plane nodes (which fill it) and the control plane (which
// merges and reads percentiles from it). Buckets are FIXED and log-scale, so histograms from any
// node, any minute and any route merge by adding counts index by index, and a percentile read from
// a merged histogram is as exact as one read from a single node. docs/sync-protocol.md
// ("Analytics reports") states the formula; both sides must run exactly this code.
//
//   index 0            latency < 0.1 ms (and 0, negative or NaN readings)
//   index i, 1 ≤ i ≤ N  0.1 · 1.05^(i−1) ≤ latency < 0.1 · 1.05^i      (ms)
//   index N+1          latency ≥ 0.1 · 1.05^N  (≥ 120 s: the overflow bucket)
//
// with N = LATENCY_BUCKET_LOG_COUNT = 287 (0.1 · 1.05^287 ≈ 120.6 s). A bucket's representative value is
// the harmonic mean of its bounds, 2·lo·hi/(lo+hi), which is within (r−1)/(r+1) ≈ 2.44% of every
// value in the bucket: a percentile (nearest rank) read from the histogram is within 2.44% of the
// exact percentile of the recorded values, merged or not (below 0.1 ms: within 0.05 ms; overflow:
// reported as its lower bound).

/** Identifies this bucket scheme in reports; a future scheme gets another id. */
export const LATENCY_HISTOGRAM_SCHEME = 'log1.05-0.1ms'
export const LATENCY_HISTOGRAM_MIN_MS = 0.1
export const LATENCY_HISTOGRAM_RATIO = 1.05
/** Number of log-scale buckets between the underflow (index 0) and the overflow (index N+1). */
export const LATENCY_BUCKET_LOG_COUNT = 287
/** Total number of buckets: valid indexes are 0 … LATENCY_BUCKET_COUNT − 1. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_LOG_COUNT + 2

const LOG_RATIO = Math.log(LATENCY_HISTOGRAM_RATIO)
const OVERFLOW = LATENCY_BUCKET_LOG_COUNT + 1

/** Lower bounds in ms: LOWER[i] for i ≥ 1 is 0.1 · 1.05^(i−1); LOWER[0] is 0. */
const LOWER: Float64Array = (() => {
  const a = new Float64Array(LATENCY_BUCKET_COUNT + 1)
  a[0] = 0
  for (let i = 1; i <= LATENCY_BUCKET_COUNT; i++) a[i] = LATENCY_HISTOGRAM_MIN_MS * Math.pow(LATENCY_HISTOGRAM_RATIO, i - 1)
  return a
})()

/**
 * The bucket of a latency in ms. Hot path on the node (one Math.log per request): the log gives the
 * index and one comparison against the precomputed bounds corrects floating-point rounding, so a
 * value exactly on a bound always lands in the bucket that starts there.
 */
export function latencyBucketIndex (ms: number): number {
  if (!(ms >= LATENCY_HISTOGRAM_MIN_MS)) return 0
  let i = 1 + Math.floor(Math.log(ms / LATENCY_HISTOGRAM_MIN_MS) / LOG_RATIO)
  if (i > OVERFLOW) return OVERFLOW
  if (ms < LOWER[i]!) i--
  else if (i < OVERFLOW && ms >= LOWER[i + 1]!) i++
  return i
}

/** [lower, upper) bounds of a bucket in ms (upper is Infinity for the overflow bucket). */
export function latencyBucketBounds (index: number): [number, number] {
  if (index <= 0) return [0, LATENCY_HISTOGRAM_MIN_MS]
  if (index >= OVERFLOW) return [LOWER[OVERFLOW]!, Infinity]
  return [LOWER[index]!, LOWER[index + 1]!]
}

/** The value a percentile that falls into this bucket reports, in ms. */
export function latencyBucketValue (index: number): number {
  if (index <= 0) return LATENCY_HISTOGRAM_MIN_MS / 2
  if (index >= OVERFLOW) return LOWER[OVERFLOW]!
  const lo = LOWER[index]!
  const hi = LOWER[index + 1]!
  return (2 * lo * hi) / (lo + hi)
}

/** Sparse histogram as it travels in reports: bucket index (decimal string) → count (> 0). */
export type SparseLatencyHistogram = Record<string, number>

/** Adds `from` into `into` (both sparse), returning `into`. Unknown or invalid indexes are skipped. */
export function mergeLatencyHistograms (into: SparseLatencyHistogram, from: SparseLatencyHistogram): SparseLatencyHistogram {
  for (const key of Object.keys(from)) {
    const index = Number(key)
    const count = from[key]!
    if (!Number.isInteger(index) || index < 0 || index >= LATENCY_BUCKET_COUNT) continue
    if (!Number.isInteger(count) || count <= 0) continue
    into[key] = (into[key] ?? 0) + count
  }
  return into
}

/** Total count of a sparse histogram. */
export function latencyHistogramCount (h: SparseLatencyHistogram): number {
  let n = 0
  for (const key of Object.keys(h)) n += h[key]!
  return n
}

/**
 * Percentile q (0 < q ≤ 1, e.g. 0.99) by nearest rank: the representative value of the bucket that
 * holds the ⌈q·n⌉-th smallest recorded latency. null for an empty histogram.
 */
export function latencyPercentile (h: SparseLatencyHistogram, q: number): number | null {
  const entries: Array<[number, number]> = []
  let total = 0
  for (const key of Object.keys(h)) {
    const index = Number(key)
    const count = h[key]!
    if (!Number.isInteger(index) || index < 0 || index >= LATENCY_BUCKET_COUNT || !(count > 0)) continue
    entries.push([index, count])
    total += count
  }
  if (total === 0) return null
  entries.sort((a, b) => a[0] - b[0])
  const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * total))
  let seen = 0
  for (const [index, count] of entries) {
    seen += count
    if (seen >= rank) return latencyBucketValue(index)
  }
  return latencyBucketValue(entries[entries.length - 1]![0])
}

/** Dense → sparse (counts of a Uint32Array indexed by bucket). */
export function sparseLatencyHistogram (dense: ArrayLike<number>): SparseLatencyHistogram {
  const out: SparseLatencyHistogram = {}
  for (let i = 0; i < dense.length; i++) {
    const c = dense[i]!
    if (c > 0) out[String(i)] = c
  }
  return out
}
