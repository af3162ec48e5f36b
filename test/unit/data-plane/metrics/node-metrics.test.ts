import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { GatewayConfig } from '../../../../src/contract/index.js'
import { NodeMetrics } from '../../../../src/data-plane/metrics/index.js'
import { gatewayConfig } from '../../../support/gateway.js'

// NodeMetrics without sockets: label values from the config only, slots shared across config
// versions by label, status codes kept exactly, analytics cells keyed by route, class and consumer.

function config (routes: Array<{ name?: string, id?: string }>, consumers: Array<{ id: string, username: string }> = []): GatewayConfig {
  const base = gatewayConfig({
    services: [{ name: 'svc', id: 'svc-id', host: '127.0.0.1', port: 1 }],
    routes: routes.map((r) => ({ name: r.name ?? null, id: r.id ?? null, paths: ['/x'] }))
  })
  return consumers.length === 0 ? base : { ...base, consumers: consumers.map((c) => ({ id: c.id, username: c.username, custom_id: null, tags: [] })) as unknown as GatewayConfig['consumers'] }
}

test('labels: route name, else id, else position; unmatched requests have none', () => {
  const m = new NodeMetrics()
  const g = m.compile(config([{ name: 'named', id: 'r-1' }, { id: 'r-2' }, {}]))
  assert.deepEqual(g.slots.map((s) => [s.service, s.route]), [['svc', 'named'], ['svc', 'r-2'], ['svc', 'route-2']])
  assert.equal(m.unmatched.service, null)
  assert.equal(m.unmatched.route, null)
})

test('a reload keeps the slot of a route whose labels stay and forgets removed ones', () => {
  const m = new NodeMetrics()
  const first = m.compile(config([{ name: 'a' }, { name: 'b' }]))
  first.record(0, 200, 1, -1, 0, 10, -1, 'GET', null)
  const second = m.compile(config([{ name: 'c' }, { name: 'a' }]))
  assert.equal(second.slots[1], first.slots[0])
  assert.equal(second.slots[1].requests, 1)
  assert.deepEqual([...m.slots.keys()].map((k) => k.split('\0')[1]).sort(), ['a', 'c'])
})

test('status codes are counted exactly, however many a route sees', () => {
  const m = new NodeMetrics()
  const g = m.compile(config([{ name: 'a' }]))
  const codes = [200, 201, 204, 301, 404, 500, 502, 503, 504, 200, 200, 799]
  for (const code of codes) g.record(0, code, 1, -1, 0, 0, -1, 'GET', null)
  const slot = g.slots[0]
  const seen = new Map<number, number>()
  for (let i = 0; i < slot.status.length; i++) seen.set(slot.status.codes[i], slot.status.counts[i])
  assert.equal(seen.get(200), 3)
  assert.equal(seen.size, 10)
  assert.equal(slot.requests, codes.length)
  assert.equal(slot.total.count, codes.length)
  assert.equal(slot.upstream.count, 0, 'no upstream latency without an upstream answer')
})

test('analytics buckets per route, status class and consumer id; a window closes into deltas', () => {
  const m = new NodeMetrics({ analytics: true, now: () => 120_000 })
  const g = m.compile(config([{ name: 'a', id: 'route-a' }], [{ id: 'c-1', username: 'one' }, { id: 'c-2', username: 'two' }]))
  g.record(0, 200, 5, 4, 10, 20, -1, 'GET', null)
  g.record(0, 201, 7, 6, 0, 20, 1, 'GET', null)
  g.record(0, 503, 1, -1, 0, 5, 1, 'GET', null)
  m.recordUnmatched(404, 0.2, 0, 3)
  const window = m.analytics
  assert.ok(window !== null)
  const buckets = window.close(130_000)
  const key = (b: { route_id: string | null, status_class: number, consumer_id: string | null }): string => `${b.route_id}/${b.status_class}/${b.consumer_id}`
  assert.deepEqual(buckets.map(key).sort(), ['null/4/null', 'route-a/2/c-2', 'route-a/2/null', 'route-a/5/c-2'])
  for (const b of buckets) assert.equal(b.minute, 120_000)
  const five = buckets.find((b) => b.status_class === 5)
  assert.equal(five?.errors_5xx, 1)
  assert.equal(five?.service_id, 'svc-id')
  assert.deepEqual(window.close(140_000), [], 'nothing since: an empty window')
  g.record(0, 200, 5, 4, 0, 0, -1, 'GET', null)
  assert.deepEqual(window.close(150_000).map((b) => b.requests), [1], 'deltas, not totals')
})

test('requested paths per route for spec drift: ids folded, methods and statuses kept, bounded per route', async () => {
  const { foldPath, RAW_PATHS, SHAPES_PER_ROUTE } = await import('../../../../src/data-plane/metrics/path-shapes.js')
  assert.equal(foldPath('/orders/42/items/3fa85f64-5717-4562-b3fc-2c963f66afa6'), '/orders/{id}/items/{id}')
  assert.equal(foldPath('/users/alice/avatar'), '/users/alice/avatar', 'a name is not an id: the spec folds it on the CP')
  assert.equal(foldPath('/t/deadbeef00/x/a1b2c3d4e5f6g7h8i9'), '/t/{id}/x/{id}')
  const m = new NodeMetrics({ analytics: true, now: () => 120_000 })
  const g = m.compile(config([{ name: 'a', id: 'route-a' }]))
  g.record(0, 200, 1, 1, 0, 0, -1, 'GET', '/orders/1')
  g.record(0, 200, 1, 1, 0, 0, -1, 'GET', '/orders/2')
  g.record(0, 404, 1, 1, 0, 0, -1, 'DELETE', '/orders/2')
  g.record(0, 200, 1, 1, 0, 0, -1, 'GET', '/health')
  g.record(0, 200, 1, 1, 0, 0, -1, 'GET', null)
  const { paths } = (m.analytics as NonNullable<typeof m.analytics>).closeWithPaths(130_000)
  const seen = paths.map((p) => `${p.method} ${p.path} ${p.status} ${p.requests}`).sort()
  assert.deepEqual(seen, ['DELETE /orders/{id} 404 1', 'GET /health 200 1', 'GET /orders/{id} 200 2'])
  assert.ok(paths.every((p) => p.minute === 120_000 && p.route_id === 'route-a' && p.service_id === 'svc-id'))
  assert.equal(paths.find((p) => p.method === 'DELETE')?.example, '/orders/2', 'the first path of the shape with that method and status')

  for (let i = 0; i < RAW_PATHS + SHAPES_PER_ROUTE * 3; i++) g.record(0, 200, 1, 1, 0, 0, -1, 'GET', `/distinct/name${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}x`)
  const many = (m.analytics as NonNullable<typeof m.analytics>).closeWithPaths(140_000).paths
  assert.equal(many.length, SHAPES_PER_ROUTE + 1, 'the busiest shapes, and the rest under *')
  assert.equal(many.reduce((n, p) => n + p.requests, 0), RAW_PATHS + SHAPES_PER_ROUTE * 3, 'nothing lost from the counts')
  assert.equal(many.filter((p) => p.path === '*').length, 1)
})
