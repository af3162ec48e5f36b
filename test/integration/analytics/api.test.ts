import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { adminClient, connectNode, groupWithToken, startKit, type Call, type Kit, type TestNode } from '../sync-server/sync-kit.js'
import { describeStores, type SuiteStore } from '../../support/stores.js'
import { exactPercentile, knownLatencies, reportOf, type KnownRequest } from './report-kit.js'

// GET /analytics/requests and the service package summary over known traffic, sent as real
// reports by two nodes: exact counts by every filter and grouping, percentiles from merged
// histograms within 5% of the exact ones, hour series equal to minute series before and after
// the rollup, and the Admin API's 400s.

interface Catalog { services: Record<string, string>, routes: Record<string, string> }

async function catalog (call: Call): Promise<Catalog> {
  const ok = (r: { status: number, text: string }, status: number): void => assert.equal(r.status, status, r.text)
  ok(await call('POST', '/service-packages', { name: 'payments' }), 201)
  ok(await call('POST', '/service-packages', { name: 'ledger' }), 201)
  const services: Record<string, string> = {}
  const routes: Record<string, string> = {}
  for (const [pkg, version, group] of [['payments', 'v1', 'prod'], ['payments', 'v2', 'prod'], ['payments', 'v1', 'staging'], ['ledger', 'v1', 'prod']]) {
    const v = await call('POST', `/service-packages/${pkg}/versions`, { version, runtime_group: group })
    ok(v, 201)
    const impl = await call('PUT', `/service-packages/${pkg}/versions/${v.body.id as string}/implementation`, { service: { name: `${pkg}-${version}-${group}`, host: `${pkg}.internal` } })
    ok(impl, 201)
    const key = `${pkg}/${version}/${group}`
    services[key] = impl.body.service.id
    const route = await call('POST', `/runtime-groups/${group}/routes`, { name: `${pkg}-${version}`, paths: [`/${pkg}/${version}`], service: { id: impl.body.service.id } })
    ok(route, 201)
    routes[key] = route.body.id
  }
  return { services, routes }
}

interface Traffic { prod: KnownRequest[], staging: KnownRequest[], base: number }

/** 1500 requests over three minutes: payments v1/v2 in prod, payments v1 in staging, ledger in prod. */
function traffic (c: Catalog): Traffic {
  const now = Math.floor(Date.now() / 1000)
  const base = now - (now % 60) - 120
  const ms = knownLatencies(1500)
  const keys = ['payments/v1/prod', 'payments/v2/prod', 'payments/v1/staging', 'ledger/v1/prod']
  const prod: KnownRequest[] = []
  const staging: KnownRequest[] = []
  for (let i = 0; i < 1500; i++) {
    const key = keys[i % 7 === 0 ? 3 : i % 3]
    const status = i % 20 === 0 ? 503 : i % 10 === 3 ? 404 : i % 50 === 7 ? 301 : 200
    const r: KnownRequest = { at: base + (i % 3) * 60 + (i % 50), service: c.services[key], route: c.routes[key], status, ms: ms[i], bytesIn: i % 5, bytesOut: 100 + (i % 7) }
    ;(key.endsWith('staging') ? staging : prod).push(r)
  }
  return { prod, staging, base }
}

async function ackedNode (t: TestContext, kit: Kit, token: string, nodeId: string): Promise<TestNode> {
  const node = await connectNode(t, kit.syncUrl, token)
  node.hello({ node_id: nodeId, features: ['delta', 'analytics'] })
  // Reports follow welcome (docs/sync-protocol.md).
  for (;;) {
    const m = await node.next()
    if (m.kind === 'json' && m.value.type === 'welcome') return node
  }
}

/** Sends `requests` as `parts` reports and waits for every ack. */
async function report (node: TestNode, requests: KnownRequest[], parts: number): Promise<void> {
  const size = Math.ceil(requests.length / parts)
  for (let p = 0; p < parts; p++) node.send(reportOf(p + 1, requests.slice(p * size, (p + 1) * size)))
  let acks = 0
  while (acks < parts) {
    const m = await node.next()
    if (m.kind === 'json' && m.value.type === 'analytics_ack') acks++
  }
}

