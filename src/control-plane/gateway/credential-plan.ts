import { CONSUMER_CREDENTIAL_FIELDS, hashPassword, keyHash, parsePasswordHash, verifyPassword } from '../../contract/index.js'
import { newId } from '../shared/ids.js'
import { invalidError } from './group-document.js'
import { CREDENTIAL_KINDS, isRecord, type StoredCredential } from './credential-kinds.js'
import type { StoredEntity } from './entity-types.js'

// Credentials in whole-consumer writes: a declarative document applied with PUT /config (or
// diffed), and the consumer endpoints, which leave credentials alone.
//
// PUT /config: plaintext passwords are hashed with scrypt before the document is validated or
// planned (hashPlaintextPasswords, asynchronous, on libuv's pool and outside the transaction). A
// password the stored credential of that username already verifies keeps its stored hash, so
// applying the same file twice changes nothing. Keys are hashed when the plan is made
// (planConsumerCredentials), and every credential keeps its id and created_at when it matches a
// stored one of the same consumer (by id, else by key, username, JWT key or group).

const UNIQUE_OF: Record<string, string> = Object.fromEntries(Object.values(CREDENTIAL_KINDS).map((k) => [k.field, k.unique]))

/** How many passwords are hashed at once (libuv's pool has 4 threads; leave room for DNS and files). */
const HASH_CONCURRENCY = 2

/** The document with every basic-auth `password` replaced by a `password_hash`; the input is not changed. */
export async function hashPlaintextPasswords (doc: unknown, stored: () => Promise<StoredEntity[]>): Promise<unknown> {
  if (!isRecord(doc) || !Array.isArray(doc.consumers)) return doc
  const jobs: Array<{ consumer: number, index: number, username: unknown, password: string }> = []
  doc.consumers.forEach((c: unknown, consumer) => {
    if (!isRecord(c) || !Array.isArray(c.basicauth_credentials)) return
    c.basicauth_credentials.forEach((b: unknown, index) => {
      if (isRecord(b) && typeof b.password === 'string' && b.password !== '' && b.password_hash == null) jobs.push({ consumer, index, username: b.username, password: b.password })
    })
  })
  if (jobs.length === 0) return doc
  const known = new Map<string, string>()
  for (const e of await stored()) {
    if (e.kind !== 'consumer' || !Array.isArray(e.body.basicauth_credentials)) continue
    for (const b of e.body.basicauth_credentials) if (isRecord(b) && typeof b.username === 'string' && typeof b.password_hash === 'string') known.set(b.username, b.password_hash)
  }
  const hashes: string[] = new Array<string>(jobs.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      const { username, password } = jobs[i]
      const current = typeof username === 'string' ? known.get(username) : undefined
      const verifier = current === undefined ? 'none' : parsePasswordHash(current, true)
      hashes[i] = typeof verifier !== 'string' && await verifyPassword(verifier, password) ? current as string : await hashPassword(password)
    }
  }
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, jobs.length) }, worker))
  const consumers = [...doc.consumers]
  jobs.forEach((job, i) => {
    const c = { ...(consumers[job.consumer] as Record<string, unknown>) }
    const list = [...(c.basicauth_credentials as unknown[])]
    const { password: _p, ...rest } = list[job.index] as Record<string, unknown>
    void _p
    list[job.index] = { ...rest, password_hash: hashes[i] }
    c.basicauth_credentials = list
    consumers[job.consumer] = c
  })
  return { ...doc, consumers }
}

function cleaned (c: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(c)) if (v !== null && v !== undefined && k !== 'created_at' && k !== 'updated_at') out[k] = v
  return out
}

/**
 * A consumer's stored body from its declarative form (already validated, passwords hashed): keys
 * hashed, JWT algorithm defaulted, ids and created_at kept from `old` (the stored consumer with the
 * same id) where a credential matches, new ones otherwise. Empty lists are left out.
 */
export function planConsumerCredentials (body: Record<string, unknown>, old: Record<string, unknown> | undefined, now: number): Record<string, unknown> {
  const out = { ...body }
  for (const field of CONSUMER_CREDENTIAL_FIELDS) {
    const list = Array.isArray(body[field]) ? (body[field] as unknown[]).filter(isRecord) : []
    delete out[field]
    if (list.length === 0) continue
    const before = old !== undefined && Array.isArray(old[field]) ? (old[field] as unknown[]).filter(isRecord) as StoredCredential[] : []
    const explicit = new Set(list.map((c) => typeof c.id === 'string' ? c.id.toLowerCase() : null))
    const claimed = new Set<string>()
    const unique = UNIQUE_OF[field]
    out[field] = list.map((raw) => {
      const c = cleaned(raw)
      if (field === 'keyauth_credentials' && typeof c.key === 'string') { c.key_hash = keyHash(c.key); delete c.key }
      if (field === 'keyauth_credentials' && typeof c.key_hash === 'string') c.key_hash = c.key_hash.toLowerCase()
      if (field === 'jwt_secrets') c.algorithm ??= 'HS256'
      // Only hashed passwords are stored (hashPlaintextPasswords ran before the plan).
      if (c.password !== undefined) throw invalidError([{ path: 'password', message: 'internal error: a plaintext password reached the store' }])
      const id = typeof c.id === 'string' ? c.id.toLowerCase() : undefined
      const match = before.find((b) => !claimed.has(b.id) && (id !== undefined ? b.id === id : !explicit.has(b.id) && b[unique] === c[unique]))
      if (match !== undefined) claimed.add(match.id)
      delete c.id
      return { id: id ?? match?.id ?? newId(), ...c, created_at: match?.created_at ?? now }
    })
  }
  return out
}

/**
 * Consumer endpoints: credential fields in the body are refused (they have their own endpoints,
 * which hash secrets); the consumer's stored credentials are kept through PUT and PATCH.
 */
export function keepCredentials (given: Record<string, unknown>, input: Record<string, unknown>, current: Record<string, unknown> | null, group: string): Record<string, unknown> {
  const refused = CONSUMER_CREDENTIAL_FIELDS.filter((f) => given[f] !== undefined)
  if (refused.length > 0) {
    const segment = (f: string): string => Object.values(CREDENTIAL_KINDS).find((k) => k.field === f)?.segment ?? f
    throw invalidError(refused.map((f) => ({ path: f, message: `unknown field (manage credentials with /runtime-groups/${group}/consumers/{consumer}/${segment(f)})` })))
  }
  const out = { ...input }
  for (const f of CONSUMER_CREDENTIAL_FIELDS) {
    if (current !== null && current[f] !== undefined) out[f] = current[f]
    else delete out[f]
  }
  return out
}
