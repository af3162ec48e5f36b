// `_transform: false` (Kong's flag for files whose entities are already transformed, as
// `kong config db_export` writes them): a basic-auth `password` is then Kong's digest of the
// password, SHA-1 hex of password .. consumer id (kong/plugins/basic-auth/crypto.lua), not the
// password. It becomes `password_hash: $kong-sha1$<consumer id>$<digest>` here, before anything
// else reads the document, and is verified as Kong does (credential-secrets.ts). Taking it as a
// plaintext password would lock every migrated user out.

import { kongDigestVerifier } from '../credential-secrets.js'
import { isObject, joinPath } from './paths.js'
import type { Issues } from './types.js'

const SHA1_HEX = /^[0-9a-fA-F]{40}$/
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** `doc` with Kong digests as password hashes when `_transform` is false (a copy then); `doc` itself otherwise. */
export function withKongDigests (doc: Record<string, unknown>, issues: Issues): Record<string, unknown> {
  if (doc._transform !== false || !Array.isArray(doc.consumers)) return doc
  const consumers = doc.consumers.map((c: unknown, i) => {
    if (!isObject(c) || !Array.isArray(c.basicauth_credentials)) return c
    const at = joinPath('consumers', i)
    const list = c.basicauth_credentials.map((b: unknown, j) => {
      if (!isObject(b) || typeof b.password !== 'string') return b
      const path = joinPath(joinPath(joinPath(at, 'basicauth_credentials'), j), 'password')
      if (!SHA1_HEX.test(b.password)) {
        issues.error(path, 'must be Kong\'s SHA-1 digest (40 hex digits) when _transform is false')
        return b
      }
      if (typeof c.id !== 'string' || !UUID.test(c.id)) {
        issues.error(joinPath(at, 'id'), 'is required when _transform is false: Kong salts a basic-auth password digest with the consumer id')
        return b
      }
      const { password, ...rest } = b
      return { ...rest, password_hash: kongDigestVerifier(c.id, password) }
    })
    return { ...c, basicauth_credentials: list }
  })
  return { ...doc, consumers }
}
