import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LATENCY_HISTOGRAM_SCHEME } from '../../../src/contract/latency-histogram.js'
import { parseAnalyticsReport, MAX_BUCKETS_PER_REPORT } from '../../../src/control-plane/analytics/report-input.js'
import { acceptWindow, resolveAnalyticsOptions } from '../../../src/control-plane/analytics/analytics-options.js'
import { parseDurationSeconds } from '../../../src/duration.js'

const bucket = { minute: 1_800_000_000_000 - (1_800_000_000_000 % 60_000), service_id: 's', route_id: null, status_class: 2, consumer_id: null, requests: 3, errors_4xx: 0, errors_5xx: 0, bytes_in: 1, bytes_out: 2, latency: { 100: 2, 101: 1 } }
const report = { type: 'analytics', boot_id: 'b', seq: 1, histogram: LATENCY_HISTOGRAM_SCHEME, buckets: [bucket], dropped: { reports: 0, requests: 0 } }

test('a report is read with minutes in seconds and empty ids for null service, route and consumer', () => {
  const r = parseAnalyticsReport(report)
  assert.ok(r.ok)
  assert.deepEqual(r.report.buckets[0], {
    minute: bucket.minute / 1000, serviceId: 's', routeId: '', consumerId: '', statusClass: 2, requests: 3, errors4xx: 0, errors5xx: 0, bytesIn: 1, bytesOut: 2, latency: { 100: 2, 101: 1 }
  })
  assert.equal(r.report.latencyKnown, true)
})

test('a report with an unknown histogram scheme keeps its counts and drops its latency', () => {
  const r = parseAnalyticsReport({ ...report, histogram: 'log1.10-1ms' })
  assert.ok(r.ok)
  assert.equal(r.report.latencyKnown, false)
  assert.deepEqual(r.report.buckets[0].latency, {})
  assert.equal(r.report.buckets[0].requests, 3)
})

test('reports are bounded: bucket count, id length, histogram size and counts', () => {
  const reason = (v: unknown): string => { const r = parseAnalyticsReport(v); assert.ok(!r.ok); return r.message }
  assert.match(reason({ ...report, buckets: Array.from({ length: MAX_BUCKETS_PER_REPORT + 1 }, () => bucket) }), /at most 10000 per report/)
  assert.match(reason({ ...report, boot_id: 'x'.repeat(201) }), /^boot_id:/)
  assert.match(reason({ ...report, buckets: [{ ...bucket, service_id: 'x'.repeat(201) }] }), /^buckets\[0\]\.service_id:/)
  assert.match(reason({ ...report, buckets: [{ ...bucket, route_id: 'a\u0000b' }] }), /^buckets\[0\]\.route_id:/)
  assert.match(reason({ ...report, buckets: [{ ...bucket, latency: { 100: 5 } }] }), /counts 5 requests, more than the bucket's 3/)
  assert.match(reason({ ...report, buckets: [{ ...bucket, latency: { '01': 1 } }] }), /not a bucket index/)
  assert.match(reason({ ...report, buckets: [{ ...bucket, requests: 2 ** 53 }] }), /requests: must be a non-negative integer/)
  assert.match(reason({ ...report, buckets: [{ ...bucket, bytes_in: -1 }] }), /bytes_in/)
  assert.match(reason([]), /JSON object/)
})

test('retention options: defaults, minimums, and the accept window one hour inside minute retention', () => {
  assert.deepEqual(resolveAnalyticsOptions(), { minuteRetentionSeconds: 172_800, hourRetentionSeconds: 2_592_000, rollupIntervalMs: 60_000 })
  assert.throws(() => resolveAnalyticsOptions({ minuteRetentionSeconds: 3600 }), /at least 7200 s/)
  assert.throws(() => resolveAnalyticsOptions({ minuteRetentionSeconds: 31 * 86_400 }), /--analytics-hour-retention \(2592000 s\) must be at least --analytics-minute-retention/)
  assert.deepEqual(acceptWindow(1_000_000, { minuteRetentionSeconds: 7200 }), { oldest: 1_000_000 - 3600, newest: 1_000_300 })
})

test('durations on the command line: 90m, 48h, 30d or seconds', () => {
  assert.deepEqual(['90m', '48h', '30d', '7200', '45s'].map((d) => parseDurationSeconds(d, '--x')), [5400, 172_800, 2_592_000, 7200, 45])
  for (const bad of ['', '0', '1w', '-5', '1.5h', 'h']) assert.throws(() => parseDurationSeconds(bad, '--x'), /--x: expected a duration/)
})
