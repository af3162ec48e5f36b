import { createHash } from 'node:crypto'
import { definePluginHandler, type HeaderEditor, type PluginRequestContext } from '../types.js'
import { parseMediaRange, proxyCacheSpec, type MediaRange, type ProxyCacheConfig } from './schema.js'
import { memoryStore, type CachedResponse, type MemoryStore } from './memory-store.js'

// Kong's proxy-cache, memory strategy. Per request:
//   access    a request whose method is not cached (or, with cache_control, that says no-store /
//             no-cache or carries Authorization) is a Bypass. Otherwise its key is computed (Kong's
//             recipe: consumer and route, method, path, query parameters, vary headers; SHA-256)
//             and looked up: a fresh entry answers at once (Hit) without calling the upstream; a
//             stale one (Refresh) or none (Miss) goes upstream.
//   response  Hit: the stored headers plus Age, X-Cache-Status, X-Cache-Key. Miss/Refresh: if the
//             upstream's response is cacheable (status, content type, Cache-Control) its body is
//             kept while it streams to the client (keepBody: nothing waits for the whole body);
//             otherwise X-Cache-Status: Bypass.
//   log       a kept, complete body is stored with the response's final status and headers.
// Only upstream responses are stored (not a plugin's early answer, not a gateway error).

const VAR = 'proxy-cache'

/** Largest body kept for the cache; a larger response is served and not stored. */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024

type CacheStatus = 'Miss' | 'Hit' | 'Refresh' | 'Bypass'

/** Per-request state, in ctx.vars. */
interface Pending {
  status: CacheStatus
  key: string | null
  hit: CachedResponse | null
  /** Set in the response phase when the response is to be stored: its freshness TTL in seconds. */
  storeTtl: number | null
}

interface ProxyCacheState {
  config: ProxyCacheConfig
  store: MemoryStore
  methods: ReadonlySet<string>
  statuses: ReadonlySet<number>
  contentTypes: MediaRange[]
  varyQuery: string[] | null
  varyHeaders: string[]
  entryLimit: number
}

// ---- Cache-Control ----

type Directives = Map<string, string | number | true>

const NO_DIRECTIVES: Directives = new Map()

function parseCacheControl (value: string | undefined): Directives {
  if (value === undefined || value === '') return NO_DIRECTIVES
  const out: Directives = new Map()
  for (const part of value.split(',')) {
    const eq = part.indexOf('=')
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase()
    if (name === '') continue
    if (eq < 0) { out.set(name, true); continue }
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
    const n = Number(raw)
    out.set(name, raw !== '' && Number.isFinite(n) ? n : raw)
  }
  return out
}

const numberOf = (d: Directives, name: string): number | undefined => {
  const v = d.get(name)
  return typeof v === 'number' ? v : undefined
}

/** Kong's resource_ttl: s-maxage, else max-age, else Expires − now; never negative. */
function responseTtl (cc: Directives, headers: HeaderEditor, now: number): number {
  let ttl = numberOf(cc, 's-maxage') ?? numberOf(cc, 'max-age')
  if (ttl === undefined) {
    const expires = headers.getAll('expires').at(-1)
    const at = expires === undefined ? NaN : Date.parse(expires)
    if (!Number.isNaN(at)) ttl = Math.floor((at - now) / 1000)
  }
  return ttl === undefined ? 0 : Math.max(ttl, 0)
}

// ---- the key ----

function paramsKey (ctx: PluginRequestContext, vary: string[] | null): string {
  const query = ctx.request.query
  const names = vary ?? [...new Set(query.keys())].sort()
  const parts: string[] = []
  for (const name of names) {
    const values = query.getAll(name)
    if (values.length === 0) continue
    parts.push(`${name}=${values.length === 1 ? values[0] : values.sort().join(',')}`)
  }
  return parts.join(':')
}

function headersKey (ctx: PluginRequestContext, vary: string[]): string {
  const parts: string[] = []
  for (const name of vary) {
    const v = ctx.request.headers[name]
    if (v === undefined) continue
    parts.push(`${name}=${Array.isArray(v) ? [...v].sort().join(',') : v}`)
  }
  return parts.join(':')
}

function cacheKey (ctx: PluginRequestContext, state: ProxyCacheState): string {
  const route = ctx.route.id ?? ctx.route.name ?? `route#${String(ctx.route.paths)}`
  const consumer = ctx.consumer
  const prefix = consumer === null ? route : `${consumer.id ?? consumer.username ?? consumer.custom_id ?? ''}:${route}`
  const path = state.config.ignore_uri_case ? ctx.request.path.toLowerCase() : ctx.request.path
  return createHash('sha256')
    .update(`${prefix}|${ctx.request.method}|${path}|${paramsKey(ctx, state.varyQuery)}|${headersKey(ctx, state.varyHeaders)}`)
    .digest('hex')
}

// ---- responses ----

function contentTypeMatches (value: string | undefined, ranges: MediaRange[]): boolean {
  if (value === undefined || value === '') return false
  const actual = parseMediaRange(value)
  if (actual === null) return false
  return ranges.some((r) =>
    (r.type === '*' || r.type === actual.type) &&
    (r.subtype === '*' || r.subtype === actual.subtype) &&
    (r.params.length === 0 || r.params.join(';') === actual.params.join(';')))
}

/** Not stored: hop-by-hop headers, the length (recomputed), the cache's own headers, remaining rate limits. */
const NOT_STORED = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade', 'content-length', 'age', 'x-cache-status', 'x-cache-key'])

