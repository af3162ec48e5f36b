// Which route wins when several match: Kong 3.x `traditional_compatible` order (kong/router/compat.lua).
// Every (route, path) pair is one candidate; a route without paths is one candidate. Candidates are
// sorted once at compile time and each gets a global integer rank, so on the request path comparing
// two candidates from any bucket or list is one integer comparison (lower rank wins).
//
// Rules 1-6 are Kong's priority word (kong/router/transform.lua get_priority). Kong has no rule for
// candidates whose priority words are equal: atc-router keeps its matchers in a map keyed by
// (priority, route id) and tries them from the highest key down, so the tie goes to the larger route
// id, which is arbitrary. Kong's own specs (spec/01-unit/08-router_spec.lua "[host] matches specific
// port", "[wildcard host] matches port-specific routes") rely on ids that make the route with a
// `host:port` win over the same host without a port; Atrium makes that a rule (7) so it holds for any
// ids, and then decides by declaration order (8), which is deterministic where Kong's id order is not.

/** The documented order; `compareRoutePriority` implements it, in this order. */
export const ROUTE_PRIORITY_RULES: readonly string[] = [
  '1. more kinds of criteria present wins (count of non-empty: methods, hosts, headers, snis, paths)',
  '2. a route whose hosts are all plain (non-empty, no wildcard) wins over one with a wildcard host or no hosts',
  '3. more header names wins',
  '4. a regex path beats a prefix path (a route without paths counts as a prefix of length 0)',
  '5. among regex paths, higher regex_priority wins (may be negative)',
  '6. among prefix paths, the longer prefix wins (length of the normalised prefix)',
  '7. a route with a host that names a port wins over one without (Kong: ties go by route id; see above)',
  '8. tie: lower route index in config.routes wins (declaration order), then lower path index'
]

export interface RoutePriorityKey {
  criteriaCount: number
  plainHostOnly: boolean
  headerCount: number
  isRegex: boolean
  regexPriority: number
  prefixLength: number
  /** Some host of the route carries a `:port`. */
  hasHostPort: boolean
  routeIndex: number
  pathIndex: number
}

/** Negative when `a` wins over `b`, positive when `b` wins; zero only for the same candidate. */
export function compareRoutePriority (a: RoutePriorityKey, b: RoutePriorityKey): number {
  if (a.criteriaCount !== b.criteriaCount) return b.criteriaCount - a.criteriaCount
  if (a.plainHostOnly !== b.plainHostOnly) return a.plainHostOnly ? -1 : 1
  if (a.headerCount !== b.headerCount) return b.headerCount - a.headerCount
  if (a.isRegex !== b.isRegex) return a.isRegex ? -1 : 1
  if (a.isRegex && a.regexPriority !== b.regexPriority) return b.regexPriority - a.regexPriority
  if (!a.isRegex && a.prefixLength !== b.prefixLength) return b.prefixLength - a.prefixLength
  if (a.hasHostPort !== b.hasHostPort) return a.hasHostPort ? -1 : 1
  if (a.routeIndex !== b.routeIndex) return a.routeIndex - b.routeIndex
  return a.pathIndex - b.pathIndex
}

/** Kong's `plain_host_only`: a non-empty host list none of which has a `*`. */
export function isPlainHostOnly (hosts: readonly string[]): boolean {
  return hosts.length > 0 && hosts.every((h) => !h.includes('*'))
}

/** True when some host names a port (`x.com:8080`, `*.x.com:8080`, `[::1]:8080`). */
export function hasHostPort (hosts: readonly string[]): boolean {
  return hosts.some((h) => h.charCodeAt(0) === 0x5b ? h.indexOf(']:') > 0 : h.includes(':'))
}
