import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { GatewayConfig, RouteConfig } from '../../../src/contract/index.js'
import { GatewayError } from '../../../src/errors.js'
import { compileRouter } from '../../../src/router/compile-router.js'
import { explainMatch, NEAR_MISS_LIMIT, type Explanation } from '../../../src/router/explain-match.js'
import { parseExplainRequest } from '../../../src/router/explain-request.js'
import { formatPriority } from '../../../src/router/loss-reason.js'
import { route, service } from '../../conformance/routing-case-kit.js'

// One hand-written case per loss reason (each priority rule of route-priority.ts), near misses with the
// criterion that failed, and the request description's validation.

function explain (routes: RouteConfig[], request: Record<string, unknown>): Explanation {
  const config: GatewayConfig = { services: [service('/svc', 'orders-svc')], routes }
  return explainMatch(compileRouter(config), config, parseExplainRequest(request))
}

function lost (e: Explanation, name: string): string {
  const c = e.candidates.find((x) => x.route.name === name)
  assert.ok(c !== undefined, `${name} is a candidate: ${JSON.stringify(e.candidates)}`)
  return c.lost_because
}

test('each priority rule is named with both sides when a matching route loses on it', () => {
  const cases: Array<[string, RouteConfig[], Record<string, unknown>, string, RegExp]> = [
    ['fewer criteria', [route('long', { paths: ['/foo/bar'] }), route('get', { paths: ['/'], methods: ['GET'] })],
      { path: '/foo/bar' }, 'get', /^fewer match criteria: 1 \(paths\) < 2 \(methods, paths\)$/],
    ['plain host beats wildcard', [route('wild', { hosts: ['*.example.com'], paths: ['/'] }), route('plain', { hosts: ['api.example.com'], paths: ['/'] })],
      { url: 'http://api.example.com/x' }, 'plain', /^plain host beats wildcard$/],
    ['plain host beats no host', [route('get', { methods: ['GET'], paths: ['/'] }), route('host', { hosts: ['x.com'], paths: ['/'] })],
      { path: '/', host: 'x.com' }, 'host', /^plain host beats no host$/],
    ['fewer headers', [route('one', { headers: { 'x-a': ['1'] }, paths: ['/'] }), route('two', { headers: { 'x-a': ['1'], 'x-b': ['2'] }, paths: ['/'] })],
      { path: '/', headers: { 'X-A': '1', 'x-b': '2' } }, 'two', /^fewer headers: 1 < 2$/],
    ['regex beats prefix', [route('prefix', { paths: ['/users/list'] }), route('regex', { paths: ['~/users/\\w+'] })],
      { path: '/users/list' }, 'regex', /^a regex path beats a prefix path$/],
    ['regex_priority', [route('low', { paths: ['~/a/\\d+'] }), route('high', { paths: ['~/a/1'], regex_priority: 6 })],
      { path: '/a/1' }, 'high', /^regex_priority 0 < 6$/],
    ['shorter prefix', [route('v1', { paths: ['/v1'] }), route('users', { paths: ['/v1/users'] })],
      { path: '/v1/users/3' }, 'users', /^shorter prefix: \/v1 \(3\) < \/v1\/users \(9\)$/],
    ['host with port', [route('bare', { hosts: ['x.com'], paths: ['/'] }), route('port', { hosts: ['x.com:8000'], paths: ['/'] })],
      { path: '/', host: 'x.com:8000' }, 'port', /^a host with a port beats hosts without one$/],
    ['declared later', [route('first', { paths: ['/same'] }), route('second', { paths: ['/same'] })],
      { path: '/same' }, 'first', /^tie on every rule, declared later: routes\[1\] after routes\[0\]$/]
  ]
  for (const [what, routes, request, winner, reason] of cases) {
    const e = explain(routes, request)
    assert.equal(e.route?.name, winner, what)
    assert.equal(e.candidates.length, 1, what)
    assert.match(e.candidates[0].lost_because, reason, what)
  }
  assert.match(lost(explain([route('none', { methods: ['GET'], snis: ['*'] }), route('regex', { paths: ['~/x'], methods: ['GET'] })], { path: '/x' }), 'none'),
    /^a regex path beats a route without paths$/)
})

test('the winner comes with its service, matched path, upstream path (query kept) and priority tuple; losers in rank order', () => {
  const e = explain([
    route('all', { paths: ['/'] }),
    route('orders', { id: '6f1c', paths: ['/orders'] } as Partial<RouteConfig>),
    route('by-id', { paths: ['~/orders/(?<id>\\d+)$'], methods: ['GET'] })
  ], { method: 'get', url: 'http://api.example.com/orders/42?x=1' })
  assert.deepEqual(e.route, { id: null, name: 'by-id', service: { id: null, name: 'orders-svc' } })
  assert.equal(e.matched_path, '~/orders/(?<id>\\d+)$')
  assert.equal(e.upstream_path, '/svc?x=1')
  assert.equal(formatPriority(e.priority as NonNullable<Explanation['priority']>), 'criteria=2,plain_hosts=0,headers=0,regex=1,regex_priority=0,prefix_length=0,host_port=0,route_index=2')
  assert.deepEqual(e.candidates.map((c) => [c.route.name, c.route.id, c.matched_path]), [['orders', '6f1c', '/orders'], ['all', null, '/']])
  assert.equal(e.message, undefined)
})

