import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { GatewayConfig, RouteConfig } from '../../../src/contract/index.js'
import { compileRouter } from '../../../src/router/compile-router.js'
import { normalizePath } from '../../../src/router/normalize-path.js'
import { findRouteConflicts, type RouteConflict } from '../../../src/router/route-conflicts.js'
import { sampleRegexPath } from '../../../src/router/regex-sample.js'
import { route, service } from '../../conformance/routing-case-kit.js'
import { routingCases } from '../../conformance/routing-cases.js'
import { proxyRouterCases } from '../../conformance/kong/proxy-router-cases.js'
import { routerUnitCases } from '../../conformance/kong/router-unit-cases.js'

// Constructed shadowing cases, one per finding kind and per way a cover is proven, cases that must
// not be reported, and the conformance tables: a route some case sends a request to is never
// reported as certain never_wins.

function conflicts (routes: RouteConfig[]): RouteConflict[] {
  const config: GatewayConfig = { services: [service(null, 'a'), service(null, 'b')], routes }
  return findRouteConflicts(compileRouter(config))
}

const summary = (list: RouteConflict[]): string[] => list.map((c) => `${c.kind} ${c.certainty} ${c.route.name ?? ''} by ${c.other.name ?? ''}`)

test('never_wins: a prefix under a prefix with more criteria, a covering wildcard host, a regex open at its end, the same regex', () => {
  assert.deepEqual(summary(conflicts([
    route('api', { paths: ['/api'], methods: ['GET', 'POST'] }),
    route('api-users', { paths: ['/api/users'], methods: ['GET'], regex_priority: 0 })
  ])), [], 'the longer prefix ranks first: it wins its own requests')
  assert.deepEqual(summary(conflicts([
    route('get-api', { paths: ['/api'], methods: ['GET'] }),
    route('get-api-users', { paths: ['/api/users'], methods: ['GET'], hosts: [] }),
    route('shadowed', { paths: ['/api/users/x'], headers: {} })
  ])), [], 'fewer criteria rank lower, never shadowing')
  assert.deepEqual(summary(conflicts([
    route('any-host', { paths: ['/'], hosts: ['*.example.com'], methods: ['GET'] }),
    route('narrow', { paths: ['/'], hosts: ['*.example.com'], methods: ['GET'], service: 1 })
  ])), ['duplicate certain narrow by any-host'])
  assert.deepEqual(summary(conflicts([
    route('wide', { paths: ['/shop'], hosts: ['shop.example.com', 'api.example.com'] }),
    route('narrow', { paths: ['/shop/cart'], hosts: ['shop.example.com'] }),
    route('same-svc', { paths: ['/shop'], hosts: ['shop.example.com'] })
  ])), ['never_wins certain same-svc by wide'])
  const regex = conflicts([
    route('open', { paths: ['~/files/.+'] }),
    route('closed', { paths: ['~/files/\\d+$'] }),
    route('prefix-under', { paths: ['/files/x'] }),
    route('twin', { paths: ['~/files/.+'], service: 1 })
  ])
  assert.deepEqual(summary(regex), ['possible never_wins closed by open'.replace(/^possible never_wins/, 'never_wins possible'), 'never_wins certain prefix-under by open', 'duplicate certain twin by open'])
  for (const c of regex) {
    assert.ok(c.example.path.startsWith('/files/'), JSON.stringify(c.example))
    assert.ok(c.message.length > 0)
  }
})

test('regex_overlaps_prefix: a regex takes a longer prefix route\'s own path; a regex anchored short of it does not', () => {
  const found = conflicts([
    route('me', { paths: ['/users/me'] }),
    route('by-name', { paths: ['~/users/\\w+$'] })
  ])
  assert.deepEqual(summary(found), ['regex_overlaps_prefix certain me by by-name'])
  assert.deepEqual(found[0].example, { method: 'GET', path: '/users/me' })
  assert.match(found[0].message, /^\/users\/me goes to by-name \(~\/users\/\\w\+\$\), not to me: a regex path beats a prefix path of any length$/)
  assert.deepEqual(summary(conflicts([route('users', { paths: ['/users'] }), route('by-id', { paths: ['~/users/\\d+$'] })])), [])
})

test('the example request of every finding carries the route\'s criteria', () => {
  const [c] = conflicts([
    route('first', { paths: ['/v1'], hosts: ['*.example.com'], headers: { 'x-team': ['a'] }, methods: ['GET'] }),
    route('second', { paths: ['/v1/orders'], hosts: ['api.example.com'], headers: { 'x-team': ['a'] }, methods: ['GET'], snis: ['api.example.com'] })
  ])
  assert.equal(c, undefined, 'second has more criteria kinds (snis): it ranks first, nothing to report')
  const [d] = conflicts([
    route('first', { paths: ['/v1'], hosts: ['api.example.com'], headers: { 'x-team': ['a', 'b'] }, methods: ['GET', 'PUT'] }),
    route('second', { paths: ['/v1'], hosts: ['api.example.com'], headers: { 'x-team': ['b'] }, methods: ['PUT'] })
  ])
  assert.equal(d.kind, 'never_wins')
  assert.deepEqual(d.example, { method: 'PUT', path: '/v1', host: 'api.example.com', headers: { 'x-team': 'b' } })
})

test('regex samples match their regex or are null', () => {
  const cases: Array<[string, string | null]> = [
    ['/orders/(?<id>\\d+)$', '/orders/0'], ['/a/(x|y)/[a-z]{2,4}', '/a/x/aa'], ['/v\\d+/items?', '/v0/item'],
    ['/files/.+', '/files/a'], ['/x/[^/]+', null], ['/(?i)caps', null], ['/p/(?P<n>\\w+)/\\.json', '/p/a/.json']
  ]
  for (const [pattern, sample] of cases) assert.equal(sampleRegexPath(pattern), sample, pattern)
})

test('no route a conformance case sends a request to is reported as certain never_wins', () => {
  let checked = 0
  for (const kase of [...routingCases, ...routerUnitCases, ...proxyRouterCases]) {
    if (kase.expect.route === null || normalizePath(kase.request.target) === null) continue
    let found: RouteConflict[]
    try {
      found = findRouteConflicts(compileRouter(kase.config))
    } catch (err) {
      assert.fail(`${kase.name}: ${(err as Error).message}`)
    }
    for (const c of found) {
      if (c.kind === 'regex_overlaps_prefix' || c.certainty !== 'certain') continue
      assert.notEqual(c.route.name, kase.expect.route, `${kase.name}: ${c.message}`)
      checked++
    }
  }
  assert.ok(checked > 0, 'some conformance configs have certain findings to check')
})
