import { createHash, randomBytes } from 'node:crypto'

// A data-plane token is `atdp_` + 32 random bytes (base64url). The prefix lets secret scanners and
// people recognise one; the CP keeps only its SHA-256, so a leaked store leaks no usable token
// (the token has 256 bits of entropy, so a plain hash needs no salt or slow KDF).

export const TOKEN_PREFIX = 'atdp_'

export function generateToken (): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

export function hashToken (token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken (header: string | undefined): string | null {
  if (header === undefined) return null
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
  return m === null ? null : m[1]
}
