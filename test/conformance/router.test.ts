import { prng } from '../support/prng.js'
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { IncomingHttpHeaders } from 'node:http'
import type { GatewayConfig, RouteConfig } from '../../src/contract/index.js'
import { GatewayError } from '../../src/errors.js'
import { compileRouter } from '../../src/router/compile-router.js'
import { normalizePath } from '../../src/router/normalize-path.js'
import { ROUTE_PRIORITY_RULES } from '../../src/router/route-priority.js'
import type { Router } from '../../src/router/types.js'
import { buildUpstreamPath } from '../../src/router/upstream-path.js'
import { explainMatch } from '../../src/router/explain-match.js'
import { createReferenceRouter } from '../support/reference-router.js'
import { route, service } from './routing-case-kit.js'
import { routingCases } from './routing-cases.js'
import type { RoutingCase } from './routing-case-kit.js'
import { proxyRouterCases } from './kong/proxy-router-cases.js'
import { routerUnitCases } from './kong/router-unit-cases.js'

// Atrium's own table, then the cases ported from Kong 3.9.1's router specs (test/conformance/kong/).
const tables: Array<[string, RoutingCase[]]> = [
  ['', routingCases],
  [' (Kong spec/01-unit/08-router_spec.lua)', routerUnitCases],
  [' (Kong spec/02-integration/05-proxy/02-router_spec.lua)', proxyRouterCases]
]

const implementations: Array<[string, (config: GatewayConfig) => Router]> = [
  ['compiled router', compileRouter],
  ['reference router', createReferenceRouter]
]

for (const [implName, build] of implementations) {
  for (const [tableName, cases] of tables) describe(`${implName} conformance${tableName}`, () => {
    for (const kase of cases) {
      test(kase.name, () => {
        const { request, expect } = kase
        const path = normalizePath(request.target)
        assert.equal(path === null, expect.invalidTarget === true, 'target validity')
        if (path === null) return
        const match = build(kase.config).match({
          method: request.method ?? 'GET', host: request.host, path, headers: request.headers ?? {}, port: request.port,
          tls: request.tls, sni: request.sni
        })
        assert.equal(match?.route.name ?? null, expect.route)
        if (match === null) return
        if (expect.matchedPath !== undefined) assert.equal(match.matchedPath, expect.matchedPath)
        if (expect.matchedPrefix !== undefined) assert.equal(match.matchedPrefix, expect.matchedPrefix)
        if (expect.unnamed !== undefined) assert.deepEqual(match.captures?.unnamed, expect.unnamed)
        if (expect.named !== undefined) assert.deepEqual({ ...match.captures?.named }, expect.named)
        assert.equal(match.service, match.route.service === null ? null : kase.config.services[match.route.service])
        if (expect.upstreamPath !== undefined) {
          const upstream = buildUpstreamPath(match.service?.path ?? null, match.route.strip_path, path, match.matchedPrefix)
          assert.equal(upstream, expect.upstreamPath)
        }
      })
    }
  })
}

// An explanation's winner is the router's answer, and its per-criterion checks agree with the
// router on every case: explainMatch throws when a route it calls accepting ranks before the winner,
// or when the winner's own criteria reject the request. The winner's upstream path is the node's.
for (const [tableName, cases] of tables) describe(`route explanations${tableName}`, () => {
  for (const kase of cases) {
    const path = normalizePath(kase.request.target)
    if (path === null) continue
    test(kase.name, () => {
      const { request, expect } = kase
      const input = {
        method: request.method ?? 'GET', host: request.host, path, headers: request.headers ?? {}, port: request.port,
        tls: request.tls, sni: request.sni, query: ''
      }
      const explained = explainMatch(compileRouter(kase.config), kase.config, input)
      assert.equal(explained.route?.name ?? null, expect.route)
      assert.equal(explained.route === null, explained.message === 'no Route matched with those values')
      for (const c of explained.candidates) {
        assert.notEqual(c.route.name, expect.route)
        assert.ok(c.lost_because.length > 0)
      }
      if (expect.route !== null && expect.upstreamPath !== undefined) assert.equal(explained.upstream_path, expect.upstreamPath)
      if (expect.route !== null && expect.matchedPath !== undefined) assert.equal(explained.matched_path, expect.matchedPath)
    })
  }
})

