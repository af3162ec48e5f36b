import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto'

// Compact JWS tokens as Kong's jwt plugin reads them (kong/plugins/jwt/jwt_parser.lua): three
// base64url parts, a JSON header whose `alg` is one Atrium verifies, JSON claims, a signature.
// `none` and every other algorithm are refused before any key is looked up; the algorithm a secret
// is registered with must equal the token's (checked by the handler), so a public key can never be
// used as an HMAC secret.

type Alg = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384'

const ALGORITHMS: Record<Alg, { hash: string, kind: 'hmac' | 'rsa' | 'ec', size?: number }> = {
  HS256: { hash: 'sha256', kind: 'hmac' },
  HS384: { hash: 'sha384', kind: 'hmac' },
  HS512: { hash: 'sha512', kind: 'hmac' },
  RS256: { hash: 'sha256', kind: 'rsa' },
  RS384: { hash: 'sha384', kind: 'rsa' },
  RS512: { hash: 'sha512', kind: 'rsa' },
  ES256: { hash: 'sha256', kind: 'ec', size: 64 },
  ES384: { hash: 'sha384', kind: 'ec', size: 96 }
}

export interface DecodedToken {
  alg: Alg
  header: Record<string, unknown>
  claims: Record<string, unknown>
  /** `header.payload`, what the signature covers. */
  signingInput: string
  signature: Buffer
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/

function part (text: string): Buffer | null {
  return BASE64URL.test(text) ? Buffer.from(text, 'base64url') : null
}

function jsonObject (bytes: Buffer | null): Record<string, unknown> | null {
  if (bytes === null) return null
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'))
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : null
  } catch {
    return null
  }
}

/** The token's parts, or why it is not one (Kong's words: `invalid JSON`, `invalid alg`, …). */
export function decodeToken (token: string): DecodedToken | string {
  const parts = token.split('.')
  if (parts.length !== 3) return 'invalid JSON'
  const header = jsonObject(part(parts[0]))
  const claims = jsonObject(part(parts[1]))
  const signature = part(parts[2])
  if (header === null || claims === null) return 'invalid JSON'
  if (typeof header.alg !== 'string' || !Object.hasOwn(ALGORITHMS, header.alg)) return 'invalid alg'
  if (signature === null) return 'invalid signature'
  return { alg: header.alg as Alg, header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature }
}

/** Checks the signature with an HMAC secret (HS*) or a public key (RS*, ES*); HMACs are compared in constant time. */
export function verifySignature (token: DecodedToken, key: Buffer | KeyObject): boolean {
  const { hash, kind, size } = ALGORITHMS[token.alg]
  if (kind === 'hmac') {
    if (!Buffer.isBuffer(key)) return false
    const expected = createHmac(hash, key).update(token.signingInput).digest()
    return expected.length === token.signature.length && timingSafeEqual(expected, token.signature)
  }
  if (Buffer.isBuffer(key)) return false
  if (kind === 'ec' && token.signature.length !== size) return false
  try {
    return verify(hash, Buffer.from(token.signingInput), kind === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key, token.signature)
  } catch {
    return false
  }
}
