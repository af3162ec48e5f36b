import RE2 from 're2'
import { definePluginHandler, type HeaderEditor, type PluginRequestContext } from '../types.js'
import { corsSpec, normalizeOrigin, originRule, type CorsConfig } from './schema.js'

// Kong's cors (3.x behaviour). A preflight (OPTIONS with Origin and Access-Control-Request-Method)
// is answered in access with 200 and the Access-Control-* headers, without calling the upstream,
// unless preflight_continue (then it is proxied and gets no CORS headers from this plugin). Every
// other response (upstream, another plugin's early answer, gateway error) gets the origin,
// credentials and exposed headers in the response phase. When origins are restricted, Vary: Origin
// is always sent (caches must key on it) and Access-Control-Allow-Origin is the request's origin
// when it matches, else removed. Everything is computed in configure: a request costs a Set lookup
// and at most two RE2 matches.

interface CorsState {
  /** No restriction: Access-Control-Allow-Origin is "*". */
  allowAll: boolean
  /** Exact origins, normalised (default ports removed). */
  exact: ReadonlySet<string>
  /** One RE2 of all regex entries matched against the whole origin, and one for those matched against its host. */
  byOrigin: RE2 | null
  byHost: RE2 | null
  credentials: boolean
  allowOriginAbsent: boolean
  privateNetwork: boolean
  preflightContinue: boolean
  methods: string
  /** Access-Control-Allow-Headers, or null to echo the request's Access-Control-Request-Headers. */
  allowHeaders: string | null
  exposeHeaders: string | null
  maxAge: string | null
}

function combined (sources: string[]): RE2 | null {
  return sources.length === 0 ? null : new RE2(sources.map((s) => `(?:${s})`).join('|'))
}

function isPreflight (ctx: PluginRequestContext): boolean {
  const headers = ctx.request.headers
  return ctx.request.method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined
}

/** The host of `scheme://host[:port]` (or of `host[:port]`). */
function hostOf (origin: string): string {
  const start = origin.indexOf('://')
  const from = start < 0 ? 0 : start + 3
  let end = origin.length
  if (origin.charCodeAt(from) === 91) { // [ipv6]
    const close = origin.indexOf(']', from)
    return close < 0 ? origin.slice(from) : origin.slice(from, close + 1)
  }
  const colon = origin.indexOf(':', from)
  if (colon >= 0) end = colon
  return origin.slice(from, end)
}

/** The origin to allow for `origin` (normalised), or null when it is not allowed. */
function allowedOrigin (state: CorsState, origin: string): string | null {
  const normalized = normalizeOrigin(origin)
  if (state.exact.has(normalized)) return normalized
  if (state.byOrigin !== null && state.byOrigin.test(normalized)) return normalized
  if (state.byHost !== null && state.byHost.test(hostOf(normalized))) return normalized
  return null
}

function addVaryOrigin (headers: HeaderEditor): void {
  if (!headers.has('vary')) {
    headers.add('Vary', 'Origin') // the common case, without collecting values
    return
  }
  for (const value of headers.getAll('vary')) {
    if (value.trim() === '*' || /(^|,)\s*origin\s*(,|$)/i.test(value)) return
  }
  headers.add('Vary', 'Origin')
}

/** Access-Control-Allow-Origin (+ Vary) and credentials on `headers`, Kong's configure_origin + configure_credentials. */
function applyOrigin (state: CorsState, origin: string | undefined, headers: HeaderEditor, preflight: boolean): void {
  if (state.allowAll) {
    if (state.credentials && origin !== undefined) {
      // "*" cannot go with credentials: allow the request's origin itself.
      headers.set('Access-Control-Allow-Origin', origin)
      headers.set('Access-Control-Allow-Credentials', 'true')
      if (preflight) headers.set('Vary', 'Origin'); else addVaryOrigin(headers)
    } else {
      headers.set('Access-Control-Allow-Origin', '*')
    }
    return
  }
  if (preflight) headers.set('Vary', 'Origin'); else addVaryOrigin(headers)
  const allowed = origin === undefined ? null : allowedOrigin(state, origin)
  if (allowed === null) headers.remove('Access-Control-Allow-Origin')
  else headers.set('Access-Control-Allow-Origin', allowed)
  if (state.credentials) headers.set('Access-Control-Allow-Credentials', 'true')
}

