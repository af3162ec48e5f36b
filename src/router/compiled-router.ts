// The request-time side of the router. Concurrency model: `match` is synchronous and never re-entered,
// so the per-call scratch state (best candidate so far, walked nodes, pending regex groups, the path as
// a Buffer) lives on the instance and is reset at the start of each call instead of being allocated.
//
// Search: every bucket the Host can reach (host-less, exact, `*.x` per label, `x.*` per label) is
// walked; prefix candidates and path-less candidates are checked at once, regex groups are queued and
// only run at the end if their best rank can still beat the best found. Lists are sorted by rank, so a
// scan stops at the first candidate that accepts or whose rank is not better.
//
// Route snis are a per-candidate check (sni-rule.ts), not a bucket: the request's server name is
// lower-cased once per match, and only when some route has snis and the request came over TLS.

import type { IncomingHttpHeaders } from 'node:http'
import type RE2 from 're2'
import { PATH_PREFIX, PATH_REGEX, candidateAccepts } from './candidate.js'
import type { Candidate } from './candidate.js'
import type { HostIndex } from './host-index.js'
import { createRadixNode, radixCollect } from './radix-tree.js'
import type { RadixNode } from './radix-tree.js'
import type { RegexGroup } from './regex-group.js'
import type { MatchInput, RouteCaptures, RouteMatch, Router } from './types.js'

const NO_RANK = Number.MAX_SAFE_INTEGER

export interface Bucket {
  minRank: number
  root: RadixNode
  /** Candidates of routes without paths, sorted by rank. */
  pathless: Candidate[]
}

export function createBucket (): Bucket {
  return { minRank: NO_RANK, root: createRadixNode(''), pathless: [] }
}

export class CompiledRouter implements Router {
  readonly headerNames: ReadonlySet<string> | null
  /** The host buckets `match` searches; route-conflicts.ts walks the same ones. */
  readonly index: HostIndex<Bucket>
  private readonly hasHostBuckets: boolean
  /** Some route host names a port: only then does a Host without a port take the listener's port. */
  readonly hasPortHosts: boolean
  /** Every candidate in rank order: not used by `match`; explain-match.ts reads why each won or lost. */
  readonly candidates: readonly Candidate[]
  /** Some route has snis: only then is the request's server name read. */
  private readonly hasSniRoutes: boolean
  // per-call scratch, see the top of the file
  /** What candidateAccepts takes: the request's lower-case SNI, null without one, undefined to ignore snis. */
  private sni: string | null | undefined = undefined
  private bestRank = NO_RANK
  private best: Candidate | null = null
  private readonly nodes: RadixNode[] = []
  private readonly pending: RegexGroup[] = []
  private pendingCount = 0
  private pathBuffer: Buffer | null = null

  constructor (index: HostIndex<Bucket>, candidates: readonly Candidate[], headerNames: ReadonlySet<string> | null, hasPortHosts: boolean, hasSniRoutes: boolean) {
    this.candidates = candidates
    this.hasPortHosts = hasPortHosts
    this.hasSniRoutes = hasSniRoutes
    this.headerNames = headerNames
    this.index = index
    this.hasHostBuckets = index.hasHostBuckets
  }

  // hot path, change with care: no closures, no regex compilation, no per-route string building.
  match (input: MatchInput): RouteMatch | null {
    this.bestRank = NO_RANK
    this.best = null
    this.pendingCount = 0
    this.pathBuffer = null
    this.sni = this.hasSniRoutes && input.tls === true ? lowerSni(input.sni) : undefined
    this.searchBucket(this.index.hostless, input)
    if (this.hasHostBuckets && input.host !== undefined && input.host !== '') this.searchHosts(input.host, input)
    if (this.pendingCount > 0) this.runRegexGroups(input)
    const best = this.best
    let result: RouteMatch | null = null
    if (best !== null) result = this.buildResult(best, input.path)
    this.best = null
    this.pathBuffer = null
    return result
  }