describe('compiled router', () => {
  test('the conformance table has at least 50 cases', () => {
    assert.ok(routingCases.length >= 50, `${routingCases.length} cases`)
  })

  test('documents the eight priority rules in order', () => {
    assert.equal(ROUTE_PRIORITY_RULES.length, 8)
    assert.match(ROUTE_PRIORITY_RULES[0], /kinds of criteria/)
    assert.match(ROUTE_PRIORITY_RULES[6], /port/)
    assert.match(ROUTE_PRIORITY_RULES[7], /route index/)
  })

  test('rejects a regex path RE2 cannot compile with ATRIUM_ERR_CONFIG_INVALID and the field path', () => {
    const config = { services: [service(null)], routes: [route('ok', { paths: ['/a'] }), route('bad', { paths: ['/b', '~/(?=x)'] })] }
    assert.throws(() => compileRouter(config), (err: unknown) => {
      assert.ok(err instanceof GatewayError)
      assert.equal(err.code, 'ATRIUM_ERR_CONFIG_INVALID')
      assert.equal(err.fields[0].path, 'routes[1].paths[1]')
      return true
    })
  })

  test('rejects a wildcard in the middle of a host', () => {
    const config = { services: [service(null)], routes: [route('bad', { hosts: ['a.*.com'] })] }
    assert.throws(() => compileRouter(config), { code: 'ATRIUM_ERR_CONFIG_INVALID' })
  })

  test('rejects a wildcard in the middle of an SNI with the field path', () => {
    const config = { services: [service(null)], routes: [route('bad', { snis: ['a.example', 'a.*.example'] })] }
    assert.throws(() => compileRouter(config), (err: unknown) => {
      assert.ok(err instanceof GatewayError)
      assert.equal(err.code, 'ATRIUM_ERR_CONFIG_INVALID')
      assert.equal(err.fields[0].path, 'routes[0].snis[1]')
      return true
    })
  })

  test('returns null for an empty configuration', () => {
    const router = compileRouter({ services: [], routes: [] })
    assert.equal(router.match({ method: 'GET', host: 'x', path: '/', headers: {} }), null)
  })

  test('uses RE2 sets for large regex groups and still returns the best candidate', () => {
    const routes: RouteConfig[] = []
    for (let i = 0; i < 600; i++) routes.push(route(`r${i}`, { paths: [`~/api/v${i % 300}/(?<id>\\d+)`], regex_priority: i % 7 }))
    const config = { services: [service(null)], routes }
    const compiled = compileRouter(config)
    const reference = createReferenceRouter(config)
    for (const path of ['/api/v1/12', '/api/v299/3/x', '/api/v300/1', '/api/v12']) {
      const input = { method: 'GET', host: undefined, path, headers: {} }
      const a = compiled.match(input)
      const b = reference.match(input)
      assert.equal(a?.routeIndex, b?.routeIndex, path)
      assert.deepEqual(a?.captures, b?.captures, path)
    }
  })
})

// ---- randomized differential test: compiled router vs reference router ----


