// Route conflicts, found on the compiled router so they are judged by the rules nodes apply:
//
// - never_wins: every request a route accepts is taken by a route ranked before it. Per path of
//   the route (a candidate b), a covering candidate a ranks first and accepts a superset: its
//   methods, hosts, headers and snis accept whatever b's do, and its path covers b's — a prefix that
//   starts b's prefix (or b's regex's literal prefix), or a regex that is open at its end (no `$`,
//   `\z`, `\b`) and matches b's prefix or literal prefix (every longer path then matches too), or the
//   same regex. Regex against regex beyond that cannot be decided: when a matches a sample path of b
//   the finding is "possible", never "certain".
// - duplicate: a never_wins whose cover has the very same criteria and points at another service.
// - regex_overlaps_prefix: a regex route takes a prefix route's own path (a regex beats any prefix,
//   however long: `/users/me` goes to `~/users/\w+`), without covering all of it.
//
// Search: candidates are only compared with those that can cover them, found the way `match` finds
// them — in the host-less bucket and the bucket of the route's first host (a cover must accept that
// host), walking the prefix tree along b's prefix (or literal prefix): the nodes passed hold the
// prefixes that start it and the regexes whose literal prefix does. So the cost grows with the
// candidates that share a path prefix, not with the square of the routes. Every finding carries an
// example request, and is kept only if the router itself sends that request elsewhere.

import type RE2 from 're2'
import { PATH_NONE, PATH_PREFIX, type Candidate, type HeaderRule } from './candidate.js'
import type { Bucket, CompiledRouter } from './compiled-router.js'
import { classifyHost, HOST_EXACT, HOST_SUFFIX } from './host-index.js'
import { routeRef, type RouteRef } from './explain-match.js'
import { radixCollect, type RadixNode } from './radix-tree.js'
import type { RegexGroup } from './regex-group.js'
import { sampleRegexPath } from './regex-sample.js'

export type ConflictKind = 'never_wins' | 'duplicate' | 'regex_overlaps_prefix'

export interface ExampleRequest {
  method: string
  path: string
  host?: string
  headers?: Record<string, string>
  tls?: boolean
  sni?: string
}

export interface RouteConflict {
  kind: ConflictKind
  certainty: 'certain' | 'possible'
  /** The route that loses. */
  route: RouteRef
  /** The route that takes its requests. */
  other: RouteRef
  message: string
  /** A request the route accepts that `other` takes (POST it to routes/explain). */
  example: ExampleRequest
}

interface Cover { a: Candidate, certain: boolean }

export function findRouteConflicts (router: CompiledRouter): RouteConflict[] {
  const byRoute = new Map<number, Candidate[]>()
  for (const c of router.candidates) {
    const list = byRoute.get(c.routeIndex)
    if (list === undefined) byRoute.set(c.routeIndex, [c])
    else list.push(c)
  }
  const out: RouteConflict[] = []
  const nodes: RadixNode[] = []
  const cache = new Map<Candidate, Facts>()
  for (const [, cands] of [...byRoute].sort((x, y) => x[0] - y[0])) {
    const covers: Array<Cover | null> = cands.map((b) => bestCover(router, b, nodes, cache))
    const b = cands[0]
    if (covers.every((c) => c !== null)) {
      const cover = covers[0] as Cover
      const certain = covers.every((c) => (c as Cover).certain)
      const finding = neverWins(b, cover.a, certain)
      const example = exampleFor(b)
      if (example !== null && takenElsewhere(router, b, example)) out.push({ ...finding, example })
      continue
    }
    const overlap = regexOverPrefix(router, cands, nodes)
    if (overlap !== null) out.push(overlap)
  }
  return out
}

function neverWins (b: Candidate, a: Candidate, certain: boolean): Omit<RouteConflict, 'example'> {
  const route = routeRef(b.route, b.service)
  const other = routeRef(a.route, a.service)
  const name = (r: RouteRef): string => r.name ?? r.id ?? '(unnamed)'
  if (sameCriteria(a, b) && a.route.service !== b.route.service) {
    return { kind: 'duplicate', certainty: 'certain', route, other, message: `${name(route)} has the same paths, methods, hosts, headers and snis as ${name(other)}, declared before it for another service: it never gets a request` }
  }
  return {
    kind: 'never_wins',
    certainty: certain ? 'certain' : 'possible',
    route,
    other,
    message: certain
      ? `${name(route)} can never win: ${name(other)} ranks before it and accepts every request it accepts`
      : `${name(route)} may never win: ${name(other)} ranks before it and its regex matches what ${name(route)}'s does, as far as can be decided`
  }
}

/** What is asked of a candidate many times, computed once: its regex's openness and sample path. */
interface Facts { endOpen: boolean, sample: string | null }

