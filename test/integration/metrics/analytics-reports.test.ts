import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { latencyPercentile, mergeLatencyHistograms, type SparseLatencyHistogram } from '../../../src/contract/latency-histogram.js'
import type { AnalyticsBucket, AnalyticsMessage } from '../../../src/contract/sync-protocol.js'
import { startFakeControlPlane } from '../../support/fake-control-plane.js'
import { httpCall } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { isAckFor, startTestNode, stopOnExit, tempDir, waitUntil } from '../sync-client/helpers.js'

// Analytics reports from a real node (in this process, real sockets) to a fake control plane that
// records and acks them: exact counts per (service, route, status class), percentiles from the merged
// histograms within 5% of the exact latencies the node measured, buffering while the CP is away and
// resending with the same (boot_id, seq), and the bounded buffer dropping (and counting) the oldest.

const SVC = '00000000-0000-4000-8000-00000000000a'
const ROUTE = '00000000-0000-4000-8000-0000000000a1'
// The reporter's own timer never fires during a test (the next multiple of this interval is days
// away; it stays below setTimeout's 2^31 - 1 ms limit): each test closes its windows with tick().
const INTERVAL_MS = 2 ** 31 - 1

/** analyticsBufferMinutes for room for `reports` reports of INTERVAL_MS. */
function roomFor (reports: number): number {
  return (reports * INTERVAL_MS) / 60_000
}

function doc (port: number): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: [{ id: SVC, name: 'alpha', url: `http://127.0.0.1:${port}`, routes: [{ id: ROUTE, name: 'main', paths: ['/r'] }] }]
  }
}

/** Unique reports (first arrival of each boot_id/seq), in seq order. */
function uniqueReports (all: AnalyticsMessage[]): AnalyticsMessage[] {
  const seen = new Map<string, AnalyticsMessage>()
  for (const r of all) if (!seen.has(`${r.boot_id}/${r.seq}`)) seen.set(`${r.boot_id}/${r.seq}`, r)
  return [...seen.values()].sort((a, b) => a.seq - b.seq)
}

function bucketsOf (reports: AnalyticsMessage[]): AnalyticsBucket[] {
  return reports.flatMap((r) => r.buckets)
}

function sum (buckets: AnalyticsBucket[], pick: (b: AnalyticsBucket) => number): number {
  return buckets.reduce((n, b) => n + pick(b), 0)
}

function exactPercentile (values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]
}

function reportedRequests (cp: { analytics: () => AnalyticsMessage[] }): number {
  return sum(bucketsOf(uniqueReports(cp.analytics())), (b) => b.requests)
}

test('reports carry exact counts per service, route and status class, and percentiles within 5% of the exact latencies', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const up = await startUpstream(t, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    req.resume()
    setTimeout(() => {
      res.writeHead(Number(url.searchParams.get('status') ?? '200'))
      res.end('y'.repeat(50))
    }, Number(url.searchParams.get('delay') ?? '0'))
  })
  const first = cp.publish(doc(up.port), { version: 1 })
  const node = await startTestNode(t, cp, tempDir(t), { analyticsIntervalMs: INTERVAL_MS, analyticsBufferMinutes: roomFor(100) })
  await cp.waitFor(isAckFor(first.hash))
  // The exact latencies the node measures, as it hands them to the aggregation.
  const window = node.dp.metrics?.analytics
  assert.ok(window != null)
  const measured: number[] = []
  const add = window.add.bind(window)
  window.add = (cell, totalMs, bytesIn, bytesOut) => {
    if (cell.routeId === ROUTE && cell.statusClass === 2) measured.push(totalMs)
    add(cell, totalMs, bytesIn, bytesOut)
  }

  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  t.after(() => agent.destroy())
  const delays = [1, 2, 4, 8, 15, 25, 40, 60, 90]
  const calls: Array<Promise<unknown>> = []
  for (let i = 0; i < 90; i++) calls.push(httpCall(`${node.proxy}/r/x?delay=${delays[i % delays.length]}`, { agent }))
  await Promise.all(calls)
  for (let i = 0; i < 6; i++) assert.equal((await httpCall(`${node.proxy}/r/e?status=503`, { agent })).status, 503)
  for (let i = 0; i < 4; i++) assert.equal((await httpCall(`${node.proxy}/r/e?status=404`, { agent })).status, 404)
  for (let i = 0; i < 3; i++) assert.equal((await httpCall(`${node.proxy}/nowhere`, { agent })).status, 404)

  const total = (): number => sum(bucketsOf(uniqueReports(cp.analytics())), (b) => b.requests)
  assert.ok(node.dp.analytics !== null)
  node.dp.analytics.tick()
  await waitUntil('every request is reported', () => total() >= 103)
  const reports = uniqueReports(cp.analytics())
  assert.equal(reports.length, 1, 'one window, one report')
  assert.equal(total(), 103)
  assert.equal(new Set(reports.map((r) => r.boot_id)).size, 1)
  assert.equal(reports[0].histogram, 'log1.05-0.1ms')
  const buckets = bucketsOf(reports)
  for (const b of buckets) {
    assert.equal(b.minute % 60_000, 0)
    assert.equal(b.consumer_id, null)
  }
  const of = (cls: number, route: string | null): AnalyticsBucket[] => buckets.filter((b) => b.status_class === cls && b.route_id === route)
  assert.equal(sum(of(2, ROUTE), (b) => b.requests), 90)
  assert.ok(of(2, ROUTE).every((b) => b.service_id === SVC))
  assert.equal(sum(of(2, ROUTE), (b) => b.bytes_out), 90 * 50)
  assert.equal(sum(of(5, ROUTE), (b) => b.requests), 6)
  assert.equal(sum(of(5, ROUTE), (b) => b.errors_5xx), 6)
  assert.equal(sum(of(4, ROUTE), (b) => b.errors_4xx), 4)
  assert.equal(sum(of(4, null), (b) => b.requests), 3, 'unmatched: no service, no route')
  assert.ok(of(4, null).every((b) => b.service_id === null))
  assert.equal(sum(buckets, (b) => b.errors_4xx), 7)

  // Percentiles of the merged histograms against the exact latencies the node measured.
  assert.equal(measured.length, 90)
  const merged: SparseLatencyHistogram = {}
  for (const b of of(2, ROUTE)) mergeLatencyHistograms(merged, b.latency)
  for (const q of [0.5, 0.9, 0.95, 0.99]) {
    const exact = exactPercentile(measured, q)
    const estimate = latencyPercentile(merged, q) as number
    assert.ok(Math.abs(estimate - exact) / exact <= 0.05, `p${q * 100}: ${estimate} vs exact ${exact}`)
  }
  assert.ok((latencyPercentile(merged, 0.99) as number) >= 60, 'the slowest upstream answers dominate p99')
  assert.equal(cp.analytics().length >= reports.length, true)
  await waitUntil('every report is acked', () => node.dp.analytics?.buffered === 0)
})

