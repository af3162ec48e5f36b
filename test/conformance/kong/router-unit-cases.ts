// Kong 3.9.1 spec/01-unit/08-router_spec.lua, flavor traditional_compatible, HTTP routes: the
// select() cases, as routing cases run against both routers. Each case is named with the spec's
// describe/it text; one it() with several select() calls becomes several cases (#1, #2, …).
//
// Not ported, with the reason:
// - split_port(), new() [errors], incremental rebuild, check empty route fields, raw string, check
//   regex with '\', generate http expression, #benchmarks: Lua-only APIs or the expressions compiler.
// - it_trad_only(...) cases ("[host] weird port matches no-port route", "does not supersede another
//   route with a longer [uri prefix]", [IPv6 literal host] under `flavor == "traditional"`): pending
//   for traditional_compatible in Kong itself.
// - #grpc, stream routes, sources/destinations (with "[snis]" under #stream context, whose HTTP
//   case, #6425, is it_trad_only): Atrium has no gRPC or stream routes.
// - "single [headers] value" with a `~*` regex header value (use case 15): Atrium has no regex
//   header values.
// - [serviceless] (use case 8): Atrium's router always returns a service (the route without one is
//   listed under Differences from Kong).
// - normalization stopgap measurements: select() there is called with a raw, non-normalised URI
//   (Kong normalises in exec(), which these cases bypass); Atrium always routes the normalised path.
//   The proxy spec's "URI normalization" cases cover the real behaviour.
// - "multiple routes of same category with conflicting values" is ported; "caching do not ignore
//   headers" (proxy spec) and the LRU cache cases: Atrium has no match cache.

import type { IncomingHttpHeaders } from 'node:http'
import { route as r, routingCase as c } from '../routing-case-kit.js'
import type { RoutingCase } from '../routing-case-kit.js'
import type { RouteConfig } from '../../../src/contract/index.js'

const SPEC = 'spec/01-unit/08-router_spec.lua'

/** The select() use_case table (routes 1-14 by their Kong number; 8 and 15 left out, see above). */
const SELECT_USE_CASE: RouteConfig[] = [
  r('1', { hosts: ['domain-1.org', 'domain-2.org'] }),
  r('2', { methods: ['TRACE'] }),
  r('3', { paths: ['/my-route'] }),
  r('4', { paths: ['/route-4'], hosts: ['domain-1.org', 'domain-2.org'] }),
  r('5', { hosts: ['domain-1.org', 'domain-2.org'], methods: ['POST', 'PUT', 'PATCH'] }),
  r('6', { methods: ['POST', 'PUT', 'PATCH'], paths: ['/route-6'] }),
  r('7', { hosts: ['domain-with-uri-1.org', 'domain-with-uri-2.org'], methods: ['POST', 'PUT', 'PATCH'], paths: ['/my-route-uri'] }),
  r('9', { headers: { location: ['my-location-1', 'my-location-2'] } }),
  r('10', { headers: { location: ['my-location-1'], version: ['v1', 'v2'] } }),
  r('11', { headers: { location: ['my-location-1', 'my-location-2'] }, paths: ['/headers-uri'] }),
  r('12', {
    hosts: ['domain-with-headers-1.org', 'domain-with-headers-2.org'],
    headers: { location: ['my-location-1', 'my-location-2'] },
    methods: ['POST', 'PUT', 'PATCH'],
    paths: ['/headers-host-uri-method']
  }),
  r('13', { hosts: ['domain-1.org:321', 'domain-2.org'] }),
  r('14', { hosts: ['domain-3.org:321'] })
]

interface Select {
  method?: string
  path: string
  host?: string
  /** Repeated header lines as arrays, the way Node's parser hands over repeated headers. */
  headers?: Record<string, string | string[]>
  /** Set when Atrium deliberately differs from Kong here: what Kong returns, and why. */
  kong?: string
  /** The port the request arrived on (Kong's net.dst.port when the Host header has none). */
  port?: number
  /** The TLS server name: the spec's select() with scheme "https" and this sni. */
  sni?: string
  /** Expected route name (its Kong use-case number), or null. */
  route: string | null
}

