// Why one matching candidate loses to another, in the router's own priority terms: the first rule of
// route-priority.ts on which the two differ, said with both sides' values. compareRoutePriority is
// the judge; this only names the rule it used, so the two can never disagree on who wins.

import { PATH_NONE, type Candidate } from './candidate.js'
import { compareRoutePriority } from './route-priority.js'

/** A candidate's priority word as explain answers and the debug header send it, rule by rule. */
export interface PriorityTuple {
  criteria: number
  plain_hosts: boolean
  headers: number
  regex: boolean
  regex_priority: number
  prefix_length: number
  host_port: boolean
  route_index: number
}

export function priorityOf (c: Candidate): PriorityTuple {
  return {
    criteria: c.criteriaCount,
    plain_hosts: c.plainHostOnly,
    headers: c.headerCount,
    regex: c.isRegex,
    regex_priority: c.isRegex ? c.regexPriority : 0,
    prefix_length: c.isRegex ? 0 : c.prefixLength,
    host_port: c.hasHostPort,
    route_index: c.routeIndex
  }
}

/** `criteria=2,plain_hosts=1,…`: the tuple in rule order, for a header. */
export function formatPriority (t: PriorityTuple): string {
  return Object.entries(t).map(([k, v]) => `${k}=${typeof v === 'boolean' ? Number(v) : v}`).join(',')
}

/** The criteria kinds a candidate's route has, in the order rule 1 counts them. */
function kindsOf (c: Candidate): string {
  const r = c.route
  const kinds = [
    r.methods.length > 0 ? 'methods' : '', r.hosts.length > 0 ? 'hosts' : '', Object.keys(r.headers).length > 0 ? 'headers' : '',
    r.snis !== undefined && r.snis.length > 0 ? 'snis' : '', r.paths.length > 0 ? 'paths' : ''
  ].filter((k) => k !== '')
  return kinds.length === 0 ? 'none' : kinds.join(', ')
}

function prefixWords (c: Candidate): string {
  return c.pathKind === PATH_NONE ? 'no path (0)' : `${c.prefix} (${c.prefixLength})`
}

/** Why `loser` loses to `winner` (both accept the request; `winner` ranks first). */
export function lossReason (winner: Candidate, loser: Candidate): string {
  if (compareRoutePriority(winner, loser) >= 0) throw new Error('lossReason: the winner does not rank first')
  if (winner.criteriaCount !== loser.criteriaCount) {
    return `fewer match criteria: ${loser.criteriaCount} (${kindsOf(loser)}) < ${winner.criteriaCount} (${kindsOf(winner)})`
  }
  if (winner.plainHostOnly !== loser.plainHostOnly) {
    return loser.route.hosts.length === 0 ? 'plain host beats no host' : 'plain host beats wildcard'
  }
  if (winner.headerCount !== loser.headerCount) return `fewer headers: ${loser.headerCount} < ${winner.headerCount}`
  if (winner.isRegex !== loser.isRegex) {
    return loser.pathKind === PATH_NONE ? 'a regex path beats a route without paths' : 'a regex path beats a prefix path'
  }
  if (winner.isRegex && winner.regexPriority !== loser.regexPriority) {
    return `regex_priority ${loser.regexPriority} < ${winner.regexPriority}`
  }
  if (!winner.isRegex && winner.prefixLength !== loser.prefixLength) {
    return `shorter prefix: ${prefixWords(loser)} < ${prefixWords(winner)}`
  }
  if (winner.hasHostPort !== loser.hasHostPort) return 'a host with a port beats hosts without one'
  return `tie on every rule, declared later: routes[${loser.routeIndex}] after routes[${winner.routeIndex}]`
}
