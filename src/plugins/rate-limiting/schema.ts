import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'
import { HeaderName, StringEnum } from '../schema-types.js'

// Kong's rate-limiting (3.x, flat redis_* fields, and Kong 3.6+'s redis record read into them): same fields, defaults, rules and priority.
// Differences: limits are whole numbers of requests; `policy: cluster` (counters in Kong's
// database) does not exist on Atrium's data planes, which have no database (use redis); sync_rate
// accepts only Kong's default -1 (every request is counted at once); no consumer groups.

export const RATE_LIMIT_PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const
export type RateLimitPeriod = typeof RATE_LIMIT_PERIODS[number]

export const LIMIT_BY = ['consumer', 'credential', 'ip', 'service', 'header', 'path'] as const

const MAX_LIMIT = Number.MAX_SAFE_INTEGER

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
function limit (period: string) {
  return Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, description: `Requests allowed per ${period} (a fixed window: calendar ${period}s in UTC).` }))
}

export const RateLimitingConfigSchema = Type.Object({
  second: limit('second'),
  minute: limit('minute'),
  hour: limit('hour'),
  day: limit('day'),
  month: limit('month'),
  year: limit('year'),
  limit_by: StringEnum(LIMIT_BY, {
    default: 'consumer',
    description: 'What a counter counts: the identified consumer (else its credential), the credential, the client IP, the matched service, a request header\'s value (header_name) or one path (path). When that is missing, the client IP.'
  }),
  header_name: Type.Optional(HeaderName({ description: 'The header whose value is counted (limit_by header).' })),
  path: Type.Optional(Type.String({ pattern: '^/', errorMessage: 'must start with /', description: 'The request path counted (limit_by path); other paths are counted by client IP.' })),
  policy: StringEnum(['local', 'redis'] as const, {
    default: 'local',
    description: 'local: counters in the node\'s memory (each node counts alone); redis: counters in Redis, shared by every node pointed at it.'
  }),
  fault_tolerant: Type.Boolean({ default: true, description: 'When Redis cannot be reached: true proxies the request without limiting it; false answers 500.' }),
  redis_host: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\s/]+$', errorMessage: 'must be a host name or address', description: 'Redis host (required for policy redis).' })),
  redis_port: Type.Integer({ minimum: 1, maximum: 65535, default: 6379, description: 'Redis port.' }),
  redis_username: Type.Optional(Type.String({ minLength: 1, description: 'Redis ACL user name (Redis 6+); AUTH with the password only when absent.' })),
  redis_password: Type.Optional(Type.String({ description: 'Redis password; no AUTH when absent.' })),
  redis_database: Type.Integer({ minimum: 0, maximum: 65535, default: 0, description: 'Redis database number.' }),
  redis_timeout: Type.Integer({ minimum: 1, maximum: 2147483646, default: 2000, description: 'Milliseconds allowed to connect to Redis and for each counter update.' }),
  redis_ssl: Type.Boolean({ default: false, description: 'Connect to Redis over TLS.' }),
  redis_ssl_verify: Type.Boolean({ default: false, description: 'Verify the Redis server\'s TLS certificate (with redis_ssl).' }),
  redis_server_name: Type.Optional(Type.String({ minLength: 1, description: 'TLS server name (SNI) for Redis; redis_host when absent.' })),
  hide_client_headers: Type.Boolean({ default: false, description: 'Send none of the RateLimit-*, X-RateLimit-* and Retry-After headers.' }),
  error_code: Type.Integer({ minimum: 100, maximum: 599, default: 429, description: 'Status when a limit is exceeded.' }),
  error_message: Type.String({ default: 'API rate limit exceeded', description: 'Message when a limit is exceeded, answered as {"message": …}.' }),
  sync_rate: Type.Unsafe<number>({ type: 'number', enum: [-1], default: -1, description: 'Kong\'s counter sync interval; only -1 (every request updates the counters at once) is supported.' })
}, { additionalProperties: false })

export type RateLimitingConfig = Static<typeof RateLimitingConfigSchema>

function checkRateLimiting (config: RateLimitingConfig): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = []
  const configured = RATE_LIMIT_PERIODS.filter((p) => config[p] !== undefined)
  if (configured.length === 0) issues.push({ path: '', message: `at least one of ${RATE_LIMIT_PERIODS.join(', ')} is required` })
  // Kong: a longer period's limit cannot be lower than a shorter one's.
  for (let i = 0; i < configured.length; i++) {
    for (let j = i + 1; j < configured.length; j++) {
      const lower = configured[i]
      const upper = configured[j]
      if ((config[upper] as number) < (config[lower] as number)) {
        issues.push({ path: upper, message: `the limit for ${upper} (${String(config[upper])}) cannot be lower than the limit for ${lower} (${String(config[lower])})` })
      }
    }
  }
  if (config.limit_by === 'header' && config.header_name === undefined) issues.push({ path: 'header_name', message: 'is required when limit_by is header' })
  if (config.limit_by === 'path' && config.path === undefined) issues.push({ path: 'path', message: 'is required when limit_by is path' })
  if (config.policy === 'redis' && config.redis_host === undefined) issues.push({ path: 'redis_host', message: 'is required when policy is redis' })
  return issues
}

const REDIS_FIELDS = ['host', 'port', 'timeout', 'username', 'password', 'database', 'ssl', 'ssl_verify', 'server_name']

/**
 * Kong 3.6+ writes the Redis settings as a `redis` record (kong/tools/redis/schema.lua) and keeps
 * the flat redis_* fields as its shorthand; Atrium's fields are the flat ones, so the record is read
 * into them (a flat field given as well wins, as it is the more specific spelling here).
 */
function redisRecord (config: Record<string, unknown>): Record<string, unknown> {
  const redis = config.redis
  if (typeof redis !== 'object' || redis === null || Array.isArray(redis)) return config
  const { redis: _r, ...out } = config
  void _r
  for (const [k, v] of Object.entries(redis)) {
    // An unknown key stays visible by its own name (redis.<k> → an unknown field redis_<k>).
    const flat = REDIS_FIELDS.includes(k) ? `redis_${k}` : `redis.${k}`
    if (out[flat] === undefined) out[flat] = v
  }
  return out
}

export const rateLimitingSpec = definePluginSpec({
  name: 'rate-limiting',
  version: '1.0.0',
  priority: 910,
  description: 'Limits how many requests a consumer, credential, client IP, service, header value or path may make per second, minute, hour, day, month or year, in memory or shared through Redis.',
  schema: RateLimitingConfigSchema,
  shorthands: redisRecord,
  httpProtocolsOnly: true,
  check: checkRateLimiting
})