/** One case per select() call of the it() named `title`. */
function cases (title: string, routes: RouteConfig[], selects: Select[]): RoutingCase[] {
  return selects.map((s, i) => c(
    `${SPEC} ${title}${selects.length > 1 ? ` #${i + 1}` : ''}: ${s.method ?? 'GET'} ${s.host ?? '-'} ${s.path} → ${s.route ?? 'no route'}` +
      (s.kong === undefined ? '' : ` (deliberate difference: Kong ${s.kong})`),
    routes,
    { target: s.path, method: s.method ?? 'GET', host: s.host, headers: s.headers as IncomingHttpHeaders | undefined, port: s.port,
      ...(s.sni === undefined ? {} : { tls: true, sni: s.sni }) },
    { route: s.route }))
}

const U = SELECT_USE_CASE
const select: RoutingCase[] = [
  ...cases('select() it("[host]")', U, [{ path: '/', host: 'domain-1.org', route: '1' }]),
  ...cases('select() it("[host] ignores default port")', U, [{ path: '/', host: 'domain-1.org:80', route: '1' }]),
  ...cases('select() it("[host] matches specific port")', U, [{ path: '/', host: 'domain-1.org:321', route: '13' }]),
  ...cases('select() it("[host] matches specific port on port-only route")', U, [{ path: '/', host: 'domain-3.org:321', route: '14' }]),
  ...cases('select() it("[host] fails just because of port on port-only route")', U, [{ path: '/', host: 'domain-3.org:123', route: null }]),
  ...cases('select() it("[uri]")', U, [{ path: '/my-route', host: 'domain.org', route: '3' }]),
  ...cases('select() it("[uri + empty host]")', U, [{ path: '/my-route-uri', host: '', route: '3' }]),
  ...cases('select() it("[method]")', U, [{ method: 'TRACE', path: '/', host: 'domain.org', route: '2' }]),
  ...cases('select() it("[host + uri]")', U, [{ path: '/route-4', host: 'domain-1.org', route: '4' }]),
  ...cases('select() it("[host + method]")', U, [{ method: 'POST', path: '/', host: 'domain-1.org', route: '5' }]),
  ...cases('select() it("[uri + method]")', U, [{ method: 'PUT', path: '/route-6', host: 'domain.org', route: '6' }]),
  ...cases('select() it("[host + uri + method]")', U, [{ method: 'PUT', path: '/my-route-uri', host: 'domain-with-uri-2.org', route: '7' }]),
  ...cases('select() it("single [headers] value")', U, [
    { path: '/', headers: { location: 'my-location-1' }, route: '9' },
    { path: '/', headers: { location: 'my-location-2' }, route: '9' },
    { path: '/', headers: { location: ['my-location-3', 'my-location-2'] }, route: '9' },
    { path: '/', headers: { location: 'my-location-3' }, route: null },
    { path: '/', headers: { location: ['my-location-3', 'foo'] }, route: null }
  ]),
  ...cases('select() it("multiple [headers] values")', U, [
    { path: '/', headers: { location: 'my-location-1', version: 'v1' }, route: '10' },
    { path: '/', headers: { location: 'my-location-1', version: 'v2' }, route: '10' },
    { path: '/', headers: { location: ['my-location-3', 'my-location-1'], version: 'v2' }, route: '10' },
    { path: '/', headers: { location: ['my-location-3', 'my-location-2'], version: 'v2' }, route: '9' }
  ]),
  ...cases('select() it("[headers + uri]")', U, [{ path: '/headers-uri', headers: { location: 'my-location-2' }, route: '11' }]),
  ...cases('select() it("[host + headers + uri + method]")', U, [
    { method: 'PUT', path: '/headers-host-uri-method', host: 'domain-with-headers-1.org', headers: { location: 'my-location-2' }, route: '12' }
  ]),
  ...cases('select() [uri prefix] it("matches when given [uri] is in request URI prefix")', U, [
    { path: '/my-route/some/path', host: 'domain.org', route: '3' }
  ]),
  ...cases('select() misses it("invalid [host]")', U, [{ path: '/', host: 'domain-3.org', route: null }]),
  ...cases('select() misses it("invalid host in [host + uri]")', U, [{ path: '/route-4', host: 'domain-3.org', route: null }]),
  ...cases('select() misses it("invalid method in [host + uri + method]")', U, [{ path: '/some-uri', host: 'domain-with-uri-2.org', route: null }]),
  ...cases('select() misses it("invalid uri in [host + uri + method]")', U, [{ method: 'PUT', path: '/some-uri-foo', host: 'domain-with-uri-2.org', route: null }]),
  ...cases('select() misses it("does not match when given [uri] is in URI but not in prefix")', U, [
    { path: '/some-other-prefix/my-route', host: 'domain.org', route: null }
  ]),
  ...cases('select() misses it("invalid [headers]")', U, [{ path: '/', headers: { location: 'invalid-location' }, route: null }]),
  ...cases('select() misses it("invalid headers in [headers + uri]")', U, [{ path: '/headers-uri', headers: { location: 'invalid-location' }, route: null }]),
  ...cases('select() misses it("invalid headers in [headers + uri + method]")', U, [
    { method: 'PUT', path: '/headers-uri-method', headers: { location: 'invalid-location' }, route: null }
  ]),
  ...cases('select() misses it("invalid headers in [headers + host + uri + method]")', U, [
    { method: 'PUT', path: '/headers-host-uri-method', headers: { location: 'invalid-location' }, route: null }
  ])
]

