import { createPublicKey, type KeyObject } from 'node:crypto'
import type { GatewayConfig, JwtSecretConfig } from '../../contract/gateway-config.js'
import { cookieValue } from '../../cookie-value.js'
import { alreadyAuthenticated, authenticate, refuseOrAnonymous, resolveAnonymous, type AuthFailure } from '../consumer-identity.js'
import { definePluginHandler, type PluginRequestContext } from '../types.js'
import { decodeToken, verifySignature } from './jwt-token.js'
import { jwtSpec, type JwtConfig } from './schema.js'

// Kong's jwt: the token is read from the query (uri_param_names), then cookies, then `Bearer`
// headers; its `key_claim_name` claim (payload, else header) selects a consumer's JWT secret by its
// key; the algorithm must be the secret's; the signature, then `claims_to_verify` (with `leeway`)
// and `maximum_expiration` are checked. Secrets and public keys are prepared once per config
// (HMAC bytes, their base64 decoding, KeyObjects), never per request. Errors are Kong's.
// The verified token is left in `vars` as `authenticated_jwt_token` (Kong's ctx.shared name).

type SecretAlg = JwtSecretConfig['algorithm']

interface JwtKey {
  consumer: number
  id: string | null
  key: string
  algorithm: SecretAlg
  secret: Buffer | null
  secretBase64: Buffer | null
  publicKey: KeyObject | null
}

interface JwtState {
  config: JwtConfig
  keys: Map<string, JwtKey>
  anonymous: number | null | undefined
  challenge: Record<string, string>
  claims: ReadonlyArray<'exp' | 'nbf'>
}

function keyTable (gateway: GatewayConfig): Map<string, JwtKey> {
  const keys = new Map<string, JwtKey>()
  ;(gateway.consumers ?? []).forEach((c, consumer) => {
    for (const s of c.credentials.jwt_secrets ?? []) {
      if (keys.has(s.key)) continue
      const hmac = s.algorithm.startsWith('HS')
      keys.set(s.key, {
        consumer,
        id: s.id,
        key: s.key,
        algorithm: s.algorithm,
        secret: hmac && s.secret !== null ? Buffer.from(s.secret, 'utf8') : null,
        secretBase64: hmac && s.secret !== null ? Buffer.from(s.secret, 'base64') : null,
        // The contract checked it parses for its algorithm; a throw here rejects the config.
        publicKey: !hmac && s.rsa_public_key !== null ? createPublicKey(s.rsa_public_key) : null
      })
    }
  })
  return keys
}

/** A cookie's value, without the double quotes a token may be sent in. */
function cookie (header: string | undefined, name: string): string | undefined {
  const value = cookieValue(header, name)
  return value !== undefined && value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value
}

const BEARER = /^\s*bearer\s+(.+?)\s*$/i

/** The token of the request, 'multiple' when a query parameter is repeated, or null. */
function tokenOf (ctx: PluginRequestContext, config: JwtConfig): string | 'multiple' | null {
  for (const name of config.uri_param_names) {
    const values = ctx.request.query.getAll(name)
    if (values.length > 1) return 'multiple'
    if (values.length === 1) return values[0]
  }
  if (config.cookie_names.length > 0) {
    const header = ctx.request.header('cookie')
    for (const name of config.cookie_names) {
      const v = cookie(header, name)
      if (v !== undefined && v !== '') return v
    }
  }
  for (const name of config.header_names) {
    const m = BEARER.exec(ctx.request.header(name) ?? '')
    if (m !== null) return m[1]
  }
  return null
}

/** Kong's registered-claim errors ({ exp: "token expired" } …), or null when the token passes. */
function claimErrors (claims: Record<string, unknown>, state: JwtState): Record<string, string> | null {
  const now = Math.floor(Date.now() / 1000)
  const leeway = state.config.leeway
  const errors: Record<string, string> = {}
  for (const name of state.claims) {
    const v = claims[name]
    if (typeof v !== 'number' || !Number.isFinite(v)) errors[name] = 'must be a number'
    else if (name === 'exp' && v <= now - leeway) errors.exp = 'token expired'
    else if (name === 'nbf' && v > now + leeway) errors.nbf = 'token not valid yet'
  }
  if (Object.keys(errors).length > 0) return errors
  const max = state.config.maximum_expiration
  if (max > 0) {
    const exp = claims.exp
    if (typeof exp !== 'number' || exp - now > max) return { exp: 'exceeds maximum allowed expiration' }
  }
  return null
}

export const jwtHandler = definePluginHandler(jwtSpec, {
  configure (config, ctx): JwtState {
    return {
      config,
      keys: ctx.memo('keys', () => keyTable(ctx.gateway)),
      anonymous: resolveAnonymous(config.anonymous, ctx),
      challenge: { 'WWW-Authenticate': config.realm === undefined ? 'Bearer' : `Bearer realm="${config.realm}"` },
      claims: config.claims_to_verify ?? []
    }
  },
  access (ctx, state) {
    const config = state.config
    if (!config.run_on_preflight && ctx.request.method === 'OPTIONS') return
    if (state.anonymous !== undefined && alreadyAuthenticated(ctx)) return
    const fail = (body: Record<string, unknown>): void => {
      const failure: AuthFailure = { status: 401, body, headers: state.challenge }
      refuseOrAnonymous(ctx, state.anonymous, failure)
    }
    const token = tokenOf(ctx, config)
    if (token === null) return fail({ message: 'Unauthorized' })
    if (token === 'multiple') return fail({ message: 'Multiple tokens provided' })
    const jwt = decodeToken(token)
    if (typeof jwt === 'string') return fail({ message: `Bad token; ${jwt}` })
    const claim = config.key_claim_name
    const keyValue = jwt.claims[claim] ?? jwt.header[claim]
    if (keyValue === undefined || keyValue === null) return fail({ message: `No mandatory '${claim}' in claims` })
    if (typeof keyValue !== 'string' || keyValue === '') return fail({ message: `Invalid '${claim}' in claims` })
    const secret = state.keys.get(keyValue)
    if (secret === undefined) return fail({ message: `No credentials found for given '${claim}'` })
    if (jwt.alg !== secret.algorithm) return fail({ message: 'Invalid algorithm' })
    const material = secret.publicKey ?? (config.secret_is_base64 ? secret.secretBase64 : secret.secret)
    if (material === null || (Buffer.isBuffer(material) && material.length === 0)) return fail({ message: 'Invalid key/secret' })
    if (!verifySignature(jwt, material)) return fail({ message: 'Invalid signature' })
    const errors = claimErrors(jwt.claims, state)
    if (errors !== null) return fail(errors)
    authenticate(ctx, secret.consumer, { id: secret.id, identifier: secret.key })
    ctx.vars.set('authenticated_jwt_token', token)
  }
})
