import { keyHash } from '../../contract/credential-secrets.js'
import type { GatewayConfig } from '../../contract/gateway-config.js'
import { alreadyAuthenticated, authenticate, refuseOrAnonymous, resolveAnonymous, type AuthFailure } from '../consumer-identity.js'
import { definePluginHandler, type AuthenticatedCredential, type PluginRequestContext } from '../types.js'
import { keyAuthSpec, type KeyAuthConfig } from './schema.js'

// Kong's key-auth. For each of `key_names` in order the key is looked for in a header, then a query
// parameter, then a body field (as enabled); the first found is used (a parameter given twice is
// refused, as Kong does). Keys are known only by their SHA-256 (credential-secrets.ts): the table
// built in configure maps hash → consumer, so a request costs one SHA-256 and one Map lookup, and
// no key is compared, stored or logged in plaintext.

/** The credential object is built once per config, so a request allocates none. */
interface KeyOwner { consumer: number, credential: AuthenticatedCredential }

interface KeyAuthState {
  config: KeyAuthConfig
  keys: Map<string, KeyOwner>
  anonymous: number | null | undefined
  challenge: Record<string, string>
}

function keyTable (gateway: GatewayConfig): Map<string, KeyOwner> {
  const keys = new Map<string, KeyOwner>()
  ;(gateway.consumers ?? []).forEach((c, consumer) => {
    for (const k of c.credentials.keyauth_credentials ?? []) {
      if (!keys.has(k.key_hash)) keys.set(k.key_hash, { consumer, credential: { id: k.id, identifier: k.id } })
    }
  })
  return keys
}

type BodyKind = 'form' | 'json'

function bodyKind (ctx: PluginRequestContext): BodyKind | null {
  const type = (ctx.request.header('content-type') ?? '').split(';')[0].trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded') return 'form'
  if (type === 'application/json' || type.endsWith('+json')) return 'json'
  return null
}

/** The request body's fields (read by the runner for this plugin), or null. */
function bodyFields (ctx: PluginRequestContext): { kind: BodyKind, form?: URLSearchParams, json?: Record<string, unknown> } | null {
  const body = ctx.request.body
  const kind = bodyKind(ctx)
  if (body === null || kind === null) return null
  if (kind === 'form') return { kind, form: new URLSearchParams(body.toString('utf8')) }
  try {
    const json: unknown = JSON.parse(body.toString('utf8'))
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? { kind, json: json as Record<string, unknown> } : null
  } catch {
    return null
  }
}

type Found = { key: string, name: string, body: ReturnType<typeof bodyFields> } | 'duplicate' | null

function findKey (ctx: PluginRequestContext, config: KeyAuthConfig): Found {
  let body: ReturnType<typeof bodyFields> | undefined
  for (const name of config.key_names) {
    if (config.key_in_header) {
      const v = ctx.request.header(name)
      if (v !== undefined) return { key: v, name, body: null }
    }
    if (config.key_in_query) {
      const values = ctx.request.query.getAll(name)
      if (values.length > 1) return 'duplicate'
      if (values.length === 1) return { key: values[0], name, body: null }
    }
    if (config.key_in_body) {
      body ??= bodyFields(ctx)
      const values: unknown[] = body === null ? [] : body.form !== undefined ? body.form.getAll(name) : body.json?.[name] === undefined ? [] : [body.json[name]]
      if (values.length > 1 || Array.isArray(values[0])) return 'duplicate'
      if (typeof values[0] === 'string') return { key: values[0], name, body }
    }
  }
  return null
}

/** The query string without the parameters named `name` (the others kept byte for byte). */
function withoutParam (query: string, name: string): string {
  if (query === '') return query
  return query.split('&').filter((pair) => {
    const raw = pair.split('=')[0].replace(/\+/g, ' ')
    try { return decodeURIComponent(raw) !== name } catch { return raw !== name }
  }).join('&')
}

function hideKey (ctx: PluginRequestContext, found: Exclude<Found, 'duplicate' | null>): void {
  ctx.upstream.headers.remove(found.name)
  ctx.upstream.query = withoutParam(ctx.upstream.query, found.name)
  const body = found.body
  if (body === null) return
  if (body.form !== undefined) {
    body.form.delete(found.name)
    ctx.upstream.body = Buffer.from(body.form.toString(), 'utf8')
  } else if (body.json !== undefined) {
    const { [found.name]: _removed, ...rest } = body.json
    void _removed
    ctx.upstream.body = Buffer.from(JSON.stringify(rest), 'utf8')
  }
}

function failure (state: KeyAuthState, message: string): AuthFailure {
  return { status: 401, body: { message }, headers: state.challenge }
}

export const keyAuthHandler = definePluginHandler(keyAuthSpec, {
  // The body is read (bounded by the runner) only when keys may be in it and it is a form or JSON.
  transformsRequestBody: (ctx, state: KeyAuthState) => state.config.key_in_body && ctx.request.hasBody && bodyKind(ctx) !== null,
  configure (config, ctx): KeyAuthState {
    return {
      config,
      keys: ctx.memo('keys', () => keyTable(ctx.gateway)),
      anonymous: resolveAnonymous(config.anonymous, ctx),
      challenge: { 'WWW-Authenticate': config.realm === undefined ? 'Key' : `Key realm="${config.realm}"` }
    }
  },
  access (ctx, state) {
    const config = state.config
    if (!config.run_on_preflight && ctx.request.method === 'OPTIONS') return
    if (state.anonymous !== undefined && alreadyAuthenticated(ctx)) return
    const found = findKey(ctx, config)
    if (found === 'duplicate') return refuseOrAnonymous(ctx, state.anonymous, failure(state, 'Duplicate API key found'))
    if (found === null || found.key === '') return refuseOrAnonymous(ctx, state.anonymous, failure(state, 'No API key found in request'))
    if (config.hide_credentials) hideKey(ctx, found)
    const owner = state.keys.get(keyHash(found.key))
    if (owner === undefined) return refuseOrAnonymous(ctx, state.anonymous, failure(state, 'Unauthorized'))
    authenticate(ctx, owner.consumer, owner.credential)
  }
})