const uriPrefix: RoutingCase[] = [
  ...cases('[uri prefix] it("does not supersede another route with a longer [uri]")',
    [r('1', { paths: ['/my-route/hello'] }), r('2', { paths: ['/my-route'] })], [
      { path: '/my-route/hello', route: '1' }, { path: '/my-route/hello/world', route: '1' },
      { path: '/my-route', route: '2' }, { path: '/my-route/world', route: '2' }
    ]),
  ...cases('[uri prefix] it("does not supersede another route with a longer [uri] while [methods] are also defined")',
    [r('1', { methods: ['POST', 'PUT', 'GET'], paths: ['/my-route'] }), r('2', { methods: ['POST', 'PUT', 'GET'], paths: ['/my-route/hello'] })], [
      { path: '/my-route/hello', route: '2' }, { path: '/my-route/hello/world', route: '2' },
      { path: '/my-route', route: '1' }, { path: '/my-route/world', route: '1' }
    ]),
  ...cases('[uri prefix] it("does not superseds another route with a longer [uri] while [hosts] are also defined")',
    [r('1', { hosts: ['domain.org'], paths: ['/my-route'] }), r('2', { hosts: ['domain.org'], paths: ['/my-route/hello'] })], [
      { path: '/my-route/hello', host: 'domain.org', route: '2' }, { path: '/my-route/hello/world', host: 'domain.org', route: '2' },
      { path: '/my-route', host: 'domain.org', route: '1' }, { path: '/my-route/world', host: 'domain.org', route: '1' }
    ]),
  ...cases('[uri prefix] it("does not supersede another route with a longer [uri] when a better [uri] match exists for another [host]")',
    [r('1', { hosts: ['example.com'], paths: ['/my-route'] }), r('2', { hosts: ['example.com'], paths: ['/my-route/hello'] }),
      r('3', { hosts: ['example.net'], paths: ['/my-route/hello/world'] })], [
      { path: '/my-route/hello/world', host: 'example.com', route: '2' },
      { path: '/my-route/hello/world/and/goodnight', host: 'example.com', route: '2' }
    ]),
  ...cases('[uri prefix] it("only matches [uri prefix] as a prefix (anchored mode)")',
    [r('1', { paths: ['/something/my-route'] }), r('2', { hosts: ['example.com'], paths: ['/my-route'] })], [
      { path: '/something/my-route', host: 'example.com', route: '1' }
    ])
]

