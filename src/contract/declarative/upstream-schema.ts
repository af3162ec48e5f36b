// The shapes of Kong 3.9's `upstreams` and `targets` (kong/db/schema/entities/upstreams.lua,
// targets.lua): fields, defaults and ranges. Rules across fields (Kong's entity_checks on hash_on),
// names, target addresses and duplicates are in check-upstreams.ts; defaults are filled in by
// normalize-upstreams.ts from the values here.

import { Type, type TSchema } from '@sinclair/typebox'
import { HeaderName, StringEnum } from '../../plugins/schema-types.js'

export const UPSTREAM_ALGORITHMS = ['round-robin', 'consistent-hashing', 'least-connections', 'latency'] as const
export const HASH_ON = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] as const
export const HEALTHCHECK_TYPES = ['tcp', 'http', 'https', 'grpc', 'grpcs'] as const

export const UPSTREAM_DEFAULTS = {
  algorithm: 'round-robin',
  hash_on: 'none',
  hash_fallback: 'none',
  hash_on_cookie_path: '/',
  slots: 10_000,
  use_srv_name: false
} as const

export const TARGET_DEFAULTS = { weight: 100, port: 8000 } as const

/**
 * Atrium's `max_connections` (services and upstreams; Kong has none): how many connections one
 * upstream pool may open, over the node's --upstream-max-connections. Null or absent: the node's.
 */
export const MaxConnections = Type.Integer({ minimum: 1, maximum: 1_000_000 })

/** Kong's healthchecks defaults: every probe and counter off (interval 0, thresholds 0). */
export const HEALTHCHECK_DEFAULTS = {
  active: {
    type: 'http',
    timeout: 1,
    concurrency: 10,
    http_path: '/',
    https_verify_certificate: true,
    healthy: { interval: 0, http_statuses: [200, 302], successes: 0 },
    unhealthy: { interval: 0, http_statuses: [429, 404, 500, 501, 502, 503, 504, 505], tcp_failures: 0, timeouts: 0, http_failures: 0 }
  },
  passive: {
    type: 'http',
    healthy: { http_statuses: [200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308], successes: 0 },
    unhealthy: { http_statuses: [429, 500, 503], tcp_failures: 0, timeouts: 0, http_failures: 0 }
  },
  threshold: 0
} as const

const Seconds = Type.Number({ minimum: 0, maximum: 65_535 })
const Counter = Type.Integer({ minimum: 0, maximum: 255 })
const Statuses = Type.Array(Type.Integer({ minimum: 100, maximum: 999 }))
const opt = Type.Optional
const record = (fields: Record<string, TSchema>): TSchema => Type.Optional(Type.Object(fields, { additionalProperties: false }))

export const HealthchecksSchema = record({
  active: record({
    type: opt(StringEnum(HEALTHCHECK_TYPES)),
    timeout: opt(Seconds),
    concurrency: opt(Type.Integer({ minimum: 1, maximum: 2 ** 31 })),
    http_path: opt(Type.String({ pattern: '^/', errorMessage: 'must be a path starting with /' })),
    https_sni: opt(Type.String({ minLength: 1 })),
    https_verify_certificate: opt(Type.Boolean()),
    headers: opt(Type.Record(Type.String(), Type.Array(Type.String()))),
    healthy: record({ interval: opt(Seconds), http_statuses: opt(Statuses), successes: opt(Counter) }),
    unhealthy: record({ interval: opt(Seconds), http_statuses: opt(Statuses), tcp_failures: opt(Counter), timeouts: opt(Counter), http_failures: opt(Counter) })
  }),
  passive: record({
    type: opt(StringEnum(HEALTHCHECK_TYPES)),
    healthy: record({ http_statuses: opt(Statuses), successes: opt(Counter) }),
    unhealthy: record({ http_statuses: opt(Statuses), tcp_failures: opt(Counter), timeouts: opt(Counter), http_failures: opt(Counter) })
  }),
  threshold: opt(Type.Number({ minimum: 0, maximum: 100 }))
})

/** Field shapes shared by the declarative schema (which adds ids, tags, timestamps, nesting). */
export const upstreamFields = {
  name: Type.String({ minLength: 1 }),
  algorithm: opt(StringEnum(UPSTREAM_ALGORITHMS)),
  hash_on: opt(StringEnum(HASH_ON)),
  hash_fallback: opt(StringEnum(HASH_ON)),
  hash_on_header: opt(HeaderName()),
  hash_fallback_header: opt(HeaderName()),
  hash_on_cookie: opt(Type.String({ pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", errorMessage: 'must be a valid cookie name' })),
  hash_on_cookie_path: opt(Type.String({ pattern: '^/', errorMessage: 'must be a path starting with /' })),
  hash_on_query_arg: opt(Type.String({ minLength: 1 })),
  hash_fallback_query_arg: opt(Type.String({ minLength: 1 })),
  hash_on_uri_capture: opt(Type.String({ minLength: 1 })),
  hash_fallback_uri_capture: opt(Type.String({ minLength: 1 })),
  slots: opt(Type.Integer({ minimum: 10, maximum: 65_536 })),
  healthchecks: HealthchecksSchema,
  host_header: opt(Type.String({ minLength: 1 })),
  /** Atrium's: connections each address's pool may open (the node's --upstream-max-connections when absent). */
  max_connections: opt(MaxConnections),
  use_srv_name: opt(Type.Boolean()),
  client_certificate: opt(Type.Unknown())
}

export const targetFields = {
  target: Type.String({ minLength: 1 }),
  weight: opt(Type.Integer({ minimum: 0, maximum: 65_535 }))
}
