// A valid consumer's credential lists → ConsumerCredentials: secrets in their stored forms only
// (key → SHA-256, plaintext password → DB-less verifier; see credential-secrets.ts), defaults
// filled in, keys in sorted order, empty lists left out. Runs only after the checks passed.

import type { ConsumerCredentials, JwtSecretConfig } from '../gateway-config.js'
import { keyHash, plaintextPasswordVerifier } from '../credential-secrets.js'
import type { AclInput, BasicAuthCredentialInput, ConsumerInput, JwtSecretInput, KeyAuthCredentialInput } from './schema.js'

function idOf (c: { id?: string }): string | null {
  return c.id?.toLowerCase() ?? null
}

export function normalizeCredentials (c: ConsumerInput): ConsumerCredentials {
  const out: ConsumerCredentials = {}
  // Assigned in sorted key order (config-hash.ts).
  if (c.acls !== undefined && c.acls.length > 0) out.acls = c.acls.map(acl)
  if (c.basicauth_credentials !== undefined && c.basicauth_credentials.length > 0) out.basicauth_credentials = c.basicauth_credentials.map(basicAuth)
  if (c.jwt_secrets !== undefined && c.jwt_secrets.length > 0) out.jwt_secrets = c.jwt_secrets.map(jwtSecret)
  if (c.keyauth_credentials !== undefined && c.keyauth_credentials.length > 0) out.keyauth_credentials = c.keyauth_credentials.map(keyAuth)
  return out
}

function acl (a: AclInput): NonNullable<ConsumerCredentials['acls']>[number] {
  return { group: a.group, id: idOf(a), tags: [...(a.tags ?? [])] }
}

function basicAuth (b: BasicAuthCredentialInput): NonNullable<ConsumerCredentials['basicauth_credentials']>[number] {
  const hash = b.password_hash ?? plaintextPasswordVerifier(b.username, b.password as string)
  return { id: idOf(b), password_hash: hash, tags: [...(b.tags ?? [])], username: b.username }
}

function jwtSecret (j: JwtSecretInput): JwtSecretConfig {
  const algorithm = j.algorithm ?? 'HS256'
  const hmac = algorithm.startsWith('HS')
  return {
    algorithm,
    id: idOf(j),
    key: j.key,
    rsa_public_key: hmac ? null : j.rsa_public_key ?? null,
    secret: hmac ? j.secret ?? null : null,
    tags: [...(j.tags ?? [])]
  }
}

function keyAuth (k: KeyAuthCredentialInput): NonNullable<ConsumerCredentials['keyauth_credentials']>[number] {
  return { id: idOf(k), key_hash: k.key_hash?.toLowerCase() ?? keyHash(k.key as string), tags: [...(k.tags ?? [])] }
}