const uriRegex: RoutingCase[] = [
  ...cases('[uri regex] it("matches with [uri regex]")', [r('1', { paths: ['~/users/\\d+/profile'] })], [
    { path: '/users/123/profile', host: 'domain.org', route: '1' }
  ]),
  ...cases('[uri regex] it("matches the right route when several ones have a [uri regex]")',
    [r('1', { paths: ['~/route/persons/\\d{3}'] }), r('2', { paths: ['~/route/persons/\\d{3}/following'] }),
      r('3', { paths: ['~/route/persons/\\d{3}/[a-z]+'] })], [{ path: '/route/persons/456', host: 'domain.org', route: '1' }]),
  ...cases('[uri regex] it("matches a [uri regex] even if a [prefix uri] got a match")',
    [r('1', { paths: ['/route/persons'] }), r('2', { paths: ['~/route/persons/\\d+/profile'] })], [
      { path: '/route/persons/123/profile', host: 'domain.org', route: '2' }
    ]),
  ...cases('[uri regex] it("matches a [uri regex] even if a [uri] got an exact match")',
    [r('1', { paths: ['/route/fixture'] }), r('2', { paths: ['~/route/(fixture)'] })], [
      { path: '/route/fixture', host: 'domain.org', route: '2' }
    ]),
  ...cases('[uri regex] it("matches a [uri regex + host] even if a [prefix uri] got a match")',
    [r('1', { hosts: ['route.com'], paths: ['/pat'] }), r('2', { hosts: ['route.com'], paths: ['/path'], methods: ['POST'] }),
      r('3', { hosts: ['route.com'], paths: ['~/(path)'] })], [{ path: '/path', host: 'route.com', route: '3' }]),
  ...cases('[uri regex] it("matches from the beginning of the request URI [uri regex]")',
    [r('1', { paths: ['~/prefix/[0-9]+'] })], [
      { path: '/prefix/123', host: 'domain.org', route: '1' }, { path: '/extra/prefix/123', host: 'domain.org', route: null }
    ])
]

const WILD = [r('1', { hosts: ['*.route.com'] }), r('2', { hosts: ['route.*'] })]
const wildcard: RoutingCase[] = [
  ...cases('[wildcard host] it("matches leftmost wildcards")', WILD, [{ path: '/', host: 'foo.route.com', route: '1' }]),
  ...cases('[wildcard host] it("matches rightmost wildcards")', WILD, [{ path: '/', host: 'route.org', route: '2' }]),
  ...cases('[wildcard host] it("matches any port in request")', WILD, [
    { path: '/', host: 'route.org:123', route: '2' }, { path: '/', host: 'foo.route.com:123', route: '1' }
  ]),
  ...cases('[wildcard host] it("matches port-specific routes")',
    [...WILD, r('3', { hosts: ['*.route.net:123'] }), r('4', { hosts: ['route.*:123'] })], [
      { path: '/', host: 'foo.route.net:123', route: '3' }, { path: '/', host: 'foo.route.net:456', route: null },
      { path: '/', host: 'route.org:123', route: '4' }
    ]),
  ...cases('[wildcard host] it("prefers port-specific even for http default port")',
    [...WILD, r('3', { hosts: ['route.*:80'] })], [
      { path: '/', host: 'route.org:123', port: 80, route: '2' }, { path: '/', host: 'route.org:80', port: 80, route: '3' },
      { path: '/', host: 'route.org', port: 80, route: '3' }
    ]),
  ...cases('[wildcard host] it("prefers port-specific even for https default port")',
    [...WILD, r('3', { hosts: ['route.*:443'] })], [
      { path: '/', host: 'route.org:123', port: 443, route: '2' }, { path: '/', host: 'route.org:443', port: 443, route: '3' },
      { path: '/', host: 'route.org', port: 443, route: '3' }
    ]),
  ...cases('[wildcard host] it("does not take precedence over a plain host")',
    [r('1', { hosts: ['plain.route.com'] }), ...WILD.map((x, i) => ({ ...x, name: String(i + 2) })), r('4', { hosts: ['route.com'] })], [
      { path: '/', host: 'route.com', route: '4' }, { path: '/', host: 'route.org', route: '3' },
      { path: '/', host: 'plain.route.com', route: '1' }, { path: '/', host: 'foo.route.com', route: '2' }
    ]),
  ...cases('[wildcard host] it("matches [wildcard host + path] even if a similar [plain host] exists")',
    [r('1', { hosts: ['*.route.com'], paths: ['/path1'] }), r('2', { hosts: ['plain.route.com'], paths: ['/path2'] })], [
      { path: '/path1', host: 'plain.route.com', route: '1' }
    ]),
  ...cases('[wildcard host] it("matches [plain host + path] even if a matching [wildcard host] exists")',
    [r('1', { hosts: ['*.route.com'], paths: ['/path1'] }), r('2', { hosts: ['plain.route.com'], paths: ['/path2'] })], [
      { path: '/path2', host: 'plain.route.com', route: '2' }
    ]),
  ...cases('[wildcard host] it("submatch_weight [wildcard host port] > [wildcard host] ")',
    [r('1', { hosts: ['route.*'] }), r('2', { hosts: ['route.*:80', 'route.com.*'] })], [
      { path: '/', host: 'route.org:80', route: '2' }
    ]),
  ...cases('[wildcard host] it("matches a [wildcard host + port] even if a [wildcard host] matched")',
    [r('1', { hosts: ['route.*'] }), r('2', { hosts: ['route.*:123'] }), r('3', { hosts: ['route.*:80'] })], [
      { path: '/', host: 'route.org:123', port: 80, route: '2' }, { path: '/', host: 'route.org', port: 80, route: '3' }
    ]),
  ...cases('[wildcard host] it("matches [wildcard/plain + uri + method]")',
    [...WILD, r('3', { hosts: ['*.domain.com', 'example.com'], paths: ['/path'], methods: ['GET', 'TRACE'] })], [
      { method: 'POST', path: '/path', host: 'foo.domain.com', route: null },
      { path: '/path', host: 'foo.domain.com', route: '3' },
      { method: 'TRACE', path: '/path', host: 'example.com', route: '3' }
    ]),
  ...cases('[wildcard host] + [uri regex] it("matches")',
    [r('1', { hosts: ['*.example.com'], paths: ['~/users/\\d+/profile'] }), r('2', { hosts: ['*.example.com'], paths: ['/users'] })], [
      { path: '/users/123/profile', host: 'test.example.com', route: '1' }, { path: '/users', host: 'test.example.com', route: '2' }
    ])
]

