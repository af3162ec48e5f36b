import { Type, type Static } from '@sinclair/typebox'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'
import { HeaderName, StringEnum } from '../schema-types.js'

// Kong's proxy-cache (3.x): same fields, defaults and priority; strategy `memory` only (Kong's
// `redis` is Enterprise). Atrium adds the memory bounds Kong takes from its nginx template:
// `memory.dictionary_size` (bytes) and `memory.max_entries`, evicting least recently used entries.

const MAX_SECONDS = 2147483647

export const PROXY_CACHE_METHODS = ['HEAD', 'GET', 'POST', 'PATCH', 'PUT'] as const

export const ProxyCacheConfigSchema = Type.Object({
  response_code: Type.Array(Type.Integer({ minimum: 100, maximum: 900 }), {
    default: [200, 301, 404], minItems: 1, description: 'Upstream statuses that are cached.'
  }),
  request_method: Type.Array(StringEnum(PROXY_CACHE_METHODS), {
    default: ['GET', 'HEAD'], minItems: 1, description: 'Request methods whose responses are cached.'
  }),
  content_type: Type.Array(Type.String({ minLength: 1 }), {
    default: ['text/plain', 'application/json'],
    minItems: 1,
    description: 'Upstream content types that are cached. A value without parameters matches the media type whatever its parameters (application/json matches application/json; charset=utf-8); with parameters it must match exactly; * matches any type or subtype (text/*).'
  }),
  cache_ttl: Type.Integer({ minimum: 1, maximum: MAX_SECONDS, default: 300, description: 'Seconds a cached response is served (without cache_control).' }),
  strategy: StringEnum(['memory'], { description: 'Where responses are kept: memory (in the node\'s process).' }),
  cache_control: Type.Boolean({
    default: false,
    description: 'Honour Cache-Control (RFC 7234): requests with no-store, no-cache or Authorization bypass the cache; max-age, max-stale, min-fresh and only-if-cached of the request apply; responses with private, no-store or no-cache are not cached; the response\'s s-maxage, max-age or Expires is its TTL.'
  }),
  storage_ttl: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SECONDS, description: 'Seconds an entry is kept in the store (default: its TTL).' })),
  memory: Type.Object({
    dictionary_name: Type.String({ minLength: 1, default: 'kong_db_cache', description: 'The store: instances naming the same dictionary share it (it survives config reloads).' }),
    dictionary_size: Type.Integer({ minimum: 1024, maximum: 17179869184, default: 134217728, description: 'Atrium: bytes the dictionary may hold (bodies, headers and a small overhead per entry); least recently used entries are evicted beyond it. Default 128 MiB.' }),
    max_entries: Type.Integer({ minimum: 1, maximum: 10000000, default: 100000, description: 'Atrium: entries the dictionary may hold; least recently used entries are evicted beyond it.' })
  }, { additionalProperties: false, default: {}, description: 'The memory strategy\'s store.' }),
  vary_query_params: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Query parameters that make the cache key (default: all of them).' })),
  vary_headers: Type.Optional(Type.Array(HeaderName(), { description: 'Request headers that make the cache key (default: none).' })),
  ignore_uri_case: Type.Boolean({ default: false, description: 'The path is compared case-insensitively in the cache key.' }),
  response_headers: Type.Object({
    age: Type.Boolean({ default: true, description: 'Send Age on cached responses.' }),
    'X-Cache-Status': Type.Boolean({ default: true, description: 'Send X-Cache-Status (Miss, Hit, Refresh, Bypass).' }),
    'X-Cache-Key': Type.Boolean({ default: true, description: 'Send X-Cache-Key.' })
  }, { additionalProperties: false, default: {}, description: 'Which of the cache\'s headers the client gets.' })
}, { additionalProperties: false })

export type ProxyCacheConfig = Static<typeof ProxyCacheConfigSchema>

/** A content type as configured: type/subtype lower-cased (either may be *) and its parameters. */
export interface MediaRange { type: string, subtype: string, params: string[] }

/** Parses `type/subtype; a=b`; null when it is not one. */
export function parseMediaRange (value: string): MediaRange | null {
  const [essence, ...params] = value.split(';').map((p) => p.trim().toLowerCase())
  const m = /^([!#$%&'*+.^_`|~0-9a-z-]+)\/([!#$%&'*+.^_`|~0-9a-z-]+)$/.exec(essence)
  if (m === null) return null
  return { type: m[1], subtype: m[2], params: params.filter((p) => p !== '').map((p) => p.replace(/\s*=\s*/, '=')).sort() }
}

function checkProxyCache (config: ProxyCacheConfig): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = []
  config.content_type.forEach((ct, i) => {
    if (parseMediaRange(ct) === null) issues.push({ path: `content_type[${i}]`, message: 'must be a media type such as application/json' })
  })
  return issues
}

export const proxyCacheSpec = definePluginSpec({
  name: 'proxy-cache',
  version: '1.0.0',
  priority: 100,
  description: 'Caches upstream responses in memory by method, status and content type, and answers repeated requests from the cache without calling the upstream.',
  schema: ProxyCacheConfigSchema,
  check: checkProxyCache
})