test('no winner: Kong\'s 404 message, and the near misses with the one criterion each failed, closest first', () => {
  const e = explain([
    route('post-orders', { paths: ['/orders'], methods: ['POST'] }),
    route('payments', { paths: ['/payments'] }),
    route('orders-v2', { paths: ['/orders'], headers: { 'x-version': ['2'] } }),
    route('orders-host', { paths: ['/orders'], hosts: ['orders.example.com'] }),
    route('far', { paths: ['/zzz'], methods: ['PUT'] }),
    route('regex', { paths: ['~/orders/\\d+$'] })
  ], { path: '/orders/abc', host: 'api.example.com', headers: { 'x-version': '1' } })
  assert.equal(e.route, null)
  assert.equal(e.upstream_path, null)
  assert.equal(e.message, 'no Route matched with those values')
  assert.deepEqual(e.candidates, [])
  const failed = Object.fromEntries(e.near_misses.map((n) => [n.route.name, n.failed]))
  assert.deepEqual(failed, {
    'post-orders': 'methods: GET is not one of POST',
    'orders-v2': 'headers: x-version is 1, not one of 2',
    'orders-host': 'hosts: api.example.com is none of orders.example.com',
    regex: 'paths: /orders/abc does not match ~/orders/\\d+$',
    payments: 'paths: /orders/abc does not start with /payments'
  }, 'far fails two criteria: not a near miss')
  const order = e.near_misses.map((n) => n.route.name)
  assert.deepEqual(order.slice(3), ['regex', 'payments'], 'path misses after the others, the longer shared prefix first')
})

test('near misses: a missing header or Host, an HTTPS request\'s server name; at most NEAR_MISS_LIMIT', () => {
  const e = explain([
    route('hdr', { headers: { 'x-team': ['a', 'b'] }, paths: ['/'] }),
    route('host', { hosts: ['*.example.com'], paths: ['/'] }),
    route('sni', { snis: ['api.example.com'], paths: ['/'] })
  ], { path: '/', tls: true, sni: 'other.example.org' })
  const failed = Object.fromEntries(e.near_misses.map((n) => [n.route.name, n.failed]))
  assert.equal(failed.hdr, 'headers: x-team is missing; the route takes a, b')
  assert.equal(failed.host, 'hosts: the request has no Host; the route takes *.example.com')
  assert.equal(failed.sni, 'snis: other.example.org is none of api.example.com')
  const plain = explain([route('sni', { snis: ['api.example.com'], paths: ['/'] })], { path: '/' })
  assert.equal(plain.route?.name, 'sni', 'plain HTTP ignores snis, as the router does')

  const many = Array.from({ length: 25 }, (_, i) => route(`r${i}`, { paths: [`/p${i}`] }))
  assert.equal(explain(many, { path: '/q' }).near_misses.length, NEAR_MISS_LIMIT)
})

test('a malformed request description is a 400 naming the field', () => {
  const bad: Array<[unknown, string]> = [
    [[], ''],
    [{}, 'url'],
    [{ url: '/a', path: '/b' }, 'path'],
    [{ url: 'ftp://x/y' }, 'url'],
    [{ url: 'http://x/%zz' }, 'url'],
    [{ path: 'no-slash' }, 'path'],
    [{ path: '/', method: 'GE T' }, 'method'],
    [{ path: '/', headers: { 'bad name': 'x' } }, 'headers.bad name'],
    [{ path: '/', headers: { 'x-a': 3 } }, 'headers.x-a'],
    [{ path: '/', headers: [] }, 'headers'],
    [{ path: '/', port: 70000 }, 'port'],
    [{ path: '/', tls: 'yes' }, 'tls'],
    [{ path: '/', host: 'a/b' }, 'host'],
    [{ path: '/', colour: 'red' }, 'colour']
  ]
  for (const [body, field] of bad) {
    assert.throws(() => parseExplainRequest(body), (err: unknown) => {
      assert.ok(err instanceof GatewayError)
      assert.equal(err.code, 'ATRIUM_ERR_ADMIN_INVALID')
      assert.equal(err.fields[0].path, field, JSON.stringify(body))
      return true
    })
  }
  const parsed = parseExplainRequest({ url: 'https://API.example.com:8443/a/../b?q=1', headers: { Host: 'ignored', 'X-L': ['1', '2'] }, sni: 'api.example.com' })
  assert.deepEqual(parsed, {
    method: 'GET', host: 'api.example.com:8443', path: '/b', query: '?q=1', headers: { host: 'ignored', 'x-l': ['1', '2'] },
    port: 8443, tls: true, sni: 'api.example.com'
  })
  assert.equal(parseExplainRequest({ path: '/', headers: { host: 'h.example.com' } }).host, 'h.example.com', 'the Host header stands in for host')
})