/** The preflight answer's headers, collected as a record for `exit` (names keep their case). */
class RecordHeaders implements HeaderEditor {
  readonly record: Record<string, string> = {}
  #key (name: string): string | undefined {
    const lower = name.toLowerCase()
    for (const key in this.record) if (key.toLowerCase() === lower) return key
    return undefined
  }

  get (name: string): string | undefined { const key = this.#key(name); return key === undefined ? undefined : this.record[key] }
  getAll (name: string): string[] { const v = this.get(name); return v === undefined ? [] : [v] }
  has (name: string): boolean { return this.#key(name) !== undefined }
  set (name: string, value: string | readonly string[]): void { this.remove(name); this.record[name] = typeof value === 'string' ? value : value.join(', ') }
  add (name: string, value: string): void { const v = this.get(name); this.set(name, v === undefined ? value : `${v}, ${value}`) }
  remove (name: string): void { const key = this.#key(name); if (key !== undefined) Reflect.deleteProperty(this.record, key) }
  entries (): Array<[string, string]> { return Object.entries(this.record) }
}

export const corsHandler = definePluginHandler(corsSpec, {
  configure (config: CorsConfig): CorsState {
    const exact = new Set<string>()
    const byOrigin: string[] = []
    const byHost: string[] = []
    let allowAll = (config.origins ?? []).length === 0
    for (const entry of config.origins ?? []) {
      const rule = originRule(entry)
      if (rule === null) allowAll = true
      else if (rule.kind === 'exact') exact.add(rule.origin)
      else (rule.byHost ? byHost : byOrigin).push(rule.source)
    }
    return {
      allowAll,
      exact,
      byOrigin: combined(byOrigin),
      byHost: combined(byHost),
      credentials: config.credentials,
      allowOriginAbsent: config.allow_origin_absent,
      privateNetwork: config.private_network,
      preflightContinue: config.preflight_continue,
      methods: config.methods.join(','),
      allowHeaders: config.headers !== undefined && config.headers.length > 0 ? config.headers.join(',') : null,
      exposeHeaders: config.exposed_headers !== undefined && config.exposed_headers.length > 0 ? config.exposed_headers.join(',') : null,
      maxAge: config.max_age === undefined ? null : String(config.max_age)
    }
  },
  access (ctx, state) {
    if (!isPreflight(ctx) || state.preflightContinue) return
    const headers = ctx.request.headers
    const out = new RecordHeaders()
    applyOrigin(state, headers.origin, out, true)
    const requested = headers['access-control-request-headers']
    if (state.allowHeaders !== null) out.set('Access-Control-Allow-Headers', state.allowHeaders)
    else if (requested !== undefined) out.set('Access-Control-Allow-Headers', requested)
    out.set('Access-Control-Allow-Methods', state.methods)
    if (state.maxAge !== null) out.set('Access-Control-Max-Age', state.maxAge)
    if (state.privateNetwork && headers['access-control-request-private-network'] === 'true') {
      out.set('Access-Control-Allow-Private-Network', 'true')
    }
    ctx.exit(200, undefined, out.record)
  },
  response (ctx, state) {
    const response = ctx.response
    // A preflight was answered in access (or proxied with preflight_continue): nothing to add.
    if (response === null || isPreflight(ctx)) return
    const origin = ctx.request.headers.origin
    if (origin === undefined && !state.allowOriginAbsent) return
    applyOrigin(state, origin, response.headers, false)
    if (state.exposeHeaders !== null) response.headers.set('Access-Control-Expose-Headers', state.exposeHeaders)
  }
})
