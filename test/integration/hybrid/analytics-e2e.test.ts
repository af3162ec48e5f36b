import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { freePort } from '../../support/free-port.js'
import { httpCall } from '../../support/http-client.js'
import { parseExposition, value } from '../../support/prometheus-text.js'
import { startUpstream } from '../../support/upstream.js'
import {
  expectStatus, groupWithConfig, kill, startControlPlaneProcess, startNodeProcess, tempDir, waitUntil, type Call
} from './hybrid-kit.js'

// End to end through real processes: `atrium control-plane` and an `atrium data-plane` node with a
// short analytics interval. Known traffic (statuses and upstream delays) gives exactly those counts
// in the node's /metrics and in GET /analytics/requests, with percentiles between the upstream's
// delays and what the client measured (within 5%); the control plane is killed in the middle and
// restarted on the same address and database, and no count is lost or doubled.

const INTERVAL_MS = '500'
const DELAYS = [30, 45, 60, 90, 120, 150, 200, 250, 300, 400]

function nearestRank (values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]
}

interface Total { requests: number, errors_4xx: number, errors_5xx: number, p50: number, p95: number, p99: number }

async function analyticsTotal (call: Call, from: number): Promise<Total> {
  const to = Math.floor(Date.now() / 1000) + 120
  const r = await expectStatus(call, 200, 'GET', `/analytics/requests?runtime_group=prod&granularity=minute&from=${from}&to=${to}`)
  const series = r.body.series as Array<{ total: Total }>
  return series.length === 0 ? { requests: 0, errors_4xx: 0, errors_5xx: 0, p50: 0, p95: 0, p99: 0 } : series[0].total
}

test('known traffic through real CP and node processes gives exact counts in /metrics and the analytics API, across a CP outage', async (t) => {
  const dir = tempDir(t)
  const up = await startUpstream(t, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    req.resume()
    setTimeout(() => {
      res.writeHead(Number(url.searchParams.get('status') ?? '200'))
      res.end('z')
    }, Number(url.searchParams.get('delay') ?? '0'))
  })
  const db = join(dir, 'cp.db')
  const clusterPort = await freePort()
  let cp = await startControlPlaneProcess(t, db, clusterPort)
  const [{ token }] = await groupWithConfig(cp.call, 'prod', {
    _format_version: '3.0',
    services: [{ name: 'svc', url: `http://127.0.0.1:${up.port}`, routes: [{ name: 'main', paths: ['/r'] }] }]
  })
  const from = Math.floor(Date.now() / 1000) - 120
  process.env.ATRIUM_ANALYTICS_INTERVAL_MS = INTERVAL_MS
  let node
  try {
    node = await startNodeProcess(t, cp.url, token, join(dir, 'node'))
  } finally {
    delete process.env.ATRIUM_ANALYTICS_INTERVAL_MS
  }
  await waitUntil('the node serves the group\'s config', async () => (await node.status()).config_hash !== null)
  const agent = new Agent({ keepAlive: true, maxSockets: 10 })
  t.after(() => agent.destroy())

  const client: number[] = []
  const upstreamDelays: number[] = []
  const burst = async (n: number): Promise<void> => {
    await Promise.all(Array.from({ length: n }, async (_v, i) => {
      const delay = DELAYS[i % DELAYS.length]
      const t0 = performance.now()
      const res = await httpCall(`${node.proxy}/r/x?delay=${delay}`, { agent })
      client.push(performance.now() - t0)
      upstreamDelays.push(delay)
      assert.equal(res.status, 200)
    }))
  }
  const statusLine = await node.proc.waitForLog((l) => l.msg === 'status listening')
  const scrape = async (): Promise<ReturnType<typeof parseExposition>> => parseExposition((await httpCall(`http://127.0.0.1:${statusLine.port as number}/metrics`)).body)

  // Before the outage: 50 answers with known delays, 5 upstream 503s, 3 unmatched 404s.
  await burst(50)
  for (let i = 0; i < 5; i++) assert.equal((await httpCall(`${node.proxy}/r/e?status=503`, { agent })).status, 503)
  for (let i = 0; i < 3; i++) assert.equal((await httpCall(`${node.proxy}/nowhere`, { agent })).status, 404)
  await waitUntil('the CP has the first 58 requests', async () => (await analyticsTotal(cp.call, from)).requests === 58, 20_000)

  // The CP dies; the node keeps serving and buffers its reports.
  await kill(cp.proc)
  await burst(50)
  await waitUntil('the node buffers reports', async () => value(await scrape(), 'atrium_analytics_buffered_reports') > 0, 10_000)
  assert.equal(value(await scrape(), 'atrium_control_plane_connected'), 0)

  cp = await startControlPlaneProcess(t, db, clusterPort)
  await waitUntil('the buffered reports reach the restarted CP', async () => (await analyticsTotal(cp.call, from)).requests >= 108, 30_000)
  await waitUntil('the node has nothing left to send', async () => value(await scrape(), 'atrium_analytics_buffered_reports') === 0, 10_000)
  await new Promise((resolve) => setTimeout(resolve, Number(INTERVAL_MS) * 3))

  const total = await analyticsTotal(cp.call, from)
  assert.equal(total.requests, 108, 'nothing lost, nothing counted twice')
  assert.equal(total.errors_5xx, 5)
  assert.equal(total.errors_4xx, 3)

  const all = await scrape()
  assert.equal(value(all, 'atrium_http_requests_total', { service: 'svc', route: 'main', code: '200' }), 100)
  assert.equal(value(all, 'atrium_http_requests_total', { service: 'svc', route: 'main', code: '503' }), 5)
  assert.equal(value(all, 'atrium_http_requests_total', { code: '404' }), 3)
  assert.equal(value(all, 'atrium_upstream_latency_seconds_count', { service: 'svc', route: 'main' }), 105)
  assert.equal(value(all, 'atrium_control_plane_connected'), 1)
  assert.equal(value(all, 'atrium_analytics_dropped_reports_total'), 0)

  // Percentiles of the 200s (the 503s and 404s answer fast and are few): between the upstream's own
  // delay and what the client measured, each within 5%.
  const ok = await expectStatus(cp.call, 200, 'GET', `/analytics/requests?runtime_group=prod&granularity=minute&group_by=status_class&from=${from}&to=${Math.floor(Date.now() / 1000) + 120}`)
  const twoXX = (ok.body.series as Array<{ group: Record<string, unknown>, total: Total }>).find((s) => String(s.group.status_class).startsWith('2'))
  assert.ok(twoXX !== undefined, JSON.stringify(ok.body))
  assert.equal(twoXX.total.requests, 100)
  for (const q of [0.5, 0.95, 0.99] as const) {
    const got = twoXX.total[`p${Math.round(q * 100)}` as 'p50' | 'p95' | 'p99']
    const low = nearestRank(upstreamDelays, q) * 0.95
    const high = nearestRank(client, q) * 1.05
    assert.ok(got >= low && got <= high, `p${q * 100}: ${got} not within [${low}, ${high}]`)
  }
})