const V = {
  paths: ['/', '/a', '/ab', '/a/b', '/a/b/c', '/b', '/a%2Fb', '/%61b', '~/a', '~/a/\\d+', '~/a/(?<x>[a-z]+)$', '~/(a|b)/c',
    '~/b', '~/a/b?', '~/a$', '~/a|/b', '~/a/(?P<n>\\d)(\\d)?'],
  hosts: ['x.com', 'a.x.com', '*.x.com', 'x.*', 'x.com:8080', '*.x.com:8080', 'x.*:8080', 'y.org'],
  methods: ['GET', 'POST', 'PUT'],
  headerNames: ['x-a', 'x-b'],
  headerValues: ['v1', 'v2', 'a, b'],
  reqPaths: ['/', '/a', '/ab', '/a/b', '/a/b/c', '/a/1', '/a/12/x', '/a/zz', '/b/c', '/c', '/a%2Fb', '/abc', '/a/b/'],
  reqHosts: [undefined, 'x.com', 'X.com:8080', 'a.x.com', 'b.a.x.com:8080', 'x.org', 'x.co.uk:8080', 'y.org', 'x', '[::1]:8080'],
  reqHeaderValues: [undefined, 'v1', 'V2, v1', ['q', 'v2'], 'A, B', 'v3'],
  snis: ['x.com', 'a.x.com', '*.x.com', 'x.*', '*'],
  reqSnis: [undefined, false as const, 'x.com', 'A.x.com', 'b.a.x.com', 'x.org', 'y.org']
}

function pick<T> (rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]
}

function some<T> (rnd: () => number, list: readonly T[], max: number): T[] {
  const n = Math.floor(rnd() * (max + 1))
  return Array.from({ length: n }, () => pick(rnd, list))
}

function randomConfig (rnd: () => number): GatewayConfig {
  const count = rnd() < 0.1 ? 40 + Math.floor(rnd() * 40) : 1 + Math.floor(rnd() * 12)
  const routes = Array.from({ length: count }, (_, i) => {
    const headers: Record<string, string[]> = {}
    for (const name of some(rnd, V.headerNames, 2)) headers[name] = [...new Set(some(rnd, V.headerValues, 2))]
    return route(`r${i}`, {
      paths: [...new Set(some(rnd, V.paths, 3))],
      hosts: [...new Set(some(rnd, V.hosts, 2))],
      methods: [...new Set(some(rnd, V.methods, 2))],
      headers: rnd() < 0.3 ? headers : {},
      ...(rnd() < 0.25 ? { snis: [...new Set(some(rnd, V.snis, 2))] } : {}),
      regex_priority: Math.floor(rnd() * 4) - 1
    })
  })
  return { services: [service(null)], routes }
}

function randomHeaders (rnd: () => number): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {}
  for (const name of V.headerNames) {
    const value = pick(rnd, V.reqHeaderValues)
    if (value !== undefined) headers[name] = value
  }
  return headers
}

describe('compiled router vs reference router', () => {
  test('agree on route, matched path, prefix and captures for thousands of random configs and requests', () => {
    const rnd = prng(0xA7121)
    let compared = 0
    let matched = 0
    for (let n = 0; n < 1500; n++) {
      const config = randomConfig(rnd)
      const compiled = compileRouter(config)
      const reference = createReferenceRouter(config)
      for (let q = 0; q < 8; q++) {
        const input = {
          method: pick(rnd, V.methods), host: pick(rnd, V.reqHosts), path: pick(rnd, V.reqPaths), headers: randomHeaders(rnd),
          port: pick(rnd, [undefined, 8080, 9090]), tls: rnd() < 0.6, sni: pick(rnd, V.reqSnis)
        }
        const a = compiled.match(input)
        const b = reference.match(input)
        const where = `config #${n} request ${JSON.stringify(input)}\n${JSON.stringify(config.routes)}`
        assert.equal(a?.routeIndex, b?.routeIndex, where)
        assert.equal(a?.matchedPath, b?.matchedPath, where)
        assert.equal(a?.matchedPrefix, b?.matchedPrefix, where)
        assert.deepEqual(a?.captures ?? null, b?.captures ?? null, where)
        compared++
        if (a !== null) matched++
      }
    }
    assert.ok(matched > compared / 5, `only ${matched} of ${compared} requests matched: vocabulary too sparse`)
  })
})