async function setUp (t: TestContext, store: SuiteStore): Promise<{ kit: Kit, c: Catalog, tr: Traffic, range: string }> {
  const kit = await startKit(t, store)
  const prod = await groupWithToken(kit.call, 'prod')
  const staging = await groupWithToken(kit.call, 'staging')
  const c = await catalog(kit.call)
  const tr = traffic(c)
  // Two prod nodes share the prod traffic (their histograms merge), one staging node.
  const half = Math.floor(tr.prod.length / 2)
  await report(await ackedNode(t, kit, prod.token, 'prod-1'), tr.prod.slice(0, half), 4)
  await report(await ackedNode(t, kit, prod.token, 'prod-2'), tr.prod.slice(half), 3)
  await report(await ackedNode(t, kit, staging.token, 'staging-1'), tr.staging, 2)
  return { kit, c, tr, range: `from=${tr.base - 3 * 60}&to=${tr.base + 4 * 60}` }
}

function counts (requests: KnownRequest[]): { requests: number, errors_4xx: number, errors_5xx: number, bytes_in: number, bytes_out: number, bytes: number } {
  const bytesIn = requests.reduce((a, r) => a + (r.bytesIn ?? 0), 0)
  const bytesOut = requests.reduce((a, r) => a + (r.bytesOut ?? 0), 0)
  return {
    requests: requests.length,
    errors_4xx: requests.filter((r) => r.status >= 400 && r.status < 500).length,
    errors_5xx: requests.filter((r) => r.status >= 500).length,
    bytes_in: bytesIn,
    bytes_out: bytesOut,
    bytes: bytesIn + bytesOut
  }
}

function countsOf (point: Record<string, number>): ReturnType<typeof counts> {
  return { requests: point.requests, errors_4xx: point.errors_4xx, errors_5xx: point.errors_5xx, bytes_in: point.bytes_in, bytes_out: point.bytes_out, bytes: point.bytes }
}

function assertPercentiles (total: Record<string, number>, requests: KnownRequest[], what: string): void {
  const values = requests.map((r) => r.ms)
  for (const [field, q] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]] as const) {
    const exact = exactPercentile(values, q)
    const got = total[field]
    assert.ok(Math.abs(got - exact) / exact <= 0.05, `${what} ${field}: ${got} ms vs exact ${exact} ms (more than 5% off)`)
  }
}

async function get (call: Call, query: string): Promise<any> {
  const r = await call('GET', `/analytics/requests?${query}`)
  assert.equal(r.status, 200, r.text)
  return r.body
}

const is = (key: string) => (r: KnownRequest): boolean => r.service === key

