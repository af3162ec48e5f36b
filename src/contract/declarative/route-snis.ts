// Kong 3.9's route `snis` under the traditional_compatible router (kong/db/schema/entities/routes.lua):
// each name is a typedefs.wildcard_host (the rules certificate SNIs follow, check-certificates.ts),
// and the router ignores an FQDN's trailing dot (kong/router/transform.lua sni_val_transform), so
// `api.example.com.` is accepted and routes as `api.example.com`. A route may only have snis when its
// protocols include one Kong matches a server name for (the routes.lua entity check).

import { sniNameProblem } from './check-certificates.js'

const SNI_PROTOCOLS: ReadonlySet<string> = new Set(['grpcs', 'https', 'tls', 'tls_passthrough'])

/** Kong's message, word for word. */
export const SNIS_NEED_TLS_PROTOCOL = "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"

/** Whether snis may be set with these protocols (absent: Kong's default, http and https). */
export function snisAllowed (protocols: unknown): boolean {
  return !Array.isArray(protocols) || protocols.some((p) => SNI_PROTOCOLS.has(p as string))
}

/** `X.example.com.` → `x.example.com`; `x.*.` keeps its dot (and is then invalid: the `*` is not last). */
export function routeSniName (name: string): string {
  const lower = name.toLowerCase()
  return lower.length > 1 && lower.endsWith('.') && !lower.endsWith('*.') ? lower.slice(0, -1) : lower
}

export function routeSniProblem (name: string): string | null {
  return sniNameProblem(routeSniName(name))
}
