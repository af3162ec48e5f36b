// Why a request goes where it goes. The winner is the compiled router's own answer (`match`), so an
// explanation can never name another route than the node would take. Every route is then checked
// criterion by criterion on the same compiled candidates (the very prefixes, regexes, header rules
// and SNI rules `match` uses): the routes that also accept the request say which priority rule they
// lost on (loss-reason.ts), and the routes that fail on exactly one criterion are near misses, with
// that criterion. Slow by design (every candidate, strings built): never on the request path.

import type { IncomingHttpHeaders } from 'node:http'
import type RE2 from 're2'
import type { GatewayConfig, RouteConfig, ServiceConfig } from '../contract/index.js'
import { PATH_NONE, PATH_PREFIX, headerRuleAccepts, type Candidate } from './candidate.js'
import type { CompiledRouter } from './compiled-router.js'
import { HOST_EXACT, HOST_SUFFIX, classifyHost } from './host-index.js'
import { lossReason, priorityOf, type PriorityTuple } from './loss-reason.js'
import { sniRuleAccepts } from './sni-rule.js'
import type { MatchInput } from './types.js'
import { buildUpstreamPath } from './upstream-path.js'

export interface RouteRef {
  id: string | null
  name: string | null
  service: { id: string | null, name: string | null } | null
}

export interface Explanation {
  route: RouteRef | null
  /** The winner's path as written (`~` included), null for a route without paths. */
  matched_path?: string | null
  /** The path the node sends upstream (query included), null without a winner or a service. */
  upstream_path: string | null
  priority?: PriorityTuple
  /** Kong's 404 message when no route matched. */
  message?: string
  candidates: Array<{ route: RouteRef, matched_path: string | null, lost_because: string }>
  near_misses: Array<{ route: RouteRef, matched_path: string | null, failed: string }>
}

/** How many near misses an explanation lists at most (the closest first). */
export const NEAR_MISS_LIMIT = 10

export interface ExplainInput extends MatchInput {
  /** `?…` of the request target, or '', appended to upstream_path as the node does. */
  query: string
}

export function routeRef (route: RouteConfig, service: ServiceConfig | null): RouteRef {
  return { id: route.id, name: route.name, service: service === null ? null : { id: service.id, name: service.name } }
}

export function explainMatch (router: CompiledRouter, config: GatewayConfig, input: ExplainInput): Explanation {
  const match = router.match(input)
  const sni = input.tls === true ? (typeof input.sni === 'string' && input.sni !== '' ? input.sni.toLowerCase() : null) : undefined
  const host = requestHost(input, router.hasPortHosts)
  // Per route: its best accepting candidate, or its candidate with the fewest failed criteria.
  const accepting = new Map<number, Candidate>()
  const closest = new Map<number, { c: Candidate, failures: Failure[] }>()
  for (const c of router.candidates) {
    const failures = failuresOf(c, input, host, sni)
    if (failures.length === 0) {
      if (!accepting.has(c.routeIndex)) accepting.set(c.routeIndex, c)
      continue
    }
    const seen = closest.get(c.routeIndex)
    if (seen === undefined || failures.length < seen.failures.length ||
      (failures.length === seen.failures.length && failures[0].closeness > seen.failures[0].closeness)) {
      closest.set(c.routeIndex, { c, failures })
    }
  }
  const nearMisses = [...closest.entries()]
    .filter(([routeIndex, { failures }]) => failures.length === 1 && !accepting.has(routeIndex))
    .map(([, v]) => v)
    .sort((a, b) => b.failures[0].closeness - a.failures[0].closeness || a.c.rank - b.c.rank)
    .slice(0, NEAR_MISS_LIMIT)
    .map(({ c, failures }) => ({ route: routeRef(c.route, c.service), matched_path: c.matchedPath, failed: failures[0].reason }))

  if (match === null) {
    if (accepting.size > 0) throw new Error(`explain: no route matched but the criteria of routes[${[...accepting.keys()][0]}] accept the request`)
    return { route: null, upstream_path: null, message: 'no Route matched with those values', candidates: [], near_misses: nearMisses }
  }
  const winner = accepting.get(match.routeIndex)
  if (winner === undefined) throw new Error(`explain: the router took routes[${match.routeIndex}] but its criteria reject the request`)
  const candidates = [...accepting.values()]
    .filter((c) => c.routeIndex !== match.routeIndex)
    .sort((a, b) => a.rank - b.rank)
    .map((c) => ({ route: routeRef(c.route, c.service), matched_path: c.matchedPath, lost_because: lossReason(winner, c) }))
  const service = match.service
  return {
    route: routeRef(match.route, service),
    matched_path: match.matchedPath,
    upstream_path: service === null ? null : buildUpstreamPath(service.path, match.route.strip_path, input.path, match.matchedPrefix) + input.query,
    priority: priorityOf(winner),
    candidates,
    near_misses: nearMisses
  }
}

