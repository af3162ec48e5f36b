// What the authentication plugins (key-auth, basic-auth, jwt) share: identifying the consumer with
// Kong's upstream headers, the `anonymous` consumer, and Kong's "logical OR" between auth plugins.
//
// Headers: on success the upstream gets X-Consumer-ID, X-Consumer-Custom-ID, X-Consumer-Username
// and X-Credential-Identifier for what the consumer has (any the client sent are removed, so they
// cannot be forged), and no X-Anonymous-Consumer; for the anonymous consumer, X-Anonymous-Consumer:
// true and no X-Credential-Identifier. Values are the UTF-8 bytes of the strings (as Kong sends
// them); a value with control characters is left out rather than failing the request.

import type { ConsumerConfig, GatewayConfig } from '../contract/gateway-config.js'
import type { AuthenticatedCredential, PluginConfigureContext, PluginRequestContext } from './types.js'

export const CONSUMER_ID = 'X-Consumer-ID'
export const CONSUMER_CUSTOM_ID = 'X-Consumer-Custom-ID'
export const CONSUMER_USERNAME = 'X-Consumer-Username'
export const CREDENTIAL_IDENTIFIER = 'X-Credential-Identifier'
export const ANONYMOUS_CONSUMER = 'X-Anonymous-Consumer'

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/

/** A string as a header value Node accepts (its UTF-8 bytes), or null when it holds control characters. */
export function headerValue (value: string | null): string | null {
  if (value === null || CONTROL.test(value)) return null
  return Buffer.from(value, 'utf8').toString('latin1')
}

interface ConsumerHeaders { id: string | null, customId: string | null, username: string | null }

/** Per consumer object of a config, computed on first use and dropped with the config. */
const headersOf = new WeakMap<ConsumerConfig, ConsumerHeaders>()

function consumerHeaders (c: ConsumerConfig): ConsumerHeaders {
  let h = headersOf.get(c)
  if (h === undefined) {
    h = { id: headerValue(c.id), customId: headerValue(c.custom_id), username: headerValue(c.username) }
    headersOf.set(c, h)
  }
  return h
}

/**
 * X-Credential-Identifier per credential object: plugins that keep one object per credential for
 * the life of a config (key-auth does) pay for the conversion once; a fresh object is converted once.
 */
const identifierOf = new WeakMap<AuthenticatedCredential, string | null>()

function identifierHeader (credential: AuthenticatedCredential): string | null {
  let v = identifierOf.get(credential)
  if (v === undefined) {
    v = headerValue(credential.identifier)
    identifierOf.set(credential, v)
  }
  return v
}

function setOrRemove (ctx: PluginRequestContext, name: string, value: string | null): void {
  if (value === null) ctx.upstream.headers.remove(name)
  else ctx.upstream.headers.set(name, value)
}

/**
 * Identifies consumer `index` (with its credential, or null for the anonymous consumer) and sets
 * Kong's headers on the upstream request. Plugins of lower priority then run with the consumer's
 * scoped instances.
 */
export function authenticate (ctx: PluginRequestContext, index: number, credential: AuthenticatedCredential | null): void {
  ctx.setConsumer(index, credential)
  const h = consumerHeaders(ctx.consumer as ConsumerConfig)
  setOrRemove(ctx, CONSUMER_ID, h.id)
  setOrRemove(ctx, CONSUMER_CUSTOM_ID, h.customId)
  setOrRemove(ctx, CONSUMER_USERNAME, h.username)
  if (credential === null) {
    ctx.upstream.headers.remove(CREDENTIAL_IDENTIFIER)
    ctx.upstream.headers.set(ANONYMOUS_CONSUMER, 'true')
  } else {
    setOrRemove(ctx, CREDENTIAL_IDENTIFIER, identifierHeader(credential))
    ctx.upstream.headers.remove(ANONYMOUS_CONSUMER)
  }
}

/**
 * Kong's logical OR: a plugin configured with `anonymous` does nothing when an earlier
 * authentication plugin already identified a consumer with a credential.
 */
export function alreadyAuthenticated (ctx: PluginRequestContext): boolean {
  return ctx.credential !== null && ctx.consumerIndex !== null
}

/** Consumers by id and by username, once per config (shared by the instances of one plugin). */
function consumerRefs (gateway: GatewayConfig): Map<string, number> {
  const refs = new Map<string, number>()
  ;(gateway.consumers ?? []).forEach((c, i) => {
    if (c.id !== null && !refs.has(`id:${c.id}`)) refs.set(`id:${c.id}`, i)
    if (c.username !== null && !refs.has(`username:${c.username}`)) refs.set(`username:${c.username}`, i)
  })
  return refs
}

/**
 * What `anonymous` (a consumer id or username, as in Kong) names: undefined when not configured,
 * null when no consumer of the config has it (then, as in Kong, requests that fall back to it get
 * 500; the mistake is logged once here, when the config is applied).
 */
export function resolveAnonymous (anonymous: string | undefined, ctx: PluginConfigureContext): number | null | undefined {
  if (anonymous === undefined) return undefined
  const refs = ctx.memo('consumer-refs', () => consumerRefs(ctx.gateway))
  const index = refs.get(`id:${anonymous.toLowerCase()}`) ?? refs.get(`username:${anonymous}`) ?? null
  if (index === null) ctx.log.error({ anonymous }, 'anonymous consumer not found; requests that fail authentication will get 500')
  return index
}

export interface AuthFailure { status: number, body: Record<string, unknown>, headers?: Record<string, string> }

const UNEXPECTED = { message: 'An unexpected error occurred' }

/** A failed authentication: the anonymous consumer when one is configured, else the plugin's refusal. */
export function refuseOrAnonymous (ctx: PluginRequestContext, anonymous: number | null | undefined, failure: AuthFailure): void {
  if (anonymous === undefined) ctx.exit(failure.status, failure.body, failure.headers)
  else if (anonymous === null) ctx.exit(500, UNEXPECTED)
  else authenticate(ctx, anonymous, null)
}