describeStores((store) => {
  test('GET /analytics/requests answers exact counts and percentiles within 5% by package, version, group and route', async (t) => {
    const { kit, c, tr, range } = await setUp(t, store)
    const all = [...tr.prod, ...tr.staging]
    const payments = all.filter((r) => r.service !== c.services['ledger/v1/prod'])

    const pkg = await get(kit.call, `service_package=payments&${range}`)
    assert.equal(pkg.granularity, 'minute')
    assert.equal(pkg.series.length, 1)
    assert.equal(pkg.series[0].group, null)
    assert.deepEqual(countsOf(pkg.series[0].total), counts(payments))
    assertPercentiles(pkg.series[0].total, payments, 'payments')
    // One point per minute of the range, zero-filled; the three minutes with traffic hold it all.
    const points = pkg.series[0].points as Array<Record<string, any>>
    assert.equal(points.length, 7)
    assert.deepEqual(points.map((p) => p.time), Array.from({ length: 7 }, (_, i) => tr.base - 180 + i * 60))
    for (let m = 0; m < 3; m++) {
      const inMinute = payments.filter((r) => r.at - (r.at % 60) === tr.base + m * 60)
      const p = points.find((x) => x.time === tr.base + m * 60) as Record<string, number>
      assert.deepEqual(countsOf(p), counts(inMinute), `minute ${m}`)
      assertPercentiles(p, inMinute, `minute ${m}`)
    }
    assert.deepEqual(points.filter((p) => p.requests === 0).map((p) => p.p99), [null, null, null, null])

    const v1 = await get(kit.call, `service_package=payments&version=v1&${range}`)
    assert.deepEqual(countsOf(v1.series[0].total), counts(payments.filter((r) => r.service === c.services['payments/v1/prod'] || r.service === c.services['payments/v1/staging'])))
    const v1Staging = await get(kit.call, `service_package=payments&version=v1&runtime_group=staging&${range}`)
    assert.deepEqual(countsOf(v1Staging.series[0].total), counts(tr.staging))
    assertPercentiles(v1Staging.series[0].total, tr.staging, 'staging')
    const prod = await get(kit.call, `runtime_group=prod&${range}`)
    assert.deepEqual(countsOf(prod.series[0].total), counts(tr.prod))
    const route = await get(kit.call, `runtime_group=prod&route=payments-v2&${range}`)
    assert.deepEqual(countsOf(route.series[0].total), counts(all.filter(is(c.services['payments/v2/prod']))))
    const routeById = await get(kit.call, `route=${c.routes['ledger/v1/prod']}&${range}`)
    assert.deepEqual(countsOf(routeById.series[0].total), counts(all.filter(is(c.services['ledger/v1/prod']))))
    const everything = await get(kit.call, range)
    assert.deepEqual(countsOf(everything.series[0].total), counts(all))
    assertPercentiles(everything.series[0].total, all, 'everything')
  })

  test('group_by splits series by status class, route and version', async (t) => {
    const { kit, c, tr, range } = await setUp(t, store)
    const all = [...tr.prod, ...tr.staging]
    const payments = all.filter((r) => r.service !== c.services['ledger/v1/prod'])

    const byClass = await get(kit.call, `service_package=payments&group_by=status_class&${range}`)
    assert.deepEqual(byClass.series.map((s: any) => [s.group.status_class, s.total.requests]), ['2xx', '3xx', '4xx', '5xx'].map((cls) => [cls, payments.filter((r) => `${Math.floor(r.status / 100)}xx` === cls).length]))

    const byVersion = await get(kit.call, `service_package=payments&group_by=version&${range}`)
    const got = byVersion.series.map((s: any) => [s.group.version, s.group.runtime_group, s.group.service_package, s.total.requests]).sort()
    const expected = [['v1', 'prod', 'payments/v1/prod'], ['v1', 'staging', 'payments/v1/staging'], ['v2', 'prod', 'payments/v2/prod']]
      .map(([v, g, key]) => [v, g, 'payments', all.filter(is(c.services[key])).length]).sort()
    assert.deepEqual(got, expected)
    for (const s of byVersion.series) {
      const key = `payments/${s.group.version as string}/${s.group.runtime_group as string}`
      assertPercentiles(s.total, all.filter(is(c.services[key])), key)
    }

    const byRoute = await get(kit.call, `runtime_group=prod&group_by=route&${range}`)
    assert.deepEqual(byRoute.series.map((s: any) => [s.group.route, s.group.route_id, s.group.runtime_group, s.total.requests]).sort(), [
      ['ledger-v1', c.routes['ledger/v1/prod'], 'prod', all.filter(is(c.services['ledger/v1/prod'])).length],
      ['payments-v1', c.routes['payments/v1/prod'], 'prod', all.filter(is(c.services['payments/v1/prod'])).length],
      ['payments-v2', c.routes['payments/v2/prod'], 'prod', all.filter(is(c.services['payments/v2/prod'])).length]
    ].sort())
  })

  test('hour series equal minute series before and after the rollup', async (t) => {
    const { kit, c, tr } = await setUp(t, store)
    const all = [...tr.prod, ...tr.staging]
    const payments = all.filter((r) => r.service !== c.services['ledger/v1/prod'])
    const range = `from=${tr.base - 2 * 3600}&to=${tr.base + 2 * 3600}`
    const before = await get(kit.call, `service_package=payments&granularity=hour&${range}`)
    assert.equal(before.granularity, 'hour')
    const from = tr.base - 2 * 3600
    const to = tr.base + 2 * 3600
    const first = from - (from % 3600)
    const end = to % 3600 === 0 ? to : to - (to % 3600) + 3600
    assert.deepEqual([before.from, before.to], [first, end], 'the range is widened to whole hours')
    assert.equal(before.series[0].points.length, (end - first) / 3600)
    assert.deepEqual(countsOf(before.series[0].total), counts(payments))
    const minutes = await get(kit.call, `service_package=payments&granularity=minute&${range}`)
    assert.deepEqual(before.series[0].total, minutes.series[0].total)

    // Roll every hour so far (as the job does once the hour is over): the hour rows now answer.
    await kit.cp.runAnalyticsRollup(tr.base + 3 * 3600)
    const after = await get(kit.call, `service_package=payments&granularity=hour&${range}`)
    assert.deepEqual(after.series[0].total, before.series[0].total)
    assert.deepEqual(after.series[0].points, before.series[0].points)
    assertPercentiles(after.series[0].total, payments, 'payments hourly')
  })

  test('GET /service-packages/{id} carries the last hour\'s requests, error rate and p99', async (t) => {
    const { kit, c, tr } = await setUp(t, store)
    const payments = [...tr.prod, ...tr.staging].filter((r) => r.service !== c.services['ledger/v1/prod'])
    const r = await kit.call('GET', '/service-packages/payments')
    assert.equal(r.status, 200, r.text)
    const s = r.body.analytics
    const n = counts(payments)
    assert.equal(s.window_seconds, 3600)
    assert.equal(s.requests, n.requests)
    assert.equal(s.errors_4xx, n.errors_4xx)
    assert.equal(s.errors_5xx, n.errors_5xx)
    assert.equal(s.error_rate, Math.round(((n.errors_4xx + n.errors_5xx) / n.requests) * 1e6) / 1e6)
    const exact = exactPercentile(payments.map((x) => x.ms), 0.99)
    assert.ok(Math.abs(s.p99 - exact) / exact <= 0.05, `p99 ${String(s.p99)} vs ${exact}`)
    const ledger = (await kit.call('GET', '/service-packages/ledger')).body.analytics
    assert.equal(ledger.requests, tr.prod.filter(is(c.services['ledger/v1/prod'])).length)
  })
})

