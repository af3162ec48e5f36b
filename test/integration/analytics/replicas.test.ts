import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createTestStore } from '../../support/stores.js'
import { connectNode, groupWithToken, startKit, type TestNode } from '../sync-server/sync-kit.js'
import { reportOf, type KnownRequest } from './report-kit.js'

// Two control planes on one PostgreSQL: nodes on each report the same minutes, services and routes
// at the same time (concurrent upserts of the same rows), both run the rollup at once; every count
// and histogram entry is there exactly once.

test('[postgres] concurrent reports through two CP replicas add up exactly, and concurrent rollups agree', async (t) => {
  const store = await createTestStore('postgres')
  t.after(() => store.drop())
  const a = await startKit(t, 'postgres', { dbUrl: store.url })
  const b = await startKit(t, 'postgres', { dbUrl: store.url })
  const { token } = await groupWithToken(a.call, 'prod')
  const now = Math.floor(Date.now() / 1000)
  const minute = now - (now % 60) - 60
  const reqs = (seed: number): KnownRequest[] => Array.from({ length: 30 }, (_, i) => ({
    at: minute + (i % 2) * 60, service: 'svc', route: i % 3 === 0 ? 'r1' : 'r2', status: i % 10 === 0 ? 500 : 200, ms: 1 + ((i * seed) % 97), bytesOut: 10
  }))
  const nodes: Array<{ node: TestNode, seed: number }> = []
  for (const [i, kit] of [a, b, a, b].entries()) {
    const node = await connectNode(t, kit.syncUrl, token)
    node.hello({ node_id: `n${i}`, features: ['analytics'] })
    for (;;) { const m = await node.next(); if (m.kind === 'json' && m.value.type === 'welcome') break }
    nodes.push({ node, seed: i + 3 })
  }
  const REPORTS = 15
  await Promise.all(nodes.map(async ({ node, seed }) => {
    for (let seq = 1; seq <= REPORTS; seq++) node.send(reportOf(seq, reqs(seed)))
    let acks = 0
    while (acks < REPORTS) {
      const m = await node.next(5000)
      if (m.kind === 'json' && m.value.type === 'analytics_ack') acks++
    }
  }))
  const expected = nodes.length * REPORTS * 30
  const query = `/analytics/requests?runtime_group=prod&from=${minute - 3600}&to=${minute + 3600}`
  for (const kit of [a, b]) {
    const r = await kit.call('GET', `${query}&granularity=minute`)
    assert.equal(r.body.series[0].total.requests, expected)
    assert.equal(r.body.series[0].total.errors_5xx, expected / 10)
    assert.equal(r.body.series[0].total.bytes_out, expected * 10)
  }
  const rows = await a.call('GET', `${query}&granularity=minute&group_by=route`)
  assert.deepEqual(rows.body.series.map((s: any) => [s.group.route_id, s.total.requests]), [['r1', expected / 3], ['r2', expected * 2 / 3]])

  const minutes = (await a.call('GET', `${query}&granularity=hour`)).body.series[0].total
  await Promise.all([a.cp.runAnalyticsRollup(now + 3 * 3600), b.cp.runAnalyticsRollup(now + 3 * 3600), a.cp.runAnalyticsRollup(now + 3 * 3600)])
  await b.cp.runAnalyticsRollup(now + 3 * 3600)
  for (const kit of [a, b]) {
    const hours = (await kit.call('GET', `${query}&granularity=hour`)).body.series[0].total
    assert.deepEqual(hours, minutes)
    assert.equal(hours.requests, expected)
  }
})
