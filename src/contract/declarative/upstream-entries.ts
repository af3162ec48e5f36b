// Kong's upstreams and their targets as a document holds them: targets nested in an upstream, or
// top-level with an `upstream` reference (name or id, `{ name }` / `{ id }`). Shared by the checks
// and the normalisation, so both read the same targets in the same order.

import { isIPv4, isIPv6 } from 'node:net'
import { isHostname, splitHostPort } from './hosts.js'
import { isObject, joinPath } from './paths.js'
import { resolveRef } from './references.js'
import { HASH_ON, TARGET_DEFAULTS, UPSTREAM_ALGORITHMS } from './upstream-schema.js'

export interface UpstreamEntry {
  upstream: Record<string, unknown>
  index: number
  path: string
}

export interface TargetEntry {
  target: Record<string, unknown>
  path: string
  /** Index of its upstream, or −1 when a top-level target's reference does not resolve. */
  upstream: number
  /** Why `upstream` is −1 (reported by the checks). */
  refError: { path: string, message: string } | null
}

export function collectUpstreams (doc: Record<string, unknown>): UpstreamEntry[] {
  const list = Array.isArray(doc.upstreams) ? doc.upstreams : []
  const out: UpstreamEntry[] = []
  list.forEach((u: unknown, index) => { if (isObject(u)) out.push({ upstream: u, index, path: joinPath('upstreams', index) }) })
  return out
}

/** Nested targets in upstream order, then top-level ones in file order. */
export function collectTargets (doc: Record<string, unknown>, upstreams: UpstreamEntry[]): TargetEntry[] {
  const out: TargetEntry[] = []
  for (const u of upstreams) {
    const nested = u.upstream.targets
    if (!Array.isArray(nested)) continue
    nested.forEach((t: unknown, i) => { if (isObject(t)) out.push({ target: t, path: joinPath(joinPath(u.path, 'targets'), i), upstream: u.index, refError: null }) })
  }
  const top = Array.isArray(doc.targets) ? doc.targets : []
  const byName = new Map<string, number>()
  const byId = new Map<string, number>()
  for (const u of upstreams) {
    if (typeof u.upstream.name === 'string' && !byName.has(u.upstream.name)) byName.set(u.upstream.name, u.index)
    if (typeof u.upstream.id === 'string' && !byId.has(u.upstream.id.toLowerCase())) byId.set(u.upstream.id.toLowerCase(), u.index)
  }
  top.forEach((t: unknown, i) => {
    if (!isObject(t)) return
    const path = joinPath('targets', i)
    const at = joinPath(path, 'upstream')
    if (t.upstream === undefined) {
      out.push({ target: t, path, upstream: -1, refError: { path: at, message: 'required field missing' } })
      return
    }
    const ref = resolveRef(t.upstream, at, { names: byName, ids: byId }, 'upstream')
    out.push(ref.ok ? { target: t, path, upstream: ref.index, refError: null } : { target: t, path, upstream: -1, refError: { path: ref.path, message: ref.message } })
  })
  return out
}

/** A target's address: `host[:port]` (IPv6 in brackets, or bare without a port), port 8000 when absent. */
export function parseTarget (value: string): { host: string, port: number, text: string } | null {
  const split = isIPv6(value) ? { host: value, port: null } : splitHostPort(value)
  if (typeof split === 'string') return null
  const bare = split.host.startsWith('[') ? split.host.slice(1, -1) : split.host
  if (!isIPv6(bare) && !isIPv4(bare) && !isHostname(bare)) return null
  const host = bare.toLowerCase()
  const port = split.port ?? TARGET_DEFAULTS.port
  return { host, port, text: `${isIPv6(host) ? `[${host}]` : host}:${port}` }
}

export type Algorithm = typeof UPSTREAM_ALGORITHMS[number]
export type HashOn = typeof HASH_ON[number]

/**
 * Kong's shorthands on algorithm and hash_on (upstreams.lua): least-connections and latency hash on
 * nothing; a given `hash_on` of none means round-robin, any other value consistent-hashing.
 */
export function effectiveHashing (u: Record<string, unknown>): { algorithm: Algorithm, hash_on: HashOn } {
  let algorithm = (typeof u.algorithm === 'string' ? u.algorithm : 'round-robin') as Algorithm
  let hashOn = (typeof u.hash_on === 'string' ? u.hash_on : 'none') as HashOn
  if (algorithm === 'least-connections' || algorithm === 'latency') hashOn = 'none'
  else if (typeof u.hash_on === 'string') algorithm = hashOn === 'none' ? 'round-robin' : 'consistent-hashing'
  return { algorithm, hash_on: hashOn }
}

/**
 * The document with every top-level target moved into its upstream's `targets` (after the nested
 * ones), as the control plane stores and exports them. Call only on a document the checks accepted.
 */
export function withNestedTargets (doc: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(doc.targets)) return doc
  const upstreams = collectUpstreams(doc)
  const moved = new Map<number, Array<Record<string, unknown>>>()
  for (const t of collectTargets({ ...doc, upstreams: doc.upstreams }, upstreams)) {
    if (!t.path.startsWith('targets[') || t.upstream < 0) continue
    const { upstream: _ref, ...target } = t.target
    void _ref
    moved.set(t.upstream, [...(moved.get(t.upstream) ?? []), target])
  }
  const { targets: _top, ...rest } = doc
  void _top
  return {
    ...rest,
    upstreams: (doc.upstreams as unknown[]).map((u, i) => {
      const extra = moved.get(i)
      if (extra === undefined || !isObject(u)) return u
      return { ...u, targets: [...(Array.isArray(u.targets) ? u.targets : []), ...extra] }
    })
  }
}