test('GET /analytics/requests answers 400 {code, message, fields} for invalid or unknown parameters', async (t) => {
  const kit = await startKit(t, 'sqlite')
  await groupWithToken(kit.call, 'prod')
  assert.equal((await kit.call('POST', '/service-packages', { name: 'payments' })).status, 201)
  const cases: Array<[string, Record<string, string>]> = [
    ['granularity=day', { granularity: 'must be minute or hour' }],
    ['group_by=consumer', { group_by: 'must be status_class, route or version' }],
    ['from=yesterday&to=now', { from: 'must be epoch seconds or an RFC 3339 date-time such as 2024-06-01T12:00:00Z', to: 'must be epoch seconds or an RFC 3339 date-time such as 2024-06-01T12:00:00Z' }],
    ['from=2000&to=1000', { from: 'must be before to' }],
    ['version=v1', { version: 'needs service_package (a version is named within its package)' }],
    ['from=0&to=864000&granularity=minute', { from: 'the range holds 14400 minutes; at most 2880 points per series (use granularity=hour)' }],
    ['service_package=nope', { service_package: 'no service package "nope"' }],
    ['runtime_group=nope', { runtime_group: 'no runtime group "nope"' }],
    ['service_package=payments&version=v9', { version: 'no version "v9" in this service package' }],
    ['runtime_group=prod&route=nope', { route: 'no route "nope" in the selected runtime groups' }]
  ]
  for (const [query, fields] of cases) {
    const r = await kit.call('GET', `/analytics/requests?${query}`)
    assert.equal(r.status, 400, query)
    assert.equal(r.body.code, 'ATRIUM_ERR_ADMIN_INVALID', query)
    assert.equal(typeof r.body.message, 'string')
    assert.deepEqual(r.body.fields, fields, query)
  }
  // RFC 3339 and defaults: the last hour per minute; a long range defaults to hours.
  const iso = await kit.call('GET', '/analytics/requests?from=2024-06-01T12:00:00Z&to=2024-06-01T13:00:30Z')
  assert.deepEqual([iso.status, iso.body.from, iso.body.to, iso.body.granularity, iso.body.series[0].points.length], [200, 1717243200, 1717246860, 'minute', 61])
  const long = await kit.call('GET', '/analytics/requests?from=1717243200&to=1717416000')
  assert.deepEqual([long.body.granularity, long.body.series[0].points.length], ['hour', 48])
  const byDefault = await kit.call('GET', '/analytics/requests')
  assert.deepEqual([byDefault.body.granularity, byDefault.body.to - byDefault.body.from], ['minute', 3660])
})

test('the analytics API and /metrics need an admin token like the rest of the Admin API; a viewer may read them', async (t) => {
  const kit = await startKit(t, 'sqlite', { auth: createAdminAuth({ tokens: 'admin:admin-secret-1,viewer:viewer-secret-1' }) })
  const call = adminClient(kit.cp.adminAddress.port)
  for (const path of ['/analytics/requests', '/metrics']) {
    assert.equal((await call('GET', path)).status, 401, path)
    assert.equal((await call('GET', path, undefined, { authorization: 'Bearer viewer-secret-1' })).status, 200, path)
  }
  const doc = (await call('GET', '/openapi.json', undefined, { authorization: 'Bearer viewer-secret-1' })).body
  assert.ok(doc.paths['/analytics/requests'].get, '/analytics/requests is described')
  assert.ok(doc.paths['/metrics'].get, '/metrics is described')
})
