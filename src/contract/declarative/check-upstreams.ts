// Kong 3.9's rules for upstreams and targets beyond their shapes: names that are hostnames, the
// entity_checks that couple hash_on / hash_fallback to their header, cookie, query_arg and
// uri_capture fields (after Kong's algorithm/hash_on shorthands), target addresses, duplicates and
// top-level targets' references.

import { isIPv4, isIPv6 } from 'node:net'
import { isHostname, splitHostPort } from './hosts.js'
import { isObject, joinPath } from './paths.js'
import { unsupportedMessage } from '../unsupported-features.js'
import { collectTargets, collectUpstreams, effectiveHashing, parseTarget, type UpstreamEntry } from './upstream-entries.js'
import type { Issues } from './types.js'

export function checkUpstreams (doc: Record<string, unknown>, issues: Issues): void {
  const upstreams = collectUpstreams(doc)
  const names = new Map<string, string>()
  const ids = new Map<string, string>()
  for (const entry of upstreams) {
    const { upstream: u, path } = entry
    if (typeof u.name === 'string') {
      const problem = nameProblem(u.name)
      if (problem !== null) issues.error(joinPath(path, 'name'), `Invalid name ('${u.name}'); ${problem}`)
      const key = u.name.toLowerCase()
      const first = names.get(key)
      if (first !== undefined) issues.error(joinPath(path, 'name'), `duplicate upstream name "${u.name}" (also at ${first})`)
      else names.set(key, joinPath(path, 'name'))
    }
    if (typeof u.id === 'string') {
      const first = ids.get(u.id.toLowerCase())
      if (first !== undefined) issues.error(joinPath(path, 'id'), `duplicate upstream id "${u.id}" (also at ${first})`)
      else ids.set(u.id.toLowerCase(), joinPath(path, 'id'))
    }
    checkHashing(entry, issues)
    checkHealthchecks(u.healthchecks, joinPath(path, 'healthchecks'), issues)
    if (u.client_certificate !== undefined) issues.error(joinPath(path, 'client_certificate'), unsupportedMessage('client-certificate'))
    if (u.use_srv_name === true) issues.error(joinPath(path, 'use_srv_name'), unsupportedMessage('srv-targets'))
    if (typeof u.host_header === 'string' && !validHostHeader(u.host_header)) issues.error(joinPath(path, 'host_header'), 'must be a hostname with an optional port')
  }
  const seen = new Map<string, string>()
  for (const t of collectTargets(doc, upstreams)) {
    if (t.refError !== null) issues.error(t.refError.path, t.refError.message)
    if (typeof t.target.target !== 'string') continue
    const parsed = parseTarget(t.target.target)
    if (parsed === null) {
      issues.error(joinPath(t.path, 'target'), `Invalid target ('${t.target.target}'); not a valid hostname or ip address`)
      continue
    }
    if (t.upstream < 0) continue
    const key = `${t.upstream} ${parsed.text}`
    const first = seen.get(key)
    if (first !== undefined) issues.error(joinPath(t.path, 'target'), `duplicate target "${parsed.text}" in its upstream (also at ${first})`)
    else seen.set(key, joinPath(t.path, 'target'))
  }
}

function nameProblem (name: string): string | null {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name
  if (isIPv4(bare) || isIPv6(bare)) return 'no ip addresses allowed'
  const split = splitHostPort(name)
  if (typeof split !== 'string' && split.port !== null && isHostname(split.host)) return 'no port allowed'
  return isHostname(name) ? null : 'must be a valid hostname'
}

function validHostHeader (value: string): boolean {
  const split = splitHostPort(value)
  return typeof split !== 'string' && (isHostname(split.host) || isIPv4(split.host))
}

/** Kong's entity_checks on hashing, with its messages ("required field missing", "expected one of: …"). */
function checkHashing ({ upstream: u, path }: UpstreamEntry, issues: Issues): void {
  const { hash_on: on } = effectiveHashing(u)
  const fallback = typeof u.hash_fallback === 'string' ? u.hash_fallback : 'none'
  const need = (cond: boolean, field: string): void => {
    if (cond && u[field] === undefined) issues.error(joinPath(path, field), 'required field missing')
  }
  need(on === 'header', 'hash_on_header')
  need(fallback === 'header', 'hash_fallback_header')
  need(on === 'cookie' || fallback === 'cookie', 'hash_on_cookie')
  need(on === 'query_arg', 'hash_on_query_arg')
  need(fallback === 'query_arg', 'hash_fallback_query_arg')
  need(on === 'uri_capture', 'hash_on_uri_capture')
  need(fallback === 'uri_capture', 'hash_fallback_uri_capture')
  const allowed = on === 'none' || on === 'cookie'
    ? ['none']
    : ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'].filter((v) => v !== on || ['header', 'query_arg', 'uri_capture'].includes(v))
  if (!allowed.includes(fallback)) issues.error(joinPath(path, 'hash_fallback'), `expected one of: ${allowed.join(', ')}`)
  for (const [a, b] of [['hash_on_header', 'hash_fallback_header'], ['hash_on_query_arg', 'hash_fallback_query_arg'], ['hash_on_uri_capture', 'hash_fallback_uri_capture']] as const) {
    const x = u[a]
    if (typeof x === 'string' && x.toLowerCase() === String(u[b]).toLowerCase() && on !== 'none') issues.error(joinPath(path, b), `must be different from ${a}`)
  }
}

/** Active probes speak HTTP(S) or open a TCP connection; gRPC health probes are not implemented. */
function checkHealthchecks (value: unknown, path: string, issues: Issues): void {
  if (!isObject(value) || !isObject(value.active)) return
  const active = value.active
  const probing = [active.healthy, active.unhealthy].some((g) => isObject(g) && typeof g.interval === 'number' && g.interval > 0)
  if (probing && (active.type === 'grpc' || active.type === 'grpcs')) issues.error(joinPath(joinPath(path, 'active'), 'type'), unsupportedMessage('grpc-health-checks'))
}
