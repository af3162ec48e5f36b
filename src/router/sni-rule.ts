// A route's `snis`, compiled: Kong 3.9's traditional_compatible router turns each name into one
// `tls.sni` predicate (kong/router/transform.lua sni_op_transform / sni_val_transform): `*.x` is
// "ends with `.x`" (any depth: `a.b.x` too), `x.*` is "starts with `x.`", `*` is any server name,
// anything else equality. The route's predicate is `net.protocol != "https" || <any of them>`
// (Kong #6425): a plain-HTTP request ignores snis, an HTTPS one without SNI matches none.

import { GatewayError } from '../errors.js'

export interface SniRule {
  exact: ReadonlySet<string>
  /** `.x` for each `*.x`. */
  suffixes: readonly string[]
  /** `x.` for each `x.*`. */
  prefixes: readonly string[]
  /** The route lists `*`. */
  any: boolean
}

/** Null for a route without snis (names already lower-case, RouteConfig.snis). */
export function compileSniRule (snis: readonly string[] | undefined, routeIndex: number): SniRule | null {
  if (snis === undefined || snis.length === 0) return null
  const exact = new Set<string>()
  const suffixes: string[] = []
  const prefixes: string[] = []
  let any = false
  snis.forEach((name, i) => {
    const star = name.indexOf('*')
    if (star < 0) exact.add(name)
    else if (name === '*') any = true
    else if (name.startsWith('*.') && name.indexOf('*', 1) < 0) suffixes.push(name.slice(1))
    else if (star === name.length - 1 && name.endsWith('.*')) prefixes.push(name.slice(0, -1))
    else {
      throw new GatewayError('ATRIUM_ERR_CONFIG_INVALID', `invalid wildcard SNI '${name}'`,
        { fields: [{ path: `routes[${routeIndex}].snis[${i}]`, message: 'a wildcard SNI has one `*`, as its first or last label' }] })
    }
  })
  return { exact, suffixes, prefixes, any }
}

/**
 * hot path, change with care: `sni` is the request's lower-case server name, null for an HTTPS
 * request without one. (Plain HTTP never gets here: the caller skips the rule.)
 */
export function sniRuleAccepts (rule: SniRule, sni: string | null): boolean {
  if (sni === null) return false
  if (rule.any || rule.exact.has(sni)) return true
  for (let i = 0; i < rule.suffixes.length; i++) if (sni.endsWith(rule.suffixes[i])) return true
  for (let i = 0; i < rule.prefixes.length; i++) if (sni.startsWith(rule.prefixes[i])) return true
  return false
}