function storedHeaders (headers: HeaderEditor): string[] {
  const out: string[] = []
  for (const [name, value] of headers.entries()) {
    const lower = name.toLowerCase()
    if (NOT_STORED.has(lower) || lower.includes('ratelimit-remaining')) continue
    out.push(name, value)
  }
  return out
}

function setCacheHeaders (ctx: PluginRequestContext, state: ProxyCacheState, pending: Pending): void {
  const headers = ctx.response?.headers
  if (headers === undefined) return
  const wanted = state.config.response_headers
  if (wanted['X-Cache-Status']) headers.set('X-Cache-Status', pending.status)
  if (wanted['X-Cache-Key'] && pending.key !== null) headers.set('X-Cache-Key', pending.key)
}

export const proxyCacheHandler = definePluginHandler(proxyCacheSpec, {
  configure (config: ProxyCacheConfig, ctx): ProxyCacheState {
    const { dictionary_name: name, dictionary_size: size, max_entries: entries } = config.memory
    // Instances sharing a dictionary must agree on its bounds (it is one store).
    const bounds = ctx.memo('dictionaries', () => new Map<string, string>())
    const mine = `${size} bytes, ${entries} entries`
    const other = bounds.get(name)
    if (other !== undefined && other !== mine) throw new Error(`dictionary "${name}" is configured with two sizes (${other}; ${mine})`)
    bounds.set(name, mine)
    return {
      config,
      store: memoryStore(name, size, entries),
      methods: new Set(config.request_method),
      statuses: new Set(config.response_code),
      contentTypes: config.content_type.map((ct) => parseMediaRange(ct) as MediaRange),
      varyQuery: config.vary_query_params !== undefined && config.vary_query_params.length > 0 ? config.vary_query_params : null,
      varyHeaders: (config.vary_headers ?? []).map((h) => h.toLowerCase()),
      entryLimit: Math.min(size, MAX_ENTRY_BYTES)
    }
  },

  access (ctx, state) {
    const config = state.config
    const cc = config.cache_control ? parseCacheControl(ctx.request.header('cache-control')) : NO_DIRECTIVES
    if (!state.methods.has(ctx.request.method) ||
        (config.cache_control && (cc.has('no-store') || cc.has('no-cache') || ctx.request.header('authorization') !== undefined))) {
      ctx.vars.set(VAR, { status: 'Bypass', key: null, hit: null, storeTtl: null } satisfies Pending)
      return
    }
    const key = cacheKey(ctx, state)
    const now = Date.now()
    const entry = state.store.get(key, now)
    if (entry === undefined) {
      if (config.cache_control && cc.has('only-if-cached')) {
        ctx.exit(504)
        return
      }
      ctx.vars.set(VAR, { status: 'Miss', key, hit: null, storeTtl: null } satisfies Pending)
      return
    }
    const age = (now - entry.storedAt) / 1000
    let fresh: boolean
    if (config.cache_control) {
      const maxAge = numberOf(cc, 'max-age')
      const maxStale = numberOf(cc, 'max-stale')
      const minFresh = numberOf(cc, 'min-fresh')
      fresh = !((maxAge !== undefined && age > maxAge) ||
        (maxStale !== undefined && age - entry.ttl > maxStale) ||
        (minFresh !== undefined && entry.ttl - age < minFresh))
    } else {
      fresh = age <= config.cache_ttl
    }
    if (!fresh) {
      ctx.vars.set(VAR, { status: 'Refresh', key, hit: null, storeTtl: null } satisfies Pending)
      return
    }
    ctx.vars.set(VAR, { status: 'Hit', key, hit: entry, storeTtl: null } satisfies Pending)
    ctx.exit(entry.status, entry.body)
  },

  response (ctx, state) {
    const pending = ctx.vars.get(VAR) as Pending | undefined
    const response = ctx.response
    if (pending === undefined || response === null) return
    if (pending.status === 'Hit' && pending.hit !== null && response.source === 'exit') {
      const hit = pending.hit
      for (let i = 0; i < hit.headers.length; i += 2) response.headers.add(hit.headers[i], hit.headers[i + 1])
      if (state.config.response_headers.age) response.headers.set('Age', String(Math.floor((Date.now() - hit.storedAt) / 1000)))
      setCacheHeaders(ctx, state, pending)
      return
    }
    if (pending.status === 'Miss' || pending.status === 'Refresh') {
      const config = state.config
      const cc = config.cache_control ? parseCacheControl(response.headers.getAll('cache-control').join(', ')) : NO_DIRECTIVES
      const ttl = config.cache_control ? responseTtl(cc, response.headers, Date.now()) : config.cache_ttl
      const cacheable = response.source === 'upstream' &&
        state.statuses.has(response.status) &&
        contentTypeMatches(response.headers.get('content-type'), state.contentTypes) &&
        !(config.cache_control && (cc.has('private') || cc.has('no-store') || cc.has('no-cache') || ttl <= 0))
      if (cacheable) {
        pending.storeTtl = ttl
        response.keepBody(state.entryLimit)
      } else {
        pending.status = 'Bypass'
      }
    }
    setCacheHeaders(ctx, state, pending)
  },

  log (ctx, state) {
    const pending = ctx.vars.get(VAR) as Pending | undefined
    const response = ctx.response
    if (pending === undefined || pending.storeTtl === null || pending.key === null || response === null || response.body === null) return
    const now = Date.now()
    const storageTtl = state.config.storage_ttl ?? pending.storeTtl
    state.store.set(pending.key, {
      status: response.status,
      headers: storedHeaders(response.headers),
      body: response.body,
      storedAt: now,
      ttl: pending.storeTtl,
      expiresAt: now + storageTtl * 1000
    })
  }
})
