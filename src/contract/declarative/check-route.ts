// Route rules beyond shape: path syntax and RE2 compilation, hosts, headers, snis, path_handling,
// and "at least one matching field".

import { cachedRE2 } from '../re2-cache.js'
import { checkRouteHost } from './hosts.js'
import { checkLiteralPath, effectiveRoutePath } from './path-rules.js'
import { isObject, joinPath } from './paths.js'
import { SNIS_NEED_TLS_PROTOCOL, routeSniProblem, snisAllowed } from './route-snis.js'
import type { RouteEntry } from './entities.js'
import type { Issues } from './types.js'

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

// Field paths are built only for an issue (entry.path is computed on demand).
export function checkRoute (entry: RouteEntry, legacy: boolean, issues: Issues): void {
  const { route } = entry
  checkPaths(route.paths, entry, legacy, issues)
  if (Array.isArray(route.hosts)) {
    route.hosts.forEach((host: unknown, i) => {
      if (typeof host !== 'string') return
      const message = checkRouteHost(host)
      if (message !== null) issues.error(joinPath(joinPath(entry.path, 'hosts'), i), message)
    })
  }
  checkHeaders(route.headers, entry, issues)
  const snisOk = checkSnis(route.snis, route.protocols, entry, issues)
  if (route.path_handling === 'v1') issues.error(joinPath(entry.path, 'path_handling'), 'path_handling v1 is not supported')
  // A matcher of the wrong type is already an error; only absent or empty ones count as missing. A
  // route matching by sources or destinations is already refused as unsupported: saying it also
  // lacks the matchers Atrium has would only hide that reason. As in Kong's http subschema
  // (routes_subschemas.lua), snis count only when the protocols allow them.
  const unsupportedMatcher = !isUnset(route.sources) || !isUnset(route.destinations)
  if (!unsupportedMatcher && isUnset(route.methods) && isUnset(route.hosts) && isUnset(route.paths) && isUnset(route.headers) &&
    (!snisOk || isUnset(route.snis))) {
    issues.error(entry.path, snisAllowed(route.protocols)
      ? 'must have at least one of methods, hosts, headers, paths or snis'
      : 'must have at least one of methods, hosts, headers or paths')
  }
}

/** False when snis are set but the protocols do not allow them. */
function checkSnis (snis: unknown, protocols: unknown, entry: RouteEntry, issues: Issues): boolean {
  if (!Array.isArray(snis)) return true
  snis.forEach((name: unknown, i) => {
    if (typeof name !== 'string') return
    const message = routeSniProblem(name)
    if (message !== null) issues.error(joinPath(joinPath(entry.path, 'snis'), i), message)
  })
  if (snis.length === 0 || snisAllowed(protocols)) return true
  issues.error(joinPath(entry.path, 'snis'), SNIS_NEED_TLS_PROTOCOL)
  return false
}

function isUnset (v: unknown): boolean {
  return v === undefined || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)
}

/** Compiles a regex path's pattern the way the router will; returns RE2's message on failure. */
export function regexPathError (pattern: string): string | null {
  try {
    cachedRE2(pattern)
    return null
  } catch (err) {
    return (err as Error).message
  }
}

function checkPaths (paths: unknown, entry: RouteEntry, legacy: boolean, issues: Issues): void {
  if (!Array.isArray(paths)) return
  paths.forEach((raw: unknown, i) => {
    if (typeof raw !== 'string') return
    const at = (): string => joinPath(joinPath(entry.path, 'paths'), i)
    const p = effectiveRoutePath(raw, legacy)
    if (p !== raw) issues.warn(at(), `read as regex path "${p}" (format versions before 3.0 did not mark regex paths with ~)`)
    let message: string | null
    if (p.startsWith('~/')) {
      const reError = regexPathError(p.slice(1))
      message = reError === null ? null : `invalid regex: ${reError}`
    } else if (p.startsWith('/')) {
      message = checkLiteralPath(p)
    } else {
      message = 'must start with / (prefix path) or ~/ (regex path)'
    }
    if (message !== null) issues.error(at(), message)
  })
}

function checkHeaders (headers: unknown, entry: RouteEntry, issues: Issues): void {
  if (!isObject(headers)) return
  const at = (name: string): string => joinPath(joinPath(entry.path, 'headers'), name)
  const seen = new Map<string, string>()
  for (const [name, values] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (!HEADER_NAME.test(name)) issues.error(at(name), 'is not a valid header name')
    else if (lower === 'host') issues.error(at(name), 'a host header is not allowed here; use hosts')
    const first = seen.get(lower)
    if (first !== undefined) issues.error(at(name), `duplicate header name (also at ${at(first)})`)
    else seen.set(lower, name)
    if (!Array.isArray(values)) continue
    values.forEach((v: unknown, i) => {
      // Kong's `~*` header regexes are not implemented; matching them literally would be wrong.
      if (typeof v === 'string' && v.startsWith('~*')) issues.error(joinPath(at(name), i), 'regex header values (~*) are not supported')
    })
  }
}