// Header names and values are lower-cased by the declarative loader (Kong lower-cases both too).
const headers: RoutingCase[] = [
  ...cases('[headers] it("evaluates Routes with more [headers] first")',
    [r('1', { headers: { version: ['v1', 'v2'], 'user-agent': ['foo', 'bar'] } }),
      r('2', { headers: { version: ['v1', 'v2'], 'user-agent': ['foo', 'bar'], location: ['east', 'west'] } })], [
      { path: '/', headers: { version: 'v1', 'user-agent': 'foo', location: ['north', 'west'] }, route: '2' }
    ]),
  ...cases('[headers] it("names are case-insensitive")',
    [r('1', { headers: { 'user-agent': ['foo', 'bar'] } }), r('2', { headers: { 'user-agent': ['baz'] } })], [
      { path: '/', headers: { 'user-agent': 'foo' }, route: '1' }, { path: '/', headers: { 'user-agent': 'baz' }, route: '2' }
    ]),
  ...cases('[headers] it("matches values in a case-insensitive way")',
    [r('1', { headers: { 'user-agent': ['foo', 'bar'] } }), r('2', { headers: { 'user-agent': ['baz'] } })], [
      { path: '/', headers: { 'user-agent': 'FOO' }, route: '1' }, { path: '/', headers: { 'user-agent': 'baz' }, route: '2' }
    ])
]