function factsOf (c: Candidate, cache: Map<Candidate, Facts>): Facts {
  let f = cache.get(c)
  if (f === undefined) {
    const pattern = c.matchedPath === null ? '' : c.matchedPath.slice(1)
    const sample = c.regex === null ? null : sampleRegexPath(pattern)
    f = { endOpen: c.regex !== null && !/\$|\\[zbB]/.test(pattern), sample: sample !== null && (c.regex as RE2).test(sample) ? sample : null }
    cache.set(c, f)
  }
  return f
}

/** The candidates of a regex group whose regex matches `text`: one RE2.Set call per chunk, as `match` does. */
function groupHits (group: RegexGroup, text: string, below: number): Set<Candidate> {
  const hits = new Set<Candidate>()
  if (group.minRank >= below) return hits
  const buf = Buffer.from(text)
  if (group.chunks === null) {
    for (const a of group.cands) if (a.rank < below && (a.regex as RE2).test(buf)) hits.add(a)
    return hits
  }
  for (const chunk of group.chunks) {
    if (chunk.minRank >= below) break
    for (const i of chunk.set.match(buf)) hits.add(chunk.cands[i])
  }
  return hits
}

/** The best-ranked other-route candidate that takes every request `b` accepts, certain covers first. */
function bestCover (router: CompiledRouter, b: Candidate, nodes: RadixNode[], cache: Map<Candidate, Facts>): Cover | null {
  let best: Cover | null = null
  const bFacts = factsOf(b, cache)
  const consider = (a: Candidate, path: boolean | null): void => {
    if (path === null || a.rank >= b.rank || a.routeIndex === b.routeIndex) return
    if (best !== null && (best.certain ? true : !path) && a.rank >= best.a.rank) return
    if (!otherCriteriaCover(a, b)) return
    if (best === null || (path && !best.certain) || (path === best.certain && a.rank < best.a.rank)) best = { a, certain: path }
  }
  const probe = b.pathKind === PATH_NONE ? '/' : b.prefix
  for (const bucket of bucketsFor(router, b)) {
    for (const a of bucket.pathless) consider(a, true)
    const count = radixCollect(bucket.root, probe, nodes)
    for (let k = 0; k < count; k++) {
      const node = nodes[k]
      for (const a of node.prefixCands ?? []) consider(a, prefixCovers(a, b))
      const group = node.regexGroup
      if (group === null || group.minRank >= b.rank) continue
      // Regexes that match b's probe (its prefix, or '/' for a route without paths) or its sample path.
      const onProbe = groupHits(group, probe, b.rank)
      const onSample = bFacts.sample === null ? null : groupHits(group, bFacts.sample, b.rank)
      for (const a of group.cands) {
        if (a.rank >= b.rank) break
        if (b.pathKind !== PATH_NONE && a.regexSource === b.regexSource && b.regex !== null) consider(a, true)
        else if (onProbe.has(a) && factsOf(a, cache).endOpen) consider(a, true)
        else if (b.pathKind !== PATH_PREFIX && b.pathKind !== PATH_NONE && onSample?.has(a) === true) consider(a, false)
      }
    }
  }
  return best
}

/** A prefix candidate a takes every path b's accepts (true), or not (null). */
function prefixCovers (a: Candidate, b: Candidate): true | null {
  if (b.pathKind === PATH_NONE) return a.prefix === '/' || a.prefix === '' ? true : null
  return b.prefix.startsWith(a.prefix) ? true : null
}

/** The host-less bucket, and the bucket of b's first host: any cover is in one of them. */
function bucketsFor (router: CompiledRouter, b: Candidate): Bucket[] {
  const out = [router.index.hostless]
  const host = b.route.hosts[0]
  if (host !== undefined) {
    const key = classifyHost(host, 'hosts')
    const map = key.kind === HOST_EXACT ? router.index.exact : key.kind === HOST_SUFFIX ? router.index.suffix : router.index.prefix
    const bucket = map.get(key.key)
    if (bucket !== undefined) out.push(bucket)
    // An exact host is also taken by wildcard buckets that match it.
    if (key.kind === HOST_EXACT) {
      const name = host.split(':')[0]
      for (let dot = name.indexOf('.', 1); dot > 0 && dot < name.length - 1; dot = name.indexOf('.', dot + 1)) {
        const s = router.index.suffix.get(name.slice(dot + 1))
        if (s !== undefined) out.push(s)
        const p = router.index.prefix.get(name.slice(0, dot))
        if (p !== undefined) out.push(p)
      }
    }
  }
  return out
}

/** a's methods, hosts, headers and snis accept every request b's accept. */
function otherCriteriaCover (a: Candidate, b: Candidate): boolean {
  if (a.methods !== null && (b.methods === null || [...b.methods].some((m) => !(a.methods as Set<string>).has(m)))) return false
  if (a.route.hosts.length > 0 && (b.route.hosts.length === 0 || !b.route.hosts.every((h) => hostCovered(a.route.hosts, h)))) return false
  for (const rule of a.headers ?? []) if (!headerImplied(rule, b.headers)) return false
  if (a.snis !== null) {
    const bs = b.route.snis ?? []
    if (bs.length === 0 || !bs.every((s) => (a.route.snis ?? []).includes(s) || (a.route.snis ?? []).includes('*'))) return false
  }
  return true
}

