// Consumer credentials beyond shape: one of key/key_hash and of password/password_hash, password
// hashes Atrium can verify, JWT secrets with what their algorithm needs (an HMAC secret, or a PEM
// public key of the right type), and uniqueness as Kong has it: key-auth keys, basic-auth usernames,
// JWT keys and credential ids across the runtime group (or file), ACL groups per consumer.
// Key-auth keys are secrets: messages never repeat them.

import { createPublicKey, type KeyObject } from 'node:crypto'
import { keyHash, parsePasswordHash } from '../credential-secrets.js'
import { isObject, joinPath } from './paths.js'
import type { Issues } from './types.js'

type Item = { value: Record<string, unknown>, path: string, consumer: number }

function items (doc: Record<string, unknown>, field: string): Item[] {
  const out: Item[] = []
  if (!Array.isArray(doc.consumers)) return out
  doc.consumers.forEach((c: unknown, i) => {
    if (!isObject(c) || !Array.isArray(c[field])) return
    const base = joinPath(joinPath('consumers', i), field)
    c[field].forEach((value: unknown, j: number) => { if (isObject(value)) out.push({ value, path: joinPath(base, j), consumer: i }) })
  })
  return out
}

/** Reports a second occurrence of `key` (within `scope`) at `path`. */
function createUnique (issues: Issues): (scope: string, key: string, path: string, what: string) => void {
  const seen = new Map<string, string>()
  return (scope, key, path, what) => {
    const k = `${scope}\u0000${key}`
    const first = seen.get(k)
    if (first === undefined) seen.set(k, path.replace(/\.[a-z_]+$/, ''))
    else issues.error(path, `duplicate ${what} (also at ${first})`)
  }
}

function exactlyOne (item: Item, plain: string, hashed: string, issues: Issues): boolean {
  const a = item.value[plain] !== undefined
  const b = item.value[hashed] !== undefined
  if (a && b) issues.error(joinPath(item.path, hashed), `cannot be used with ${plain}`)
  if (!a && !b) issues.error(joinPath(item.path, plain), `is required (or ${hashed})`)
  return a !== b
}

export function checkCredentials (doc: Record<string, unknown>, issues: Issues): void {
  const unique = createUnique(issues)
  for (const field of ['keyauth_credentials', 'basicauth_credentials', 'jwt_secrets', 'acls']) {
    for (const item of items(doc, field)) {
      const id = item.value.id
      if (typeof id === 'string') unique(field, `id:${id.toLowerCase()}`, joinPath(item.path, 'id'), `id "${id}"`)
    }
  }
  for (const item of items(doc, 'keyauth_credentials')) {
    if (!exactlyOne(item, 'key', 'key_hash', issues)) continue
    const { key, key_hash: hash } = item.value
    if (typeof key === 'string') unique('key-auth', keyHash(key), joinPath(item.path, 'key'), 'key')
    else if (typeof hash === 'string') unique('key-auth', hash.toLowerCase(), joinPath(item.path, 'key_hash'), 'key')
  }
  for (const item of items(doc, 'basicauth_credentials')) {
    const { username, password_hash: hash } = item.value
    if (typeof username === 'string') unique('basic-auth', username, joinPath(item.path, 'username'), `username "${username}"`)
    if (!exactlyOne(item, 'password', 'password_hash', issues) || typeof hash !== 'string') continue
    const parsed = parsePasswordHash(hash, true)
    if (typeof parsed === 'string') issues.error(joinPath(item.path, 'password_hash'), parsed)
  }
  for (const item of items(doc, 'jwt_secrets')) {
    const { key } = item.value
    if (typeof key === 'string') unique('jwt', key, joinPath(item.path, 'key'), `key "${key}"`)
    checkJwtSecret(item, issues)
  }
  for (const item of items(doc, 'acls')) {
    const { group } = item.value
    if (typeof group === 'string') unique(`acl:${item.consumer}`, group, joinPath(item.path, 'group'), `group "${group}" for this consumer`)
  }
}

function checkJwtSecret ({ value, path }: Item, issues: Issues): void {
  const algorithm = typeof value.algorithm === 'string' ? value.algorithm : 'HS256'
  if (algorithm.startsWith('HS')) {
    if (value.secret === undefined) issues.error(joinPath(path, 'secret'), `is required for ${algorithm}`)
    return
  }
  const pem = value.rsa_public_key
  if (pem === undefined) {
    issues.error(joinPath(path, 'rsa_public_key'), `is required for ${algorithm}`)
    return
  }
  if (typeof pem !== 'string') return // a shape error already
  const problem = publicKeyProblem(pem, algorithm)
  if (problem !== null) issues.error(joinPath(path, 'rsa_public_key'), problem)
}

const CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1' }

/** Why `pem` cannot verify `algorithm` tokens, or null. Exported for the node, which keeps the KeyObject. */
export function publicKeyProblem (pem: string, algorithm: string): string | null {
  if (pem.includes('PRIVATE KEY')) return 'must be a public key (this is a private key: keep it out of the gateway)'
  let key: KeyObject
  try {
    key = createPublicKey(pem)
  } catch {
    return 'must be a PEM public key'
  }
  if (algorithm.startsWith('RS')) return key.asymmetricKeyType === 'rsa' ? null : `must be an RSA public key for ${algorithm}`
  const curve = CURVES[algorithm]
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== curve) return `must be an EC public key on ${curve === 'prime256v1' ? 'P-256' : 'P-384'} for ${algorithm}`
  return null
}