const EDGE = [
  r('1', { hosts: ['domain-1.org', 'domain-2.org'] }), r('2', { methods: ['TRACE'] }), r('3', { paths: ['/my-route'] }),
  r('4', { paths: ['/route-4'], hosts: ['domain-1.org', 'domain-2.org'] }),
  r('5', { hosts: ['domain-1.org', 'domain-2.org'], methods: ['POST', 'PUT', 'PATCH'] }),
  r('6', { methods: ['POST', 'PUT', 'PATCH'], paths: ['/route-6'] }),
  r('7', { hosts: ['domain-with-uri-1.org', 'domain-with-uri-2.org'], methods: ['POST', 'PUT', 'PATCH'], paths: ['/my-route-uri'] })
]
const ROOT = [r('root', { paths: ['/'] }), ...SELECT_USE_CASE]
const edge: RoutingCase[] = [
  ...cases('edge-cases it("[host] and [uri] have higher priority than [method]")', EDGE, [
    { method: 'TRACE', path: '/', host: 'domain-2.org', route: '1' }, { method: 'TRACE', path: '/my-route', host: 'domain.org', route: '3' }
  ]),
  ...cases('edge-cases it("half [uri] and [host] match does not supersede another route")',
    [r('1', { hosts: ['host1.com'], paths: ['/v1/path'] }), r('2', { hosts: ['host2.com'], paths: ['/'] })], [
      { path: '/v1/path', host: 'host1.com', route: '1' }, { path: '/v1/path', host: 'host2.com', route: '2' }
    ]),
  ...cases('edge-cases it("half [wildcard host] and [method] match does not supersede another route")',
    [r('1', { hosts: ['host.*'], methods: ['GET'] }), r('2', { hosts: ['host.*'], methods: ['POST'] })], [
      { path: '/', host: 'host.com', route: '1' }, { method: 'POST', path: '/', host: 'host.com', route: '2' }
    ]),
  ...cases('edge-cases it("half [uri regex] and [method] match does not supersede another route")',
    [r('1', { methods: ['GET'], paths: ['~/users/\\d+/profile'] }), r('2', { methods: ['POST'], paths: ['~/users/\\d*/profile'] })], [
      { path: '/users/123/profile', host: 'domain.org', route: '1' }, { method: 'POST', path: '/users/123/profile', host: 'domain.org', route: '2' }
    ]),
  ...cases('edge-cases it("[method] does not supersede [uri prefix]")',
    [r('1', { methods: ['GET'] }), r('2', { paths: ['/example'] })], [
      { path: '/example', host: 'domain.org', route: '2' }, { path: '/example/status/200', host: 'domain.org', route: '2' }
    ]),
  ...cases('edge-cases it("[method] does not supersede [wildcard host]")',
    [r('1', { methods: ['GET'] }), r('2', { hosts: ['domain.*'] })], [
      { path: '/', host: 'nothing.com', route: '1' },
      // Equal priority words: Kong's atc-router tries the larger route id first (…8102 here), Atrium
      // the route declared first (route-priority.ts rule 8).
      { path: '/', host: 'domain.com', route: '1', kong: 'returns 2: ties go to the larger route id, Atrium\'s to declaration order' }
    ]),
  ...cases('edge-cases root / [uri] it("request with [method]")', ROOT, [{ path: '/', host: 'domain.org', route: 'root' }]),
  ...cases('edge-cases root / [uri] it("does not supersede another route")', ROOT, [
    { path: '/my-route', host: 'domain.org', route: '3' }, { path: '/my-route/hello/world', host: 'domain.org', route: '3' }
  ]),
  ...cases('edge-cases root / [uri] it("acts as a catch-all route")', ROOT, [{ path: '/foobar/baz', host: 'domain.org', route: 'root' }]),
  ...cases('edge-cases multiple routes of same category with conflicting values it("matches correct route")',
    [...SELECT_USE_CASE, ...[1, 2, 3, 4, 5].map((i) => r(`same-${i}`, { hosts: ['domain.org'], paths: ['/my-uri'] })),
      r('target', { hosts: ['domain.org'], paths: ['/my-target-uri'] })], [{ path: '/my-target-uri', host: 'domain.org', route: 'target' }]),
  ...cases('edge-cases it("more [headers] has priority over longer [paths]")',
    [r('1', { headers: { version: ['v1'] }, paths: ['/my-route/hello'] }),
      r('2', { headers: { version: ['v1'], location: ['us-east'] }, paths: ['/my-route'] })], [
      { path: '/my-route/hello', host: 'domain.org', headers: { version: 'v1', location: 'us-east' }, route: '2' },
      { path: '/my-route/hello/world', host: 'domain.org', headers: { version: 'v1', location: 'us-east' }, route: '2' }
    ])
]

// [wildcard sni]: HTTP routes with only snis, selected with scheme "https" (flavors other than traditional).
const WILD_SNI = [r('1', { snis: ['*.sni.test'] }), r('2', { snis: ['sni.*'] })]
const wildcardSni: RoutingCase[] = [
  ...cases('[wildcard sni] it("matches leftmost wildcards")', WILD_SNI, ['foo.sni.test', 'foo.bar.sni.test'].map((sni) => ({ path: '/', host: 'any.test', sni, route: '1' }))),
  ...cases('[wildcard sni] it("matches rightmost wildcards")', WILD_SNI, ['sni.foo', 'sni.foo.bar'].map((sni) => ({ path: '/', host: 'any.test', sni, route: '2' }))),
  ...cases('[wildcard sni] it("doesn\'t match wildcard")', WILD_SNI, ['bar.sni.foo', 'foo.sni.test.bar'].map((sni) => ({ path: '/', host: 'any.test', sni, route: null })))
]

export const routerUnitCases: RoutingCase[] = [...select, ...uriPrefix, ...uriRegex, ...wildcard, ...wildcardSni, ...headers, ...edge]