function hostCovered (hosts: readonly string[], h: string): boolean {
  if (hosts.includes(h)) return true
  if (h.includes('*') || h.includes(':')) return false
  return hosts.some((w) => {
    if (w.includes(':')) return false
    if (w.startsWith('*.')) return h.endsWith(w.slice(1)) && h.length > w.length - 1
    if (w.endsWith('.*')) return h.startsWith(w.slice(0, -1)) && h.length > w.length - 1
    return false
  })
}

function headerImplied (rule: HeaderRule, rules: HeaderRule[] | null): boolean {
  const mine = rules?.find((r) => r.name === rule.name)
  if (mine === undefined) return false
  if (rule.values.length === 0) return true
  return mine.values.length > 0 && mine.values.every((v) => rule.values.includes(v))
}

function sameCriteria (a: Candidate, b: Candidate): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean => x.length === y.length && [...x].sort().join('\n') === [...y].sort().join('\n')
  const ra = a.route
  const rb = b.route
  return same(ra.paths, rb.paths) && same(ra.methods, rb.methods) && same(ra.hosts, rb.hosts) && same(ra.snis ?? [], rb.snis ?? []) &&
    same(Object.entries(ra.headers).map(([k, v]) => `${k}:${[...v].sort().join(',')}`), Object.entries(rb.headers).map(([k, v]) => `${k}:${[...v].sort().join(',')}`))
}

/** The first prefix path of the route that a higher-ranked regex route takes. */
function regexOverPrefix (router: CompiledRouter, cands: Candidate[], nodes: RadixNode[]): RouteConflict | null {
  for (const b of cands) {
    if (b.pathKind !== PATH_PREFIX) continue
    for (const bucket of bucketsFor(router, b)) {
      const count = radixCollect(bucket.root, b.prefix, nodes)
      for (let k = 0; k < count; k++) {
        const group = nodes[k].regexGroup
        if (group === null || group.minRank >= b.rank) continue
        for (const a of groupHits(group, b.prefix, b.rank)) {
          if (a.routeIndex === b.routeIndex || !otherCriteriaCover(a, b)) continue
          const example = exampleFor(b)
          if (example === null || !takenElsewhere(router, b, example)) continue
          const route = routeRef(b.route, b.service)
          const other = routeRef(a.route, a.service)
          return {
            kind: 'regex_overlaps_prefix',
            certainty: 'certain',
            route,
            other,
            message: `${b.prefix} goes to ${other.name ?? other.id ?? '(unnamed)'} (${a.matchedPath as string}), not to ${route.name ?? route.id ?? '(unnamed)'}: a regex path beats a prefix path of any length`,
            example
          }
        }
      }
    }
  }
  return null
}

function sampleHost (h: string): string {
  if (h.startsWith('*.')) return 'a' + h.slice(1)
  const port = h.indexOf(':', h.indexOf(']') + 1)
  const name = port < 0 ? h : h.slice(0, port)
  return name.endsWith('.*') ? name.slice(0, -1) + 'com' + (port < 0 ? '' : h.slice(port)) : h
}

/** A request b accepts: its first method, host, header values and sni, its path (or a sample of its regex). */
function exampleFor (b: Candidate): ExampleRequest | null {
  const r = b.route
  let path = '/'
  if (b.pathKind === PATH_PREFIX) path = b.prefix === '' ? '/' : b.prefix
  else if (b.pathKind !== PATH_NONE) {
    const sample = sampleRegexPath((b.matchedPath as string).slice(1))
    if (sample === null || !(b.regex as RE2).test(sample)) return null
    path = sample
  }
  if (!path.startsWith('/')) return null
  const example: ExampleRequest = { method: r.methods[0] ?? 'GET', path }
  if (r.hosts.length > 0) example.host = sampleHost(r.hosts[0])
  const headers = Object.entries(r.headers)
  if (headers.length > 0) example.headers = Object.fromEntries(headers.map(([k, v]) => [k, v[0] ?? 'x']))
  if (r.snis !== undefined && r.snis.length > 0) {
    example.tls = true
    example.sni = r.snis[0] === '*' ? 'a.example' : sampleHost(r.snis[0])
  }
  return example
}

/** The router sends the example to another route than b's: the finding holds for at least that request. */
function takenElsewhere (router: CompiledRouter, b: Candidate, e: ExampleRequest): boolean {
  const match = router.match({ method: e.method, host: e.host, path: e.path, headers: e.headers ?? {}, tls: e.tls, sni: e.sni ?? null })
  return match !== null && match.routeIndex !== b.routeIndex
}