test('reports made while the control plane is away are buffered and resent in order with the same boot_id and seq', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end('ok') })
  const first = cp.publish(doc(up.port), { version: 1 })
  const node = await startTestNode(t, cp, tempDir(t), { analyticsIntervalMs: INTERVAL_MS, analyticsBufferMinutes: roomFor(100) })
  await cp.waitFor(isAckFor(first.hash))
  const reporter = node.dp.analytics
  assert.ok(reporter !== null)

  for (let i = 0; i < 5; i++) await node.get('/r/before')
  reporter.tick()
  await waitUntil('the first requests are reported and acked', () => reportedRequests(cp) === 5 && reporter.buffered === 0)
  const before = uniqueReports(cp.analytics())

  // An unacked report on a connection that drops: the same report comes again on the next one.
  cp.ackAnalytics = false
  for (let i = 0; i < 2; i++) await node.get('/r/unacked')
  reporter.tick()
  await waitUntil('the report arrives unacked', () => reportedRequests(cp) === 7)
  const unacked = uniqueReports(cp.analytics()).filter((r) => !before.some((b) => b.seq === r.seq))
  assert.equal(unacked.length, 1)
  cp.ackAnalytics = true

  await cp.stop()
  await waitUntil('the node sees the control plane gone', async () => (await node.status()).control_plane.connected === false)
  for (let i = 0; i < 7; i++) await node.get('/r/while-away')
  reporter.tick()
  await waitUntil('the away traffic is in a buffered report', () => reporter.buffered > unacked.length)
  const pending = reporter.pending()
  assert.deepEqual(pending.slice(0, unacked.length), unacked.map((r) => r.seq))
  const arrivedBefore = cp.analytics().length
  await cp.start()
  await waitUntil('the buffer is acked', () => reporter.buffered === 0, 15_000)

  const resent = cp.analytics().slice(arrivedBefore)
  assert.deepEqual(resent.slice(0, pending.length).map((r) => r.seq), pending, 'resent in seq order, before anything new')
  for (const r of resent) assert.equal(r.boot_id, reporter.bootId)
  const again = resent.find((r) => r.seq === unacked[0].seq)
  assert.deepEqual(again, unacked[0], 'the same report, byte for byte')
  const all = uniqueReports(cp.analytics())
  assert.equal(sum(bucketsOf(all), (b) => b.requests), 14, 'deduped by (boot_id, seq), nothing lost, nothing twice')
  assert.deepEqual(all.map((r) => r.seq), all.map((_r, i) => i + 1), 'seq 1, 2, 3 … without gaps')
  assert.deepEqual(all[all.length - 1].dropped, { reports: 0, requests: 0 })
})

test('a full buffer drops the oldest reports and counts them in dropped', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  await cp.stop()
  // Room for 3 reports; the node has no config, so every request is an unmatched 503.
  const node = await startTestNode(t, cp, tempDir(t), { analyticsIntervalMs: INTERVAL_MS, analyticsBufferMinutes: roomFor(3) })
  const reporter = node.dp.analytics
  assert.ok(reporter !== null)
  assert.equal(reporter.maxReports, 3)
  const perWindow = [1, 2, 3, 4, 5, 6]
  for (const n of perWindow) {
    for (let i = 0; i < n; i++) assert.equal((await node.get('/x')).status, 503)
    reporter.tick()
  }
  await waitUntil('six reports were made', () => reporter.pending().at(-1) === 6)
  assert.deepEqual(reporter.pending(), [4, 5, 6])
  assert.deepEqual(reporter.dropped, { reports: 3, requests: 1 + 2 + 3 })

  await cp.start()
  await waitUntil('the buffer is acked', () => reporter.buffered === 0, 15_000)
  const got = uniqueReports(cp.analytics())
  assert.deepEqual(got.map((r) => r.seq), [4, 5, 6])
  assert.deepEqual(got.map((r) => sum(r.buckets, (b) => b.requests)), [4, 5, 6])
  assert.deepEqual(got[2].dropped, { reports: 3, requests: 6 })
  for (const b of bucketsOf(got)) {
    assert.equal(b.route_id, null)
    assert.equal(b.status_class, 5)
  }
})
