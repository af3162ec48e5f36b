import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connectNode, eventually, groupWithToken, startKit, type Call, type TestNode } from '../sync-server/sync-kit.js'
import { describeStores } from '../../support/stores.js'
import { reportOf, type KnownRequest } from './report-kit.js'

// Reports through a real WebSocket session: acked once stored, counted once however often they are
// resent, rejected (unacked) when malformed.

async function readyNode (t: Parameters<typeof connectNode>[0], syncUrl: string, token: string, nodeId = 'node-1'): Promise<TestNode> {
  const node = await connectNode(t, syncUrl, token)
  node.hello({ node_id: nodeId, features: ['delta', 'analytics'] })
  const welcome = await node.next()
  assert.equal(welcome.kind === 'json' && welcome.value.type, 'welcome')
  return node
}

/** The next analytics_ack, skipping snapshots and other messages. */
async function nextAck (node: TestNode): Promise<{ boot_id: string, seq: number }> {
  for (;;) {
    const m = await node.next()
    if (m.kind === 'json' && m.value.type === 'analytics_ack') return { boot_id: m.value.boot_id, seq: m.value.seq }
  }
}

async function totals (call: Call, query: string): Promise<Record<string, number>> {
  const r = await call('GET', `/analytics/requests?${query}`)
  assert.equal(r.status, 200, r.text)
  return r.body.series[0].total
}

