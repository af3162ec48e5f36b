// Kong 3.9.1 spec/02-integration/05-proxy/02-router_spec.lua, "slash handling" (plain and regex):
// every v0 row of spec/fixtures/router_path_handling_tests.lua, expanded the way the spec expands it
// (strip_path {false, true} becomes two cases), flavor traditional_compatible. The spec asserts the
// upstream's `request_uri`; here that is buildUpstreamPath of the match. Row numbers are the fixture's.
// Not ported from this table: the v1 rows (Atrium implements path_handling v0 only).
// Also below: "URI normalization" and plain matching cases from other describes of the spec.
// Not ported from the spec, with the reason: flavor "expressions" and the `traditional` flavor's
// it_trad_only cases (#5438 regressions); #grpc use cases, [snis] for #grpcs connections and
// tls_passthrough (no gRPC or stream routes); router rebuilds / consistency / worker respawn / allow_debug_header (Kong runtime and
// debug headers); "handles not enabled services" (no `enabled` field on services); "URI arguments"
// (query strings, covered end to end in test/integration/proxy); "URI regexes order of evaluation
// with created_at" (Atrium orders by declaration, not created_at); "requests without Host header"
// and "responds 503 if no service found" run end to end in upstream-headers.test.ts.

import { route as r, routingCase as c, service as s } from '../routing-case-kit.js'
import type { RoutingCase } from '../routing-case-kit.js'

type Strip = boolean | readonly boolean[]
type Handling = 'v0' | 'v1' | ReadonlyArray<'v0' | 'v1'>
// service_path, route_path (null: host-only route), strip_path, path_handling, request_path, expected_path
type Row = readonly [string, string | null, Strip, Handling, string, string]

