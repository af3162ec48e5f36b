// How consumer secrets are kept, for all three parties: the control plane hashes them when they are
// written, the contract checks and normalises the stored forms, the data plane verifies against them.
//
// - key-auth keys: SHA-256 (hex) of the key. A key is looked up by the hash of the presented value
//   (a Map lookup of a digest, which leaks nothing useful about stored keys), so neither the store,
//   the snapshot nor a node's memory holds a key. Keys are meant to be long random strings; an
//   unsalted hash of a short human-chosen key could be brute-forced from a leaked store.
// - basic-auth passwords: scrypt with a per-credential random salt, written
//   `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt, base64>$<hash, base64>`. The parameters travel with the
//   hash, so stronger ones can be introduced later without breaking existing credentials. Parsing
//   bounds them, so a crafted hash cannot make a node allocate gigabytes.
// - A plaintext password in a declarative file served by a node without a control plane (DB-less)
//   is turned into `$sha256$<salt>$<hmac>` when the file is loaded (HMAC-SHA256 keyed by a salt
//   derived from the username): the node's own file holds the plaintext anyway, and loading must
//   stay synchronous and fast. The control plane never stores this form (it hashes with scrypt
//   before anything is stored) and refuses it as input.
// - A Kong export's basic-auth password (a file with `_transform: false`) is Kong's digest:
//   SHA-1 hex of password .. consumer id (kong/plugins/basic-auth/crypto.lua). It cannot be turned
//   into anything stronger without the password, so it is kept as `$kong-sha1$<consumer id>$<hex>`
//   and verified the way Kong does, on nodes and in the control plane alike: users migrated from
//   Kong keep logging in. Setting the password again replaces it with scrypt.

import { createHash, createHmac, hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

export const SCRYPT_DEFAULTS = { ln: 14, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const

/** Largest scrypt memory cost (128·N·r bytes) a hash may ask for. */
const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024

export interface ScryptVerifier { kind: 'scrypt', ln: number, r: number, p: number, salt: Buffer, hash: Buffer }
export interface HmacVerifier { kind: 'sha256', salt: Buffer, hash: Buffer }
export interface KongSha1Verifier { kind: 'kong-sha1', salt: string, hash: Buffer }
export type PasswordVerifier = ScryptVerifier | HmacVerifier | KongSha1Verifier

const SCRYPT_FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/
const KONG_SHA1_FORMAT = /^\$kong-sha1\$([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\$([0-9a-f]{40})$/
const HMAC_FORMAT = /^\$sha256\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/

/** SHA-256 (hex) of a key-auth key: what is stored, sent and looked up. */
export function keyHash (key: string): string {
  return hash('sha256', key, 'hex') // one-shot: no Hash object per request (key-auth hashes every presented key)
}

/** Parses a stored password hash; a string says why it is not one. `scryptOnly` refuses the DB-less form. */
export function parsePasswordHash (text: string, scryptOnly = false): PasswordVerifier | string {
  const m = SCRYPT_FORMAT.exec(text)
  if (m !== null) {
    const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
    const salt = Buffer.from(m[4], 'base64')
    const hash = Buffer.from(m[5], 'base64')
    if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return 'scrypt parameters out of range (ln 10-20, r 1-32, p 1-16)'
    if (128 * 2 ** ln * r > MAX_SCRYPT_MEMORY) return 'scrypt parameters need more than 64 MiB'
    if (salt.length < 8 || salt.length > 64) return 'salt must be 8 to 64 bytes'
    if (hash.length < 16 || hash.length > 64) return 'hash must be 16 to 64 bytes'
    return { kind: 'scrypt', ln, r, p, salt, hash }
  }
  const k = KONG_SHA1_FORMAT.exec(text)
  if (k !== null) return { kind: 'kong-sha1', salt: k[1], hash: Buffer.from(k[2], 'hex') }
  const h = scryptOnly ? null : HMAC_FORMAT.exec(text)
  if (h !== null) {
    const salt = Buffer.from(h[1], 'base64')
    const hash = Buffer.from(h[2], 'base64')
    if (salt.length < 8 || hash.length !== 32) return 'malformed $sha256$ verifier'
    return { kind: 'sha256', salt, hash }
  }
  return 'must be a password hash as Atrium exports it ($scrypt$ln=…,r=…,p=…$salt$hash)'
}

/** The stored form of Kong's basic-auth digest (SHA-1 hex of password .. consumer id). */
export function kongDigestVerifier (consumerId: string, digest: string): string {
  return `$kong-sha1$${consumerId.toLowerCase()}$${digest.toLowerCase()}`
}

function derive (verifier: HmacVerifier | KongSha1Verifier, password: string): Buffer {
  return verifier.kind === 'sha256'
    ? createHmac('sha256', verifier.salt).update(password, 'utf8').digest()
    : createHash('sha1').update(password + verifier.salt, 'utf8').digest()
}

function scryptAsync (password: string, salt: Buffer, length: number, v: { ln: number, r: number, p: number }): Promise<Buffer> {
  const N = 2 ** v.ln
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { N, r: v.r, p: v.p, maxmem: 256 * N * v.r }, (err, derived) => {
      if (err !== null) reject(err)
      else resolve(derived)
    })
  })
}

/** A new `$scrypt$…` hash of `password` with a random salt (runs on libuv's thread pool). */
export async function hashPassword (password: string): Promise<string> {
  const d = SCRYPT_DEFAULTS
  const salt = randomBytes(d.saltBytes)
  const hash = await scryptAsync(password, salt, d.keyBytes, d)
  return `$scrypt$ln=${d.ln},r=${d.r},p=${d.p}$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** Whether `password` matches the verifier; the digests are compared in constant time. */
export async function verifyPassword (verifier: PasswordVerifier, password: string): Promise<boolean> {
  const derived = verifier.kind === 'scrypt'
    ? await scryptAsync(password, verifier.salt, verifier.hash.length, verifier)
    : derive(verifier, password)
  return derived.length === verifier.hash.length && timingSafeEqual(derived, verifier.hash)
}

/** The DB-less (HMAC) and Kong (SHA-1) forms checked at once; null for scrypt, which needs verifyPassword's thread-pool call. */
export function verifyPasswordSync (verifier: PasswordVerifier, password: string): boolean | null {
  if (verifier.kind === 'scrypt') return null
  const derived = derive(verifier, password)
  return derived.length === verifier.hash.length && timingSafeEqual(derived, verifier.hash)
}

/** The DB-less verifier of a plaintext password from a declarative file (see the top of this file). */
export function plaintextPasswordVerifier (username: string, password: string): string {
  const salt = createHash('sha256').update(`atrium basic-auth\u0000${username}`, 'utf8').digest().subarray(0, 16)
  const hash = createHmac('sha256', salt).update(password, 'utf8').digest()
  return `$sha256$${salt.toString('base64')}$${hash.toString('base64')}`
}
