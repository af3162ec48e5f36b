import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  LATENCY_BUCKET_COUNT,
  latencyBucketBounds,
  latencyBucketIndex,
  latencyBucketValue,
  latencyHistogramCount,
  latencyPercentile,
  mergeLatencyHistograms,
  sparseLatencyHistogram,
  type SparseLatencyHistogram
} from '../../../src/contract/latency-histogram.js'
import { prng as createPrng } from '../../support/prng.js'

// The shared latency histogram: fixed log-scale buckets (ratio 1.05 from 0.1 ms), so histograms of
// any nodes and minutes merge by adding counts and a percentile read from the merge stays within
// 2.44% of the exact one.

test('bucket edges: below 0.1 ms is 0, each bound starts its bucket, ≥ 120.6 s is the overflow bucket', () => {
  assert.equal(LATENCY_BUCKET_COUNT, 289)
  assert.equal(latencyBucketIndex(0), 0)
  assert.equal(latencyBucketIndex(-3), 0)
  assert.equal(latencyBucketIndex(Number.NaN), 0)
  assert.equal(latencyBucketIndex(0.0999), 0)
  assert.equal(latencyBucketIndex(0.1), 1)
  for (let i = 1; i < LATENCY_BUCKET_COUNT - 1; i++) {
    const [lo, hi] = latencyBucketBounds(i)
    assert.equal(latencyBucketIndex(lo), i, `lower bound of ${i}`)
    assert.equal(latencyBucketIndex(hi * (1 - 1e-12)), i, `just under the upper bound of ${i}`)
    assert.ok(Math.abs(hi / lo - 1.05) < 1e-9)
  }
  assert.equal(latencyBucketIndex(120_000), LATENCY_BUCKET_COUNT - 2)
  assert.equal(latencyBucketIndex(121_000), LATENCY_BUCKET_COUNT - 1)
  assert.equal(latencyBucketIndex(1e12), LATENCY_BUCKET_COUNT - 1)
  assert.equal(latencyBucketIndex(Infinity), LATENCY_BUCKET_COUNT - 1)
})

test('every value is within 2.44% of its bucket value', () => {
  const rand = createPrng(7)
  for (let n = 0; n < 20_000; n++) {
    const v = 0.1 * Math.pow(1.2e6, rand())
    const estimate = latencyBucketValue(latencyBucketIndex(v))
    assert.ok(Math.abs(estimate - v) / v <= 0.0245, `${v} → ${estimate}`)
  }
})

test('percentiles of merged histograms are within 5% (2.44%) of the exact nearest-rank percentiles', () => {
  const rand = createPrng(11)
  const values: number[] = []
  const parts: SparseLatencyHistogram[] = []
  for (let node = 0; node < 7; node++) {
    const dense = new Uint32Array(LATENCY_BUCKET_COUNT)
    const count = 200 + Math.floor(rand() * 800)
    for (let i = 0; i < count; i++) {
      // A skewed mix: fast answers, a slow tail, a few timeouts-long ones.
      const r = rand()
      const v = r < 0.8 ? 0.3 + rand() * 20 : r < 0.98 ? 20 + rand() * 400 : 1000 + rand() * 30_000
      values.push(v)
      dense[latencyBucketIndex(v)]++
    }
    parts.push(sparseLatencyHistogram(dense))
  }
  const merged = parts.reduce((into, h) => mergeLatencyHistograms(into, h), {})
  assert.equal(latencyHistogramCount(merged), values.length)
  const sorted = [...values].sort((a, b) => a - b)
  for (const q of [0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]) {
    const exact = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]
    const estimate = latencyPercentile(merged, q) as number
    assert.ok(Math.abs(estimate - exact) / exact <= 0.0245, `p${q * 100}: ${estimate} vs ${exact}`)
  }
})

test('merging skips invalid indexes and counts; an empty histogram has no percentile', () => {
  const into: SparseLatencyHistogram = { 3: 1 }
  mergeLatencyHistograms(into, { 3: 2, 999: 5, '-1': 1, x: 1, 4: 0, 5: 1.5, 6: 1 })
  assert.deepEqual(into, { 3: 3, 6: 1 })
  assert.equal(latencyPercentile({}, 0.5), null)
  assert.equal(latencyPercentile({ 0: 4 }, 0.99), 0.05)
})
