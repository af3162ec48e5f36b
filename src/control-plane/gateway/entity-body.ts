import { PLUGIN_DEFAULT_PROTOCOLS, ROUTE_DEFAULTS, SERVICE_DEFAULTS, parseServiceUrl, pluginConfigWithDefaults, upstreamWithDefaults } from '../../contract/index.js'
import type { EntityKind, StoredEntity } from './entity-types.js'

// Turns a validated input (Admin API body or declarative entry) into the stored body: Kong's
// defaults filled in (a plugin's config too, as Kong's Admin API shows it), `url` split into
// protocol/host/port/path as Kong does, references as `{ id }`.
// Runs only after the contract accepted the input, so shapes are trusted.

/** Fields never stored in the body (columns, or nested lists stored as their own rows). */
const NOT_BODY = new Set(['id', 'created_at', 'updated_at'])
const URL_FIELDS = ['protocol', 'host', 'port', 'path'] as const

export type RefResolver = (kind: EntityKind, ref: unknown) => string | null

export function withoutNulls (input: Record<string, unknown>, skip: ReadonlySet<string> = NOT_BODY): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(input)) if (v !== null && v !== undefined && !skip.has(k)) out[k] = v
  return out
}

/** The record PATCH merges field by field rather than replaces (Kong's merge of record fields). */
const DEEP_MERGED: Partial<Record<EntityKind, string>> = { plugin: 'config', upstream: 'healthchecks' }

/**
 * PATCH: fields present replace, `null` resets to the default; a new `url` replaces
 * protocol/host/port/path. A plugin's `config` and an upstream's `healthchecks` are merged field by
 * field, as Kong does (objects inside them too; lists are replaced).
 */
export function mergePatch (kind: EntityKind, current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current }
  if (kind === 'service' && patch.url !== undefined) for (const f of URL_FIELDS) delete out[f]
  if (kind === 'service' && URL_FIELDS.some((f) => patch[f] !== undefined)) delete out.url
  if (kind === 'upstream') hashingShorthands(out, patch)
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else if (DEEP_MERGED[kind] === k && isPlainObject(v) && isPlainObject(current[k])) out[k] = mergeObjects(current[k], v)
    else out[k] = v
  }
  return out
}

/**
 * Kong's upstream shorthands apply to the fields a request gives (upstreams.lua): a new algorithm
 * without hashing (least-connections, latency, round-robin) drops the stored hash_on, a new hash_on
 * sets the algorithm; otherwise the stored pair would be read back as the other one.
 */
function hashingShorthands (out: Record<string, unknown>, patch: Record<string, unknown>): void {
  if (typeof patch.hash_on === 'string') return
  if (typeof patch.algorithm === 'string' && patch.algorithm !== 'consistent-hashing') { out.hash_on = 'none'; out.hash_fallback = 'none' }
}

function isPlainObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function mergeObjects (base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else if (isPlainObject(v) && isPlainObject(base[k])) out[k] = mergeObjects(base[k], v)
    else Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
  }
  return out
}

function serviceBody (input: Record<string, unknown>): Record<string, unknown> {
  const { url, routes, ...rest } = input
  void routes
  let target: Record<string, unknown> = {}
  if (typeof url === 'string') {
    const parsed = parseServiceUrl(url)
    if (parsed.ok) target = withoutNulls({ ...parsed.target })
  } else {
    const protocol = (rest.protocol as string | undefined) ?? SERVICE_DEFAULTS.protocol
    target = { protocol, port: protocol === 'https' ? 443 : 80 }
  }
  const body: Record<string, unknown> = {
    ...(typeof url === 'string' ? {} : target),
    connect_timeout: SERVICE_DEFAULTS.timeout,
    write_timeout: SERVICE_DEFAULTS.timeout,
    read_timeout: SERVICE_DEFAULTS.timeout,
    retries: SERVICE_DEFAULTS.retries,
    tls_verify: SERVICE_DEFAULTS.tls_verify,
    enabled: true,
    ...rest
  }
  if (typeof url !== 'string') return body
  // Kong's shorthand: url sets protocol, host, port and path, overriding any given next to it.
  for (const f of URL_FIELDS) delete body[f]
  return { ...body, ...target }
}

function refOf (resolve: RefResolver, kind: EntityKind, ref: unknown): { id: string } | undefined {
  if (ref === undefined) return undefined
  const id = resolve(kind, ref)
  // The contract resolved every reference before this runs; dropping one silently would corrupt.
  if (id === null) throw new Error(`unresolved ${kind} reference after validation: ${JSON.stringify(ref)}`)
  return { id }
}

export function canonicalBody (kind: EntityKind, raw: Record<string, unknown>, resolve: RefResolver): Record<string, unknown> {
  const input = withoutNulls(raw)
  switch (kind) {
    case 'service':
      return serviceBody(input)
    case 'route':
      return {
        strip_path: ROUTE_DEFAULTS.strip_path,
        preserve_host: ROUTE_DEFAULTS.preserve_host,
        regex_priority: ROUTE_DEFAULTS.regex_priority,
        protocols: [...ROUTE_DEFAULTS.protocols],
        ...input,
        service: refOf(resolve, 'service', input.service)
      }
    case 'plugin': {
      const body: Record<string, unknown> = { config: {}, enabled: true, protocols: [...PLUGIN_DEFAULT_PROTOCOLS], ...input }
      body.config = pluginConfigWithDefaults(input.name as string, input.config)
      for (const k of ['service', 'route', 'consumer'] as const) {
        if (input[k] === undefined) delete body[k]
        else body[k] = refOf(resolve, k, input[k])
      }
      return body
    }
    case 'consumer':
      return input
    case 'upstream':
      return upstreamWithDefaults(input)
    case 'certificate':
      return input
  }
}

/** The derived columns of a stored body. */
export function columnsOf (kind: EntityKind, body: Record<string, unknown>): Pick<StoredEntity, 'name' | 'service_id' | 'route_id' | 'consumer_id'> {
  const idOf = (v: unknown): string | null => (typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string') ? (v as { id: string }).id : null
  const name = kind === 'consumer' ? body.username : kind === 'plugin' ? undefined : body.name
  return {
    name: typeof name === 'string' ? name : null,
    service_id: idOf(body.service),
    route_id: idOf(body.route),
    consumer_id: idOf(body.consumer)
  }
}
