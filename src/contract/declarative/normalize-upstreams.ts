// Upstreams and targets → GatewayConfig.upstreams, with Kong's defaults and shorthands applied.
// Runs after every check passed (check-upstreams.ts), so shapes and references are trusted.

import type { HealthchecksConfig, TargetConfig, UpstreamConfig, UpstreamHashOn } from '../gateway-config.js'
import { isObject } from './paths.js'
import { collectTargets, collectUpstreams, effectiveHashing, parseTarget } from './upstream-entries.js'
import { HEALTHCHECK_DEFAULTS, TARGET_DEFAULTS, UPSTREAM_DEFAULTS } from './upstream-schema.js'

export function normalizeUpstreams (doc: Record<string, unknown>): UpstreamConfig[] {
  const entries = collectUpstreams(doc)
  const targets: TargetConfig[][] = entries.map(() => [])
  const position = new Map(entries.map((e, i) => [e.index, i]))
  for (const t of collectTargets(doc, entries)) {
    const parsed = parseTarget(t.target.target as string)
    const at = position.get(t.upstream)
    if (parsed === null || at === undefined) throw new Error(`unchecked target at ${t.path}`) // checks ran first
    targets[at]!.push({
      host: parsed.host,
      id: typeof t.target.id === 'string' ? t.target.id.toLowerCase() : null,
      port: parsed.port,
      tags: Array.isArray(t.target.tags) ? [...t.target.tags as string[]] : [],
      target: parsed.text,
      weight: typeof t.target.weight === 'number' ? t.target.weight : TARGET_DEFAULTS.weight
    })
  }
  return entries.map(({ upstream: u }, i) => {
    const { algorithm, hash_on: hashOn } = effectiveHashing(u)
    const str = (k: string): string | null => (typeof u[k] === 'string' ? u[k] as string : null)
    // Keys in sorted order (config-hash.ts).
    return {
      algorithm,
      hash_fallback: (str('hash_fallback') ?? UPSTREAM_DEFAULTS.hash_fallback) as UpstreamHashOn,
      hash_fallback_header: str('hash_fallback_header')?.toLowerCase() ?? null,
      hash_fallback_query_arg: str('hash_fallback_query_arg'),
      hash_fallback_uri_capture: str('hash_fallback_uri_capture'),
      hash_on: hashOn,
      hash_on_cookie: str('hash_on_cookie'),
      hash_on_cookie_path: str('hash_on_cookie_path') ?? UPSTREAM_DEFAULTS.hash_on_cookie_path,
      hash_on_header: str('hash_on_header')?.toLowerCase() ?? null,
      hash_on_query_arg: str('hash_on_query_arg'),
      hash_on_uri_capture: str('hash_on_uri_capture'),
      healthchecks: healthchecksOf(u.healthchecks),
      host_header: str('host_header'),
      id: str('id')?.toLowerCase() ?? null,
      ...(typeof u.max_connections === 'number' ? { max_connections: u.max_connections } : {}),
      name: u.name as string,
      slots: typeof u.slots === 'number' ? u.slots : UPSTREAM_DEFAULTS.slots,
      tags: Array.isArray(u.tags) ? [...u.tags as string[]] : [],
      targets: targets[i]!
    }
  })
}

/** `value` over `defaults`, record by record (arrays and scalars replace), keys sorted. */
function merge (defaults: unknown, value: unknown): unknown {
  if (!isObject(defaults)) return value === undefined ? (Array.isArray(defaults) ? [...defaults] : defaults) : value
  const given = isObject(value) ? value : {}
  const keys = [...new Set([...Object.keys(defaults), ...Object.keys(given)])].sort()
  return Object.fromEntries(keys.map((k) => [k, merge(defaults[k], given[k])]))
}

/** Kong's defaults plus the optional fields Kong leaves unset (headers, https_sni). */
const FULL_DEFAULTS = { ...HEALTHCHECK_DEFAULTS, active: { ...HEALTHCHECK_DEFAULTS.active, headers: {}, https_sni: null } }

function healthchecksOf (value: unknown): HealthchecksConfig {
  return merge(FULL_DEFAULTS, value) as HealthchecksConfig
}

/**
 * An upstream entry with Kong's defaults filled in as its Admin API shows them (the algorithm and
 * hash_on shorthands resolved, healthchecks whole); what the control plane stores.
 */
export function upstreamWithDefaults (u: Record<string, unknown>): Record<string, unknown> {
  const { algorithm, hash_on: hashOn } = effectiveHashing(u)
  return {
    ...u,
    algorithm,
    hash_on: hashOn,
    hash_fallback: u.hash_fallback ?? UPSTREAM_DEFAULTS.hash_fallback,
    hash_on_cookie_path: u.hash_on_cookie_path ?? UPSTREAM_DEFAULTS.hash_on_cookie_path,
    slots: u.slots ?? UPSTREAM_DEFAULTS.slots,
    use_srv_name: u.use_srv_name ?? UPSTREAM_DEFAULTS.use_srv_name,
    healthchecks: merge(HEALTHCHECK_DEFAULTS, u.healthchecks)
  }
}