interface Failure {
  reason: string
  /** Higher is closer: a failed path sorts by how much of the request path it shares; others first. */
  closeness: number
}

interface RequestHost {
  /** Lower-case name without port, or null without a Host. */
  name: string | null
  /** `:port` from the Host, else the listener's when some route host names a port, else ''. */
  port: string
  /** As shown in reasons. */
  shown: string
}

function requestHost (input: MatchInput, hasPortHosts: boolean): RequestHost {
  if (input.host === undefined || input.host === '') return { name: null, port: '', shown: '' }
  const host = input.host.toLowerCase()
  let nameEnd = host.length
  if (host.charCodeAt(0) === 0x5b) {
    const close = host.indexOf(']')
    if (close > 0 && close + 1 < host.length) nameEnd = close + 1
  } else {
    const colon = host.indexOf(':')
    if (colon >= 0) nameEnd = colon
  }
  const name = host.slice(0, nameEnd)
  let port = host.slice(nameEnd)
  if (port === '' && hasPortHosts && input.port !== undefined) port = ':' + String(input.port)
  return { name, port, shown: name + port }
}

/** The compiled router's host buckets, one host at a time (compiled-router.ts searchHosts). */
function hostAccepts (routeHost: string, host: RequestHost): boolean {
  const name = host.name as string
  const { kind, key } = classifyHost(routeHost, 'hosts')
  const is = (part: string): boolean => key === part || (host.port !== '' && key === part + host.port)
  if (kind === HOST_EXACT) return is(name)
  for (let dot = name.indexOf('.', 1); dot > 0 && dot < name.length - 1; dot = name.indexOf('.', dot + 1)) {
    if (is(kind === HOST_SUFFIX ? name.slice(dot + 1) : name.slice(0, dot))) return true
  }
  return false
}

function sharedPrefixLength (a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++
  return i
}

const OTHER_CLOSENESS = Number.MAX_SAFE_INTEGER

/** Every criterion the candidate fails, in the order hosts, paths, methods, headers, snis. */
function failuresOf (c: Candidate, input: MatchInput, host: RequestHost, sni: string | null | undefined): Failure[] {
  const out: Failure[] = []
  const r = c.route
  if (r.hosts.length > 0) {
    if (host.name === null) {
      out.push({ reason: `hosts: the request has no Host; the route takes ${r.hosts.join(', ')}`, closeness: OTHER_CLOSENESS })
    } else if (!r.hosts.some((h) => hostAccepts(h, host))) {
      out.push({ reason: `hosts: ${host.shown} is none of ${r.hosts.join(', ')}`, closeness: OTHER_CLOSENESS })
    }
  }
  if (c.pathKind === PATH_PREFIX) {
    if (!input.path.startsWith(c.prefix)) {
      out.push({ reason: `paths: ${input.path} does not start with ${c.matchedPath ?? c.prefix}`, closeness: sharedPrefixLength(input.path, c.prefix) })
    }
  } else if (c.pathKind !== PATH_NONE && !(c.regex as RE2).test(Buffer.from(input.path))) {
    out.push({ reason: `paths: ${input.path} does not match ${c.matchedPath ?? ''}`, closeness: sharedPrefixLength(input.path, c.prefix) })
  }
  if (c.methods !== null && !c.methods.has(input.method)) {
    out.push({ reason: `methods: ${input.method} is not one of ${r.methods.join(', ')}`, closeness: OTHER_CLOSENESS })
  }
  for (const rule of c.headers ?? []) {
    if (headerRuleAccepts(rule, input.headers)) continue
    const value = (input.headers as IncomingHttpHeaders)[rule.name]
    out.push({
      reason: value === undefined
        ? `headers: ${rule.name} is missing${rule.values.length > 0 ? `; the route takes ${rule.values.join(', ')}` : ''}`
        : `headers: ${rule.name} is ${Array.isArray(value) ? value.join(', ') : value}, not one of ${rule.values.join(', ')}`,
      closeness: OTHER_CLOSENESS
    })
  }
  if (sni !== undefined && c.snis !== null && !sniRuleAccepts(c.snis, sni)) {
    out.push({
      reason: sni === null
        ? `snis: the HTTPS request sent no server name; the route takes ${(r.snis ?? []).join(', ')}`
        : `snis: ${sni} is none of ${(r.snis ?? []).join(', ')}`,
      closeness: OTHER_CLOSENESS
    })
  }
  return out
}
