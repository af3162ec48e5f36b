import { parsePasswordHash, verifyPasswordSync, type PasswordVerifier } from '../../contract/credential-secrets.js'
import type { GatewayConfig } from '../../contract/gateway-config.js'
import { alreadyAuthenticated, authenticate, refuseOrAnonymous, resolveAnonymous, type AuthFailure } from '../consumer-identity.js'
import { definePluginHandler, type PluginRequestContext } from '../types.js'
import { basicAuthSpec, type BasicAuthConfig } from './schema.js'
import { knownGood, verifyAndRemember } from './verified-cache.js'

// Kong's basic-auth: `Proxy-Authorization`, then `Authorization`, carrying `Basic base64(user:pass)`.
// Nodes hold no password, only its verifier: an scrypt hash (from the control plane), checked on
// libuv's thread pool with the result remembered (verified-cache.ts), or for a DB-less file's
// plaintext an HMAC checked at once. Digests are compared in constant time. An unknown username is
// refused without a KDF call (so it answers faster than a wrong password: usernames are not secret).

interface Login { consumer: number, id: string | null, username: string, hash: string, verifier: PasswordVerifier }

interface BasicAuthState {
  config: BasicAuthConfig
  logins: Map<string, Login>
  anonymous: number | null | undefined
  refusal: AuthFailure
}

function loginTable (gateway: GatewayConfig): Map<string, Login> {
  const logins = new Map<string, Login>()
  ;(gateway.consumers ?? []).forEach((c, consumer) => {
    for (const b of c.credentials.basicauth_credentials ?? []) {
      const verifier = parsePasswordHash(b.password_hash)
      // The contract accepted it; a throw here rejects the config rather than failing requests.
      if (typeof verifier === 'string') throw new Error(`basic-auth credential ${b.username}: ${verifier}`)
      if (!logins.has(b.username)) logins.set(b.username, { consumer, id: b.id, username: b.username, hash: b.password_hash, verifier })
    }
  })
  return logins
}

const BASIC = /^\s*basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i

/** `Basic base64(username:password)` → its parts, or null (as Kong: a username of at least one character, no colon). */
function credentialsIn (header: string | undefined): { username: string, password: string } | null {
  if (header === undefined) return null
  const m = BASIC.exec(header)
  if (m === null) return null
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0) return null
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

function accept (ctx: PluginRequestContext, login: Login): void {
  authenticate(ctx, login.consumer, { id: login.id, identifier: login.id ?? login.username })
}

export const basicAuthHandler = definePluginHandler(basicAuthSpec, {
  configure (config, ctx): BasicAuthState {
    return {
      config,
      logins: ctx.memo('logins', () => loginTable(ctx.gateway)),
      anonymous: resolveAnonymous(config.anonymous, ctx),
      refusal: { status: 401, body: { message: 'Unauthorized' }, headers: { 'WWW-Authenticate': `Basic realm="${config.realm}"` } }
    }
  },
  access (ctx, state) {
    if (state.anonymous !== undefined && alreadyAuthenticated(ctx)) return
    const refuse = (): void => refuseOrAnonymous(ctx, state.anonymous, state.refusal)
    const proxyHeader = ctx.request.header('proxy-authorization')
    const header = ctx.request.header('authorization')
    if (proxyHeader === undefined && header === undefined) return refuse()
    let given = credentialsIn(proxyHeader)
    let login = given === null ? undefined : state.logins.get(given.username)
    if (login === undefined) {
      given = credentialsIn(header)
      login = given === null ? undefined : state.logins.get(given.username)
    }
    if (state.config.hide_credentials) {
      ctx.upstream.headers.remove('proxy-authorization')
      ctx.upstream.headers.remove('authorization')
    }
    if (login === undefined || given === null) return refuse()
    const found = login
    const password = given.password
    const now = verifyPasswordSync(found.verifier, password)
    if (now !== null) return now ? accept(ctx, found) : refuse()
    const cached = knownGood(found.hash, password)
    if (cached.hit) return accept(ctx, found)
    return verifyAndRemember(cached.key, found.verifier, password).then((ok) => ok ? accept(ctx, found) : refuse())
  }
})