  private searchHosts (rawHost: string, input: MatchInput): void {
    const host = rawHost.toLowerCase()
    let nameEnd = host.length
    if (host.charCodeAt(0) === 0x5b) { // `[v6]:port`
      const close = host.indexOf(']')
      if (close > 0 && close + 1 < host.length) nameEnd = close + 1
    } else {
      const colon = host.indexOf(':')
      if (colon >= 0) nameEnd = colon
    }
    const name = nameEnd === host.length ? host : host.slice(0, nameEnd)
    let port = nameEnd === host.length ? '' : host.slice(nameEnd)
    let full = host
    if (port === '' && this.hasPortHosts && input.port !== undefined) { // Kong: net.dst.port
      port = ':' + String(input.port)
      full = name + port
    }
    const { exact, suffix, prefix } = this.index
    if (exact.size > 0) {
      this.searchOptional(exact.get(name), input)
      if (port !== '') this.searchOptional(exact.get(full), input)
    }
    if (suffix.size === 0 && prefix.size === 0) return
    // `*.x` needs a non-empty label before `.x`; `x.*` a non-empty rest after `x.`.
    for (let dot = name.indexOf('.', 1); dot > 0 && dot < name.length - 1; dot = name.indexOf('.', dot + 1)) {
      if (suffix.size > 0) {
        const tail = name.slice(dot + 1)
        this.searchOptional(suffix.get(tail), input)
        if (port !== '') this.searchOptional(suffix.get(tail + port), input)
      }
      if (prefix.size > 0) {
        const head = name.slice(0, dot)
        this.searchOptional(prefix.get(head), input)
        if (port !== '') this.searchOptional(prefix.get(head + port), input)
      }
    }
  }

  private searchOptional (bucket: Bucket | undefined, input: MatchInput): void {
    if (bucket !== undefined) this.searchBucket(bucket, input)
  }

  private searchBucket (bucket: Bucket, input: MatchInput): void {
    if (bucket.minRank >= this.bestRank) return
    const { method, headers } = input
    this.scanList(bucket.pathless, method, headers)
    const nodes = this.nodes
    const count = radixCollect(bucket.root, input.path, nodes)
    for (let k = count - 1; k >= 0; k--) { // deepest (longest prefix) first: prunes more
      const node = nodes[k]
      if (node.prefixCands !== null) this.scanList(node.prefixCands, method, headers)
      const group = node.regexGroup
      if (group !== null && group.minRank < this.bestRank) this.pending[this.pendingCount++] = group
    }
  }

  private scanList (list: Candidate[], method: string, headers: IncomingHttpHeaders): void {
    for (let i = 0; i < list.length; i++) {
      const c = list[i]
      if (c.rank >= this.bestRank) return
      if (candidateAccepts(c, method, headers, this.sni)) {
        this.bestRank = c.rank
        this.best = c
        return
      }
    }
  }

  private runRegexGroups (input: MatchInput): void {
    const { method, headers } = input
    for (let g = 0; g < this.pendingCount; g++) {
      const group = this.pending[g]
      if (group.minRank >= this.bestRank) continue
      const buf = this.pathBuffer ??= Buffer.from(input.path)
      if (group.chunks === null) {
        for (const c of group.cands) {
          if (c.rank >= this.bestRank) break
          if (candidateAccepts(c, method, headers, this.sni) && (c.regex as RE2).test(buf)) {
            this.bestRank = c.rank
            this.best = c
            break
          }
        }
        continue
      }
      for (const chunk of group.chunks) {
        if (chunk.minRank >= this.bestRank) break
        const hits = chunk.set.match(buf)
        for (let h = 0; h < hits.length; h++) {
          const c = chunk.cands[hits[h]]
          if (c.rank < this.bestRank && candidateAccepts(c, method, headers, this.sni)) {
            this.bestRank = c.rank
            this.best = c
          }
        }
      }
    }
  }

  private buildResult (c: Candidate, path: string): RouteMatch {
    let matchedPrefix = ''
    let captures: RouteCaptures | null = null
    if (c.pathKind === PATH_PREFIX) {
      matchedPrefix = c.prefix
    } else if (c.pathKind === PATH_REGEX) {
      // re2's exec builds its result in C++ property by property: ~2-3 µs, paid once, for the winner only
      // (on the string: exec on a Buffer measured slower, it copies every group into a new Buffer).
      const m = (c.regex as RE2).exec(path)
      if (m !== null) {
        const unnamed: string[] = []
        for (let i = 0; i < m.length; i++) unnamed.push(m[i] ?? '')
        const named: Record<string, string> = {}
        if (m.groups !== undefined) {
          for (const key in m.groups) {
            const value = m.groups[key] as string | undefined // unset when its group did not take part
            if (value !== undefined) named[key] = value
          }
        }
        matchedPrefix = unnamed[0]
        captures = { unnamed, named }
      }
    }
    return {
      route: c.route,
      service: c.service,
      routeIndex: c.routeIndex,
      matchedPath: c.matchedPath,
      matchedPrefix,
      captures
    }
  }
}

function lowerSni (sni: string | false | null | undefined): string | null {
  return typeof sni === 'string' && sni !== '' ? sni.toLowerCase() : null
}
