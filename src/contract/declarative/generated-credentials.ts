// Credential fields Kong generates when a file leaves them out (`auto = true` in
// kong/plugins/key-auth/daos.lua and jwt/daos.lua): a key-auth `key`, a JWT `key` and, for an HMAC
// algorithm, its `secret`. Kong generates them on insert with random_string() (kong/tools/rand.lua:
// 32 characters of [A-Za-z0-9]); so does Atrium, with the same alphabet and length, from
// crypto.randomInt.
//
// When: once, where the document enters Atrium. A node loading a file (DB-less, `config validate`)
// generates them at every load, as Kong's DB-less mode does; the control plane generates them when
// `PUT /config` stores the file, so its snapshots (and their hash) stay the same from then on.
// Deriving them from the file instead would keep a node's hash stable across loads, but a key
// anyone can compute from the file is no secret, so random it is. A key-auth key is kept only as
// its SHA-256 (credential-secrets.ts): nobody learns a generated one, so such a credential
// authenticates no request until it is given a key; give keys in the file to use them.

import { randomInt } from 'node:crypto'
import { isObject } from './paths.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Kong's random_string(): 32 characters of [A-Za-z0-9] (~190 bits). */
export function randomCredentialString (): string {
  let out = ''
  for (let i = 0; i < 32; i++) out += ALPHABET[randomInt(ALPHABET.length)]
  return out
}

const unset = (v: unknown): boolean => v === undefined || v === null

function isHmac (algorithm: unknown): boolean {
  return unset(algorithm) || (typeof algorithm === 'string' && algorithm.startsWith('HS'))
}

/**
 * `doc` (nested credentials, after liftFlatCredentials) with the fields Kong generates filled in; a
 * copy where something was generated, `doc` itself otherwise. Values of the wrong type are left for
 * the checks to report.
 */
export function withGeneratedCredentials (doc: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(doc.consumers)) return doc
  let changed = false
  const consumers = doc.consumers.map((c: unknown) => {
    if (!isObject(c)) return c
    let out = c
    const fill = (field: string, need: (item: Record<string, unknown>) => Record<string, unknown> | null): void => {
      const list = c[field]
      if (!Array.isArray(list)) return
      let touched = false
      const next = list.map((item: unknown) => {
        if (!isObject(item)) return item
        const filled = need(item)
        if (filled === null) return item
        touched = true
        return { ...item, ...filled }
      })
      if (touched) { out = { ...out, [field]: next }; changed = true }
    }
    fill('keyauth_credentials', (k) => unset(k.key) && unset(k.key_hash) ? { key: randomCredentialString() } : null)
    fill('jwt_secrets', (j) => {
      const add: Record<string, unknown> = {}
      if (unset(j.key)) add.key = randomCredentialString()
      if (isHmac(j.algorithm) && unset(j.secret)) add.secret = randomCredentialString()
      return Object.keys(add).length > 0 ? add : null
    })
    return out
  })
  return changed ? { ...doc, consumers } : doc
}