const ROWS: readonly Row[] = [
  ['/', '/', [false, true], ['v0', 'v1'], '/', '/'],
  ['/', '/', [false, true], ['v0', 'v1'], '/route', '/route'],
  ['/', '/', [false, true], ['v0', 'v1'], '/route/', '/route/'],
  ['/', '/', [false, true], ['v0', 'v1'], '/routereq', '/routereq'],
  ['/', '/', [false, true], ['v0', 'v1'], '/route/req', '/route/req'],
  ['/', '/route', false, ['v0', 'v1'], '/route', '/route'],
  ['/', '/route', false, ['v0', 'v1'], '/route/', '/route/'],
  ['/', '/route', false, ['v0', 'v1'], '/routereq', '/routereq'],
  ['/', '/route', true, ['v0', 'v1'], '/route', '/'],
  ['/', '/route', true, ['v0', 'v1'], '/route/', '/'],
  ['/', '/route', true, ['v0', 'v1'], '/routereq', '/req'],
  ['/', '/route/', false, ['v0', 'v1'], '/route/', '/route/'],
  ['/', '/route/', false, ['v0', 'v1'], '/route/req', '/route/req'],
  ['/', '/route/', true, ['v0', 'v1'], '/route/', '/'],
  ['/', '/route/', true, ['v0', 'v1'], '/route/req', '/req'],
  ['/srv', '/rou', false, 'v0', '/roureq', '/srv/roureq'],
  ['/srv', '/rou', false, 'v1', '/roureq', '/srvroureq'],
  ['/srv', '/rou', true, 'v0', '/roureq', '/srv/req'],
  ['/srv', '/rou', true, 'v1', '/roureq', '/srvreq'],
  ['/srv/', '/rou', false, ['v0', 'v1'], '/rou', '/srv/rou'],
  ['/srv/', '/rou', true, 'v0', '/rou', '/srv'],
  ['/srv/', '/rou', true, 'v1', '/rou', '/srv/'],
  ['/service', '/', [false, true], ['v0', 'v1'], '/', '/service'],
  ['/service', '/', [false, true], 'v0', '/route', '/service/route'],
  ['/service', '/', [false, true], 'v1', '/route', '/serviceroute'],
  ['/service', '/', [false, true], 'v0', '/route/', '/service/route/'],
  ['/service', '/', [false, true], 'v1', '/route/', '/serviceroute/'],
  ['/service', '/', [false, true], 'v0', '/routereq', '/service/routereq'],
  ['/service', '/', [false, true], 'v1', '/routereq', '/serviceroutereq'],
  ['/service', '/', [false, true], 'v0', '/route/req', '/service/route/req'],
  ['/service', '/', [false, true], 'v1', '/route/req', '/serviceroute/req'],
  ['/service', '/route', false, 'v0', '/route', '/service/route'],
  ['/service', '/route', false, 'v1', '/route', '/serviceroute'],
  ['/service', '/route', false, 'v0', '/route/', '/service/route/'],
  ['/service', '/route', false, 'v1', '/route/', '/serviceroute/'],
  ['/service', '/route', false, 'v0', '/routereq', '/service/routereq'],
  ['/service', '/route', false, 'v1', '/routereq', '/serviceroutereq'],
  ['/service', '/route', true, ['v0', 'v1'], '/route', '/service'],
  ['/service', '/route', true, ['v0', 'v1'], '/route/', '/service/'],
  ['/service', '/route', true, 'v0', '/routereq', '/service/req'],
  ['/service', '/route', true, 'v1', '/routereq', '/servicereq'],
  ['/service', '/route/', false, 'v0', '/route/', '/service/route/'],
  ['/service', '/route/', false, 'v1', '/route/', '/serviceroute/'],
  ['/service', '/route/', false, 'v0', '/route/req', '/service/route/req'],
  ['/service', '/route/', false, 'v1', '/route/req', '/serviceroute/req'],
  ['/service', '/route/', true, 'v0', '/route/', '/service/'],
  ['/service', '/route/', true, 'v1', '/route/', '/service'],
  ['/service', '/route/', true, 'v0', '/route/req', '/service/req'],
  ['/service', '/route/', true, 'v1', '/route/req', '/servicereq'],
  ['/service/', '/', [false, true], 'v0', '/route/', '/service/route/'],
  ['/service/', '/', [false, true], 'v1', '/route/', '/service/route/'],
  ['/service/', '/', [false, true], ['v0', 'v1'], '/', '/service/'],
  ['/service/', '/', [false, true], ['v0', 'v1'], '/route', '/service/route'],
  ['/service/', '/', [false, true], ['v0', 'v1'], '/routereq', '/service/routereq'],
  ['/service/', '/', [false, true], ['v0', 'v1'], '/route/req', '/service/route/req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route', '/service/route'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route/', '/service/route/'],
  ['/service/', '/route', false, ['v0', 'v1'], '/routereq', '/service/routereq'],
  ['/service/', '/route', true, 'v0', '/route', '/service'],
  ['/service/', '/route', true, 'v1', '/route', '/service/'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route/', '/service/'],
  ['/service/', '/route', true, ['v0', 'v1'], '/routereq', '/service/req'],
  ['/service/', '/route/', false, ['v0', 'v1'], '/route/', '/service/route/'],
  ['/service/', '/route/', false, ['v0', 'v1'], '/route/req', '/service/route/req'],
  ['/service/', '/route/', true, ['v0', 'v1'], '/route/', '/service/'],
  ['/service/', '/route/', true, ['v0', 'v1'], '/route/req', '/service/req'],
  ['/', null, [false, true], ['v0', 'v1'], '/', '/'],
  ['/', null, [false, true], ['v0', 'v1'], '/route', '/route'],
  ['/', null, [false, true], ['v0', 'v1'], '/route/', '/route/'],
  ['/service', null, [false, true], ['v0', 'v1'], '/', '/service'],
  ['/service', null, [false, true], 'v0', '/route', '/service/route'],
  ['/service', null, [false, true], 'v1', '/route', '/serviceroute'],
  ['/service', null, [false, true], 'v0', '/route/', '/service/route/'],
  ['/service', null, [false, true], 'v1', '/route/', '/serviceroute/'],
  ['/service/', null, [false, true], ['v0', 'v1'], '/', '/service/'],
  ['/service/', null, [false, true], ['v0', 'v1'], '/route', '/service/route'],
  ['/service/', null, [false, true], ['v0', 'v1'], '/route/', '/service/route/'],
  ['/service', '/route', true, 'v0', '/route./req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route./req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route./req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route%2E/req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route%2E/req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route%2E/req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route%2e/req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route%2e/req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route%2e/req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route../req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route../req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route../req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route%2E%2E/req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route%2E%2E/req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route%2E%2E/req', '/service/req'],
  ['/service', '/route', true, 'v0', '/route%2e%2E/req', '/service/req'],
  ['/service', '/route', true, 'v1', '/route%2e%2E/req', '/servicereq'],
  ['/service/', '/route', true, ['v0', 'v1'], '/route%2e%2E/req', '/service/req'],
  ['/service', '/route', false, 'v0', '/route./req', '/service/route./req'],
  ['/service', '/route', false, 'v1', '/route./req', '/serviceroute./req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route./req', '/service/route./req'],
  ['/service', '/route', false, 'v0', '/route%2E/req', '/service/route./req'],
  ['/service', '/route', false, 'v1', '/route%2E/req', '/serviceroute./req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route%2E/req', '/service/route./req'],
  ['/service', '/route', false, 'v0', '/route%2e/req', '/service/route./req'],
  ['/service', '/route', false, 'v1', '/route%2e/req', '/serviceroute./req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route%2e/req', '/service/route./req'],
  ['/service', '/route', false, 'v0', '/route../req', '/service/route../req'],
  ['/service', '/route', false, 'v1', '/route../req', '/serviceroute../req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route../req', '/service/route../req'],
  ['/service', '/route', false, 'v0', '/route%2E%2E/req', '/service/route../req'],
  ['/service', '/route', false, 'v1', '/route%2E%2E/req', '/serviceroute../req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route%2E%2E/req', '/service/route../req'],
  ['/service', '/route', false, 'v0', '/route%2e%2E/req', '/service/route../req'],
  ['/service', '/route', false, 'v1', '/route%2e%2E/req', '/serviceroute../req'],
  ['/service/', '/route', false, ['v0', 'v1'], '/route%2e%2E/req', '/service/route../req']
]

const SPEC = 'spec/02-integration/05-proxy/02-router_spec.lua'

/** The spec's make_a_regex: `/route` → `~/[0]?route`. */
function makeARegex (path: string): string {
  return '~/[0]?' + path.slice(1)
}

function list<T> (v: T | readonly T[]): readonly T[] {
  return Array.isArray(v) ? v as readonly T[] : [v as T]
}

function slashHandlingCases (): RoutingCase[] {
  const out: RoutingCase[] = []
  for (const regex of [false, true]) {
    ROWS.forEach(([servicePath, routePath, strips, handlings, requestPath, expected], i) => {
      if (regex && routePath === null) return // the spec skips host-based rows for regexes
      let j = 0
      for (const strip of list(strips)) {
        for (const handling of list(handlings)) {
          j++
          if (handling !== 'v0') continue
          const host = `localbin-${i + 1}-${j}.com`
          const routeDesc = routePath === null ? `host ${host}` : `uri ${regex ? makeARegex(routePath) : routePath}`
          const paths = routePath === null ? [] : [regex ? makeARegex(routePath) : routePath]
          out.push(c(
            `${SPEC} slash handling (${regex ? 'regex' : 'plain'}): it("(${i + 1}-${j}) ${servicePath} with ${routeDesc}, strip = ${strip ? 'on' : 'off'}, v0 when requesting ${requestPath}")`,
            [r('r', { paths, hosts: [host], strip_path: strip })],
            { target: requestPath, host },
            { route: 'r', upstreamPath: expected },
            [s(servicePath)]))
        }
      }
    })
  }
  return out
}

// "URI normalization": routes 1-3 of that describe; the spec also checks Kong's debug headers
// (kong-route-id…, Atrium has none: the route is asserted instead) and X-Forwarded-Path (end to end
// in upstream-headers.test.ts).
const NORMALIZATION = [
  r('1', { strip_path: true, paths: ['/foo/bar'] }),
  r('2', { strip_path: true, paths: ['/hello'] }),
  r('3', { strip_path: false, paths: ['/anything/world'] })
]
const uriNormalization: RoutingCase[] = ([
  ['matches against normalized URI with \"..\"', '/foo/a/../bar', '1', undefined],
  ['matches against normalized URI with \"//\"', '/foo//bar', '1', undefined],
  ['matches against normalized URI with \"/./\"', '/foo/./bar', '1', undefined],
  ['matches against normalized URI with percent-encoded characters', '/h%65llo', '2', undefined],
  ['proxies normalized URI to upstream with strip_path = true', '/h%65llo/anything/a/../b', '2', '/anything/b'],
  ['proxies normalized URI to upstream with strip_path = false', '/anything/./a/../wor%6cd/a/../b', '3', '/anything/world/b'],
  ['re-encode special characters in request uri when proxying to the upstream', '/anything/world/cat%20and%20dog', '3', '/anything/world/cat%20and%20dog']
] as const).map(([title, target, name, upstreamPath]) => c(`${SPEC} URI normalization: it("${title}")`, NORMALIZATION,
  { target }, upstreamPath === undefined ? { route: name } : { route: name, upstreamPath }))

// "use-cases": routes 1-5 of that describe (6, the serviceless route, runs end to end; 7-9 need
// services with `enabled = false`, which Atrium lacks). Kong asserts the route through its debug
// headers and the upstream's status; here the route and the upstream path are asserted.
const USE_CASES = [
  r('1', { methods: ['GET'], strip_path: false }),
  r('2', { methods: ['POST', 'PUT'], paths: ['/post', '/put'], strip_path: false }),
  r('3', { paths: ['/mock_upstream'], strip_path: true, service: 1 }),
  r('4', { paths: ['/private'], strip_path: false, service: 2 }),
  r('5', { paths: ['~/users/\\d+/profile'], strip_path: true, service: 3 })
]
const USE_CASE_SERVICES = [s(null), s('/status', 's3'), s('/basic-auth/', 's4'), s('/anything', 's5')]
const PATHS_METHODS = [
  r('1', { methods: ['GET'], paths: ['/unrelated/longer/uri/that/should/not/match', '/root/fixture'] }),
  r('2', { hosts: ['ahost.test'], methods: ['GET'], paths: ['/root/fixture/get'] }),
  r('3', { hosts: ['anotherhost.test'], methods: ['GET'], paths: ['/root/fixture/get'] }),
  r('4', { hosts: ['onemorehost.test'], methods: ['GET'], paths: ['/root/fixture/get'] })
]
const PATHS_HEADERS = [
  r('1', { headers: { version: ['v1', 'v2'] }, paths: ['/root'] }),
  r('2', { headers: { version: ['v1', 'v2'] }, paths: ['/root/fixture'] }),
  r('3', { headers: { version: ['v1', 'v2'], location: ['us-east'] }, paths: ['/root'] })
]
const useCases: RoutingCase[] = [
  c(`${SPEC} use-cases: it("restricts an route to its methods if specified") #1`, USE_CASES,
    { target: '/post', method: 'POST' }, { route: '2', upstreamPath: '/post' }, USE_CASE_SERVICES),
  c(`${SPEC} use-cases: it("restricts an route to its methods if specified") #2`, USE_CASES,
    { target: '/post', method: 'DELETE' }, { route: null }, USE_CASE_SERVICES),
  c(`${SPEC} use-cases: it("routes by method-only if no other match is found")`, USE_CASES,
    { target: '/get' }, { route: '1', upstreamPath: '/get' }, USE_CASE_SERVICES),
  c(`${SPEC} use-cases: route with a path component in its upstream_url it("with strip_path = true")`, USE_CASES,
    { target: '/mock_upstream/201' }, { route: '3', upstreamPath: '/status/201' }, USE_CASE_SERVICES),
  c(`${SPEC} use-cases: it("route with a path component in its upstream_url and strip_path = false")`, USE_CASES,
    { target: '/private/passwd' }, { route: '4', upstreamPath: '/basic-auth/private/passwd' }, USE_CASE_SERVICES),
  c(`${SPEC} use-cases: it("route with a path component in its upstream_url and [uri] with a regex") #1`, USE_CASES,
    { target: '/users/foo/profile' }, { route: '1' }, USE_CASE_SERVICES),
  c(`${SPEC} use-cases: it("route with a path component in its upstream_url and [uri] with a regex") #2`, USE_CASES,
    { target: '/users/123/profile' }, { route: '5', upstreamPath: '/anything' }, USE_CASE_SERVICES),
  c(`${SPEC} [paths] + [methods]: it("prioritizes host over longer URIs")`, PATHS_METHODS,
    { target: '/root/fixture/get', host: 'anotherhost.test' }, { route: '3' }),
  c(`${SPEC} [paths] + [methods]: it("do not match incomplete URIs")`, PATHS_METHODS,
    { target: '/', host: 'ahost.test' }, { route: null }),
  c(`${SPEC} [paths] + [#headers]: it("prioritizes Routes with more headers")`, PATHS_HEADERS,
    { target: '/root/fixture/get', headers: { version: 'v2', location: 'us-east' } }, { route: '3' }),
  c(`${SPEC} [paths] + [#headers]: it("prioritizes longer paths if same number of headers")`, PATHS_HEADERS,
    { target: '/root/fixture/get', headers: { version: 'v2' } }, { route: '2' })
]

// [#headers] and "URI regexes order of evaluation with regex_priority" (TEST 1 routes; the TEST 2
// routes are for the it_trad_only created_at tie-break). Header names are lower-cased as the loader does.
const BY_HEADER = [r('1', { headers: { version: ['v1', 'v2'] } }), r('2', { headers: { version: ['v3'] } })]
const MORE_HEADERS = [
  r('1', { headers: { version: ['v1', 'v2'] } }),
  r('2', { headers: { version: ['v3'], location: ['us-east'] } }),
  r('3', { headers: { version: ['v3'] } })
]
const REGEX_PRIORITY = [
  r('regex_1', { strip_path: true, paths: ['~/status/(?P<foo>re)'], regex_priority: 0 }),
  r('regex_2', { strip_path: true, paths: ['~/status/(re)'], regex_priority: 4 })
]
const headerCases: RoutingCase[] = [
  c(`${SPEC} [#headers]: it("matches by header") #1`, BY_HEADER, { target: '/', headers: { version: 'v1' } }, { route: '1' }),
  c(`${SPEC} [#headers]: it("matches by header") #2`, BY_HEADER, { target: '/', headers: { version: 'v3' } }, { route: '2' }),
  c(`${SPEC} [#headers]: it("matches headers in a case-insensitive way") #1`, BY_HEADER,
    { target: '/', host: 'domain.test', headers: { version: 'v1' } }, { route: '1' }),
  c(`${SPEC} [#headers]: it("matches headers in a case-insensitive way") #2`, BY_HEADER,
    { target: '/', host: 'domain.test', headers: { version: 'V3' } }, { route: '2' }),
  c(`${SPEC} [#headers]: it("prioritizes Routes with more headers") #1`, MORE_HEADERS,
    { target: '/', host: 'domain.test', headers: { version: 'v3', location: 'us-east' } }, { route: '2' }),
  c(`${SPEC} [#headers]: it("prioritizes Routes with more headers") #2`, MORE_HEADERS,
    { target: '/', host: 'domain.test', headers: { version: 'v3' } }, { route: '3' }),
  c(`${SPEC} URI regexes order of evaluation with regex_priority: it("depends on the regex_priority field")`, REGEX_PRIORITY,
    { target: '/status/re' }, { route: 'regex_2', upstreamPath: '/status/200' }, [s('/status/200')])
]

// [snis] for HTTPs connections: https-only routes told apart by the client's server name alone (the
// spec's helpers.proxy_ssl_client(nil, sni)); the wildcard ones are the non-traditional flavors'.
const SNI_ROUTES = [
  r('www.example.org', { protocols: ['https'], snis: ['www.example.org'], service: 0 }),
  r('example.org', { protocols: ['https'], snis: ['example.org'], service: 1 }),
  r('wild.foo.test', { protocols: ['https'], snis: ['*.foo.test'], service: 2 }),
  r('bar.wild', { protocols: ['https'], snis: ['bar.*'], service: 3 })
]
const SNI_SERVICES = ['service_behind_www.example.org', 'service_behind_example.org', 'service_behind_wild.foo.test', 'service_behind_bar.wild']
  .map((name) => s(null, name))
const sniCase = (it: string, n: number, sni: string, target: string, want: string): RoutingCase =>
  c(`${SPEC} [snis] for HTTPs connections: it("${it}") #${n}`, SNI_ROUTES, { target, tls: true, sni }, { route: want }, SNI_SERVICES)
const sniCases: RoutingCase[] = [
  sniCase("matches a route based on its 'snis' attribute", 1, 'www.example.org', '/status/200', 'www.example.org'),
  sniCase("matches a route based on its 'snis' attribute", 2, 'www.example.org', '/status/201', 'www.example.org'),
  sniCase("matches a route based on its 'snis' attribute", 3, 'example.org', '/status/200', 'example.org'),
  sniCase("matches a route based on its 'snis' attribute", 4, 'example.org', '/status/201', 'example.org'),
  sniCase('matches a route based on its leftmost wildcard sni', 1, 'a.foo.test', '/status/200', 'wild.foo.test'),
  sniCase('matches a route based on its leftmost wildcard sni', 2, 'a.b.foo.test', '/status/200', 'wild.foo.test'),
  sniCase('matches a route based on its rightmost wildcard sni', 1, 'bar.x', '/status/200', 'bar.wild'),
  sniCase('matches a route based on its rightmost wildcard sni', 2, 'bar.y.z', '/status/200', 'bar.wild')
]

export const proxyRouterCases: RoutingCase[] = [...headerCases, ...slashHandlingCases(), ...uriNormalization, ...useCases, ...sniCases]
