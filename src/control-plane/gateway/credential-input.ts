import { randomBytes } from 'node:crypto'
import { hashPassword, keyHash } from '../../contract/index.js'
import { newId, nowSeconds } from '../shared/ids.js'
import { invalidError } from './group-document.js'
import { isRecord, type CredentialKindInfo, type StoredCredential } from './credential-kinds.js'

// An Admin API credential body → the stored credential. Secrets are turned into their stored form
// first (readCredentialBody, before the transaction: scrypt takes ~50 ms and the group stays
// unlocked meanwhile): a key into its SHA-256 (the plaintext is answered once, in the response to
// the request that set it), a password into an scrypt hash. Like Kong, a key-auth key and a JWT key
// and HMAC secret are generated when not given. Everything else is passed through for the contract
// to check (unknown fields, types, rules), and its errors name the request's fields.

/** Read-only or implied by the URL: ignored in bodies, as Kong ignores them. */
const IGNORED = new Set(['created_at', 'updated_at', 'consumer'])

export interface CredentialBody {
  /** The request's fields, secrets in stored form, `null` meaning "remove" (PATCH). */
  fields: Record<string, unknown>
  /** A key-auth key set by this request (given or generated), answered once and never stored. */
  plaintextKey: string | null
}

function stringOrAbsent (input: Record<string, unknown>, field: string): string | undefined {
  const v = input[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw invalidError([{ path: field, message: 'must be a string' }])
  return v
}

/** 32 characters of base64url (192 random bits), at least the strength of Kong's generated keys and secrets. */
function generated (): string {
  return randomBytes(24).toString('base64url')
}

/** Reads a POST (`create`) or PATCH body; a POST gets the key or secrets Kong would generate. */
export async function readCredentialBody (info: CredentialKindInfo, body: unknown, create: boolean): Promise<CredentialBody> {
  if (!isRecord(body)) throw invalidError([{ path: '', message: 'must be a JSON object' }])
  const fields: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) if (!IGNORED.has(k)) fields[k] = v
  if (fields.id !== undefined && fields.id !== null && typeof fields.id !== 'string') throw invalidError([{ path: 'id', message: 'must be a UUID' }])
  if (create && info.kind === 'key-auth' && fields.key == null && fields.key_hash == null) fields.key = generated()
  if (create && info.kind === 'jwt') {
    fields.key ??= generated()
    fields.algorithm ??= 'HS256'
    if (typeof fields.algorithm === 'string' && fields.algorithm.startsWith('HS')) fields.secret ??= generated()
  }
  let plaintextKey: string | null = null
  if (info.kind === 'key-auth') {
    const key = stringOrAbsent(fields, 'key')
    if (key !== undefined) {
      delete fields.key
      fields.key_hash = keyHash(key)
      plaintextKey = key
    }
  } else if (info.kind === 'basic-auth') {
    const password = stringOrAbsent(fields, 'password')
    if (password === '') throw invalidError([{ path: 'password', message: 'must not be empty' }])
    if (password !== undefined) {
      delete fields.password
      fields.password_hash = await hashPassword(password)
    }
  }
  return { fields, plaintextKey }
}

/** The credential a POST creates. */
export function newCredential (fields: Record<string, unknown>): StoredCredential {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields)) if (v !== null && v !== undefined && k !== 'id') out[k] = v
  const id = typeof fields.id === 'string' ? fields.id.toLowerCase() : newId()
  return { id, ...out, created_at: nowSeconds() }
}

/** PATCH: fields present replace, `null` removes (a default applies again); a new key or password replaces its stored hash. */
export function patchedCredential (info: CredentialKindInfo, current: StoredCredential, fields: Record<string, unknown>): StoredCredential {
  if (fields.id != null && (fields.id as string).toLowerCase() !== current.id) throw invalidError([{ path: 'id', message: 'cannot be changed' }])
  const merged: Record<string, unknown> = { ...current }
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'id') continue
    if (v === null) delete merged[k]
    else merged[k] = v
  }
  if (info.kind === 'jwt' && typeof merged.algorithm === 'string' && merged.algorithm.startsWith('HS')) merged.secret ??= generated()
  return { ...merged, id: current.id, created_at: current.created_at }
}
