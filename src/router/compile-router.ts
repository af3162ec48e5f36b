// compileRouter: config → Router, once per configuration. Everything costly happens here: candidates
// (one per route path; one for a route without paths) are built, sorted into the total priority order
// (route-priority.ts) and given their rank, regexes are compiled, and candidates are filed into
// host buckets, each with a prefix tree (radix-tree.ts), regex groups (regex-group.ts) and a list of
// path-less candidates. A bad regex, wildcard host or wildcard SNI throws ATRIUM_ERR_CONFIG_INVALID
// here, never later.

import type RE2 from 're2'
import { cachedRE2 } from '../contract/re2-cache.js'
import type { GatewayConfig, RouteConfig } from '../contract/index.js'
import { GatewayError } from '../errors.js'
import { PATH_NONE, PATH_PREFIX, PATH_REGEX, createCandidate } from './candidate.js'
import type { Candidate, HeaderRule } from './candidate.js'
import { CompiledRouter, createBucket } from './compiled-router.js'
import type { Bucket } from './compiled-router.js'
import { HostIndex, classifyHost } from './host-index.js'
import { headerNamesOf } from './match-headers.js'
import { normalizePercentEncoding } from './normalize-path.js'
import { radixInsert, radixVisit } from './radix-tree.js'
import { createRegexGroup, finishRegexGroup } from './regex-group.js'
import { regexLiteralPrefix } from './regex-literal-prefix.js'
import { compareRoutePriority, hasHostPort, isPlainHostOnly } from './route-priority.js'
import { compileSniRule } from './sni-rule.js'

export function compileRouter (config: GatewayConfig): CompiledRouter {
  const candidates: Candidate[] = []
  config.routes.forEach((route, routeIndex) => { buildCandidates(config, route, routeIndex, candidates) })
  candidates.sort(compareRoutePriority)
  for (let i = 0; i < candidates.length; i++) candidates[i].rank = i

  const index = new HostIndex<Bucket>(createBucket(), createBucket)
  for (const c of candidates) {
    const { route, routeIndex } = c
    if (route.hosts.length === 0) {
      addToBucket(index.hostless, c)
      continue
    }
    const seen = new Set<string>()
    route.hosts.forEach((host, h) => {
      if (seen.has(host)) return
      seen.add(host)
      addToBucket(index.bucketFor(classifyHost(host, `routes[${routeIndex}].hosts[${h}]`)), c)
    })
  }
  for (const bucket of index.buckets()) finishBucket(bucket)
  return new CompiledRouter(index, candidates, headerNamesOf(config.routes), config.routes.some((route) => hasHostPort(route.hosts)),
    candidates.some((c) => c.snis !== null))
}

/** Candidate rank sort order is documented in route-priority.ts (ROUTE_PRIORITY_RULES). */
function buildCandidates (config: GatewayConfig, route: RouteConfig, routeIndex: number, out: Candidate[]): void {
  const service = route.service === null ? null : config.services[route.service]
  if (service === undefined) {
    throw invalid(`routes[${routeIndex}].service`, `route refers to a missing service (${route.service})`)
  }
  const headerNames = Object.keys(route.headers)
  const headers: HeaderRule[] | null = headerNames.length === 0
    ? null
    : headerNames.map((name) => ({ name, values: route.headers[name] }))
  const methods = route.methods.length === 0 ? null : new Set(route.methods)
  const snis = compileSniRule(route.snis, routeIndex)
  const criteriaCount = Number(route.methods.length > 0) + Number(route.hosts.length > 0) +
    Number(headerNames.length > 0) + Number(snis !== null) + Number(route.paths.length > 0)
  const plainHostOnly = isPlainHostOnly(route.hosts)
  const hostPort = hasHostPort(route.hosts)
  // One object literal with every field (no spread of a shared base): at 10k routes a spread per
  // candidate cost more than the whole rest of the compile.
  const push = (pathIndex: number, pathKind: number, matchedPath: string | null, prefix: string, regex: RE2 | null,
    regexSource: string, regexPriority: number, prefixLength: number): void => {
    out.push(createCandidate({
      rank: 0, route, service, pathKind, matchedPath, prefix, regex, regexSource, methods, headers, snis, criteriaCount,
      plainHostOnly, headerCount: headerNames.length, isRegex: pathKind === PATH_REGEX, regexPriority, prefixLength, hasHostPort: hostPort, routeIndex, pathIndex
    }))
  }
  if (route.paths.length === 0) {
    push(0, PATH_NONE, null, '', null, '', 0, 0)
    return
  }
  for (let pathIndex = 0; pathIndex < route.paths.length; pathIndex++) {
    const path = route.paths[pathIndex]
    if (path.startsWith('~')) {
      const regexSource = '^(?:' + path.slice(1) + ')'
      const regex = compileRegex(regexSource, routeIndex, pathIndex)
      push(pathIndex, PATH_REGEX, path, regexLiteralPrefix(path.slice(1)), regex, regexSource, route.regex_priority, 0)
      continue
    }
    const prefix = normalizePercentEncoding(path)
    if (prefix === null) throw invalid(`routes[${routeIndex}].paths[${pathIndex}]`, `invalid percent-encoding in path '${path}'`)
    push(pathIndex, PATH_PREFIX, path, prefix, null, '', 0, prefix.length)
  }
}

function compileRegex (source: string, routeIndex: number, pathIndex: number): RE2 {
  try {
    return cachedRE2(source)
  } catch (err) {
    throw invalid(`routes[${routeIndex}].paths[${pathIndex}]`, `invalid regex path: ${(err as Error).message}`, err)
  }
}

/** Candidates arrive in rank order, so every list stays sorted. */
function addToBucket (bucket: Bucket, c: Candidate): void {
  bucket.minRank = Math.min(bucket.minRank, c.rank)
  if (c.pathKind === PATH_NONE) {
    bucket.pathless.push(c)
    return
  }
  const node = radixInsert(bucket.root, c.prefix)
  if (c.pathKind === PATH_PREFIX) {
    (node.prefixCands ??= []).push(c)
  } else {
    (node.regexGroup ??= createRegexGroup()).cands.push(c)
  }
}

function finishBucket (bucket: Bucket): void {
  radixVisit(bucket.root, (node) => { if (node.regexGroup !== null) finishRegexGroup(node.regexGroup) })
}

function invalid (path: string, message: string, cause?: unknown): GatewayError {
  return new GatewayError('ATRIUM_ERR_CONFIG_INVALID', message, { cause, fields: [{ path, message }] })
}
