// A slow, literal reference matcher with the same Router interface as compileRouter. It checks every
// criterion of every (route, path) candidate on every request, builds Kong's priority tuple and sorts.
// It shares no matching code with src/router (only percent-normalisation of route paths),
// so the conformance table and the differential test compare two independent readings of the rules.

import RE2 from 're2'
import type { IncomingHttpHeaders } from 'node:http'
import type { GatewayConfig, RouteConfig } from '../../src/contract/index.js'
import { normalizePercentEncoding } from '../../src/router/normalize-path.js'
import type { MatchInput, RouteCaptures, RouteMatch, Router } from '../../src/router/types.js'

interface Hit {
  routeIndex: number
  pathIndex: number
  path: string | null
  matchedPrefix: string
  captures: RouteCaptures | null
  tuple: number[]
}

export function createReferenceRouter (config: GatewayConfig): Router {
  const names = new Set(config.routes.flatMap((route) => Object.keys(route.headers)))
  return {
    headerNames: names.size === 0 ? null : names,
    match (input: MatchInput): RouteMatch | null {
      const hits: Hit[] = []
      config.routes.forEach((route, routeIndex) => {
        if (!methodOk(route, input.method) || !hostOk(route, input.host, input.port) || !headersOk(route, input.headers) ||
          !sniOk(route, input)) return
        if (route.paths.length === 0) {
          hits.push({ routeIndex, pathIndex: 0, path: null, matchedPrefix: '', captures: null, tuple: tuple(route, null, routeIndex, 0) })
          return
        }
        route.paths.forEach((path, pathIndex) => {
          const m = matchPath(path, input.path)
          if (m === null) return
          hits.push({ routeIndex, pathIndex, path, ...m, tuple: tuple(route, path, routeIndex, pathIndex) })
        })
      })
      hits.sort((a, b) => compareTuples(a.tuple, b.tuple))
      const best = hits[0]
      if (best === undefined) return null
      const route = config.routes[best.routeIndex]
      return {
        route,
        service: route.service === null ? null : config.services[route.service],
        routeIndex: best.routeIndex,
        matchedPath: best.path,
        matchedPrefix: best.matchedPrefix,
        captures: best.captures
      }
    }
  }
}

/** Smaller tuple wins: each element is arranged so that "better" is smaller. */
function tuple (route: RouteConfig, path: string | null, routeIndex: number, pathIndex: number): number[] {
  const headerCount = Object.keys(route.headers).length
  const kinds = [route.methods.length > 0, route.hosts.length > 0, headerCount > 0, (route.snis ?? []).length > 0, route.paths.length > 0]
    .filter(Boolean).length
  const plainHostOnly = route.hosts.length > 0 && route.hosts.every((h) => !h.includes('*'))
  const isRegex = path !== null && path.startsWith('~')
  const regexPriority = isRegex ? route.regex_priority : 0
  const prefixLength = path !== null && !isRegex ? (normalizePercentEncoding(path) ?? path).length : 0
  const hostPort = route.hosts.some((h) => /:\d+$/.test(h))
  return [-kinds, plainHostOnly ? 0 : 1, -headerCount, isRegex ? 0 : 1, -regexPriority, -prefixLength,
    hostPort ? 0 : 1, routeIndex, pathIndex]
}

function compareTuples (a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}

function methodOk (route: RouteConfig, method: string): boolean {
  return route.methods.length === 0 || route.methods.includes(method)
}

function splitHostPort (host: string): { name: string, port: string | null } {
  if (host.startsWith('[')) {
    const close = host.indexOf(']')
    if (close > 0 && host[close + 1] === ':') return { name: host.slice(0, close + 1), port: host.slice(close + 2) }
    return { name: host, port: null }
  }
  const colon = host.indexOf(':')
  return colon < 0 ? { name: host, port: null } : { name: host.slice(0, colon), port: host.slice(colon + 1) }
}

function hostOk (route: RouteConfig, rawHost: string | undefined, listenerPort: number | undefined): boolean {
  if (route.hosts.length === 0) return true
  if (rawHost === undefined || rawHost === '') return false
  const parsed = splitHostPort(rawHost.toLowerCase())
  // Kong compares a route's port with the Host port, else with the port the request arrived on.
  const req = { name: parsed.name, port: parsed.port ?? (listenerPort === undefined ? null : String(listenerPort)) }
  return route.hosts.some((configured) => {
    const want = splitHostPort(configured)
    if (want.port !== null && want.port !== req.port) return false
    if (want.name.startsWith('*.')) {
      const tail = want.name.slice(1) // `.example.com`
      return req.name.endsWith(tail) && req.name.length > tail.length && !req.name.startsWith('.')
    }
    if (want.name.endsWith('.*')) {
      const head = want.name.slice(0, -1) // `example.`
      return req.name.startsWith(head) && req.name.length > head.length && !req.name.endsWith('.')
    }
    return want.name === req.name
  })
}

/** Kong's `(net.protocol != "https" || tls.sni == a || tls.sni =^ ".b" || tls.sni ^= "c." …)`. */
function sniOk (route: RouteConfig, input: MatchInput): boolean {
  const snis = route.snis ?? []
  if (snis.length === 0 || input.tls !== true) return true
  if (typeof input.sni !== 'string' || input.sni === '') return false
  const sni = input.sni.toLowerCase()
  return snis.some((want) => {
    if (want.startsWith('*')) return sni.endsWith(want.slice(1))
    if (want.endsWith('*')) return sni.startsWith(want.slice(0, -1))
    return sni === want
  })
}

function headersOk (route: RouteConfig, headers: IncomingHttpHeaders): boolean {
  return Object.entries(route.headers).every(([name, wanted]) => {
    const value = headers[name]
    if (value === undefined) return false
    const values = Array.isArray(value) ? value : [value]
    return values.some((v) => valueOk(v, wanted))
  })
}

function valueOk (value: string, wanted: string[]): boolean {
  if (wanted.length === 0) return true
  const lower = value.toLowerCase()
  if (wanted.includes(lower)) return true
  return lower.split(',').map((part) => part.replace(/^[ \t]+|[ \t]+$/g, '')).some((part) => wanted.includes(part))
}

function matchPath (path: string, requestPath: string): { matchedPrefix: string, captures: RouteCaptures | null } | null {
  if (path.startsWith('~')) {
    const m = new RE2('^(?:' + path.slice(1) + ')').exec(requestPath)
    if (m === null) return null
    const named: Record<string, string> = {}
    for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) named[k] = v
    return { matchedPrefix: m[0], captures: { unnamed: Array.from(m, (v) => v ?? ''), named } }
  }
  const prefix = normalizePercentEncoding(path) ?? path
  return requestPath.startsWith(prefix) ? { matchedPrefix: prefix, captures: null } : null
}