describeStores((store) => {
  test('a report sent over the sync socket is stored, acked, and counted once however often it is resent', async (t) => {
    const kit = await startKit(t, store)
    const { token } = await groupWithToken(kit.call, 'prod')
    const svc = await kit.call('POST', '/runtime-groups/prod/services', { name: 'orders', host: 'orders.internal' })
    const route = await kit.call('POST', '/runtime-groups/prod/routes', { name: 'orders-api', paths: ['/orders'], service: { id: svc.body.id } })
    const now = Math.floor(Date.now() / 1000)
    const at = now - (now % 60)
    const reqs: KnownRequest[] = [
      ...Array.from({ length: 7 }, (_, i) => ({ at, service: svc.body.id, route: route.body.id, status: 200, ms: 5 + i, bytesIn: 10, bytesOut: 100 })),
      { at, service: svc.body.id, route: route.body.id, status: 404, ms: 1 },
      { at, service: svc.body.id, route: route.body.id, status: 502, ms: 30 },
      { at, service: null, route: null, status: 404, ms: 0.2 }
    ]
    const node = await readyNode(t, kit.syncUrl, token)
    node.send(reportOf(1, reqs))
    assert.deepEqual(await nextAck(node), { boot_id: 'boot-1', seq: 1 })
    // Resent (as after a lost ack): acked again, not counted again.
    node.send(reportOf(1, reqs))
    node.send(reportOf(1, reqs))
    assert.deepEqual(await nextAck(node), { boot_id: 'boot-1', seq: 1 })
    assert.deepEqual(await nextAck(node), { boot_id: 'boot-1', seq: 1 })
    const range = `from=${at - 600}&to=${at + 60}`
    const all = await totals(kit.call, `runtime_group=prod&${range}`)
    assert.deepEqual({ requests: all.requests, errors_4xx: all.errors_4xx, errors_5xx: all.errors_5xx, bytes_in: all.bytes_in, bytes_out: all.bytes_out, bytes: all.bytes },
      { requests: 10, errors_4xx: 2, errors_5xx: 1, bytes_in: 70, bytes_out: 700, bytes: 770 })
    const routeOnly = await totals(kit.call, `runtime_group=prod&route=orders-api&${range}`)
    assert.equal(routeOnly.requests, 9)

    // After a reconnect the node resends its unacked reports with their identity: still once.
    node.ws.close()
    await node.closed
    const again = await readyNode(t, kit.syncUrl, token)
    again.send(reportOf(1, reqs))
    again.send(reportOf(2, reqs.slice(0, 3)))
    assert.deepEqual(await nextAck(again), { boot_id: 'boot-1', seq: 1 })
    assert.deepEqual(await nextAck(again), { boot_id: 'boot-1', seq: 2 })
    assert.equal((await totals(kit.call, `runtime_group=prod&${range}`)).requests, 13)
    const rows = await kit.call('GET', '/metrics')
    assert.match(rows.text, /^atrium_cp_analytics_reports_total\{outcome="stored"\} 2$/m)
    assert.match(rows.text, /^atrium_cp_analytics_reports_total\{outcome="duplicate"\} 3$/m)
  })

  test('a malformed report is logged and not acked; the session stays up', async (t) => {
    const kit = await startKit(t, store)
    const { token } = await groupWithToken(kit.call, 'prod')
    const node = await readyNode(t, kit.syncUrl, token)
    const now = Math.floor(Date.now() / 1000)
    const good = reportOf(1, [{ at: now, service: 's', route: 'r', status: 200, ms: 3 }])
    const bad = [
      { ...good, seq: -1 },
      { ...good, seq: 2, buckets: [{ ...good.buckets[0], minute: good.buckets[0].minute + 1 }] },
      { ...good, seq: 3, buckets: [{ ...good.buckets[0], status_class: 7 }] },
      { ...good, seq: 4, buckets: [{ ...good.buckets[0], latency: { 999: 1 } }] },
      { ...good, seq: 5, buckets: [{ ...good.buckets[0], errors_5xx: 5 }] },
      { ...good, seq: 6, dropped: null }
    ]
    for (const b of bad) node.send(b)
    await new Promise((resolve) => setTimeout(resolve, 400))
    assert.deepEqual(node.received.filter((m) => m.kind === 'json' && m.value.type === 'analytics_ack'), [], 'no ack for a malformed report')
    const rejected = await eventually(async () => {
      const lines = kit.logs.filter((l) => l.msg === 'analytics report rejected: malformed')
      return lines.length === bad.length ? lines : null
    }, 3000, 'rejection log lines')
    assert.deepEqual(rejected.map((l) => l.reason), [
      'seq: must be a non-negative integer',
      'buckets[0].minute: must be the start of a minute in epoch milliseconds',
      'buckets[0].status_class: must be 1 to 5',
      'buckets[0].latency: "999" is not a bucket index (0 to 288)',
      'buckets[0]: errors_4xx + errors_5xx exceed requests',
      'dropped: must be {reports, requests} non-negative integers'
    ])
    node.send(good)
    assert.deepEqual(await nextAck(node), { boot_id: 'boot-1', seq: 1 })
    const metrics = await kit.call('GET', '/metrics')
    assert.match(metrics.text, /^atrium_cp_analytics_reports_total\{outcome="rejected"\} 6$/m)
  })

  test('a node\'s cumulative drops are counted by their growth, once per boot', async (t) => {
    const kit = await startKit(t, store)
    const { token } = await groupWithToken(kit.call, 'prod')
    const node = await readyNode(t, kit.syncUrl, token)
    const now = Math.floor(Date.now() / 1000)
    const r: KnownRequest[] = [{ at: now, service: 's', route: null, status: 200, ms: 3 }]
    node.send(reportOf(5, r, { dropped: { reports: 2, requests: 40 } }))
    node.send(reportOf(6, r, { dropped: { reports: 3, requests: 55 } }))
    node.send(reportOf(6, r, { dropped: { reports: 3, requests: 55 } }))
    node.send(reportOf(1, r, { bootId: 'boot-2', dropped: { reports: 1, requests: 1 } }))
    for (let i = 0; i < 4; i++) await nextAck(node)
    const text = (await kit.call('GET', '/metrics')).text
    assert.match(text, /^atrium_cp_analytics_node_dropped_reports_total 4$/m)
    assert.match(text, /^atrium_cp_analytics_node_dropped_requests_total 56$/m)
  })
})
