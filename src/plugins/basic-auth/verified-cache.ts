import { createHmac, randomBytes } from 'node:crypto'
import { verifyPassword, type PasswordVerifier } from '../../contract/credential-secrets.js'

// Successful scrypt verifications, remembered so a slow KDF (~50 ms of a libuv thread) is paid once
// per login rather than on every request. Keyed by HMAC(process secret, stored hash, password): the
// presented password is never kept, the key is useless outside this process, and a changed password
// (a new stored hash) can never hit an old entry. Only successes are cached; a bounded LRU (Map order)
// survives config applies, since entries do not depend on the config.
//
// At most VERIFY_CONCURRENCY scrypt calls run at once (the others queue): a flood of bad passwords
// then occupies two of libuv's four threads, never the DNS lookups and file writes that need the
// others. Concurrent requests with the same credentials share one verification.

export const CACHE_SIZE = 10_000
const VERIFY_CONCURRENCY = 2

const secret = randomBytes(32)
const verified = new Map<string, true>()
const inFlight = new Map<string, Promise<boolean>>()
let running = 0
const queue: Array<() => void> = []
/** scrypt verifications started (tests: the KDF is paid once per login). */
let kdfRuns = 0

function cacheKey (storedHash: string, password: string): string {
  return createHmac('sha256', secret).update(storedHash).update('\u0000').update(password, 'utf8').digest('base64')
}

/** True when this password was verified against this stored hash before (and marks it recently used). */
export function knownGood (storedHash: string, password: string): { hit: boolean, key: string } {
  const key = cacheKey(storedHash, password)
  if (!verified.has(key)) return { hit: false, key }
  verified.delete(key)
  verified.set(key, true)
  return { hit: true, key }
}

async function slot (): Promise<void> {
  if (running < VERIFY_CONCURRENCY) { running++; return }
  await new Promise<void>((resolve) => queue.push(resolve))
}

function release (): void {
  const next = queue.shift()
  if (next !== undefined) next()
  else running--
}

async function verifyLimited (verifier: PasswordVerifier, password: string): Promise<boolean> {
  await slot()
  kdfRuns++
  try {
    return await verifyPassword(verifier, password)
  } finally {
    release()
  }
}

/** Verifies with scrypt (limited concurrency, shared in-flight) and remembers a success under `key`. */
export async function verifyAndRemember (key: string, verifier: PasswordVerifier, password: string): Promise<boolean> {
  let pending = inFlight.get(key)
  if (pending === undefined) {
    pending = verifyLimited(verifier, password).then((ok) => {
      if (ok) {
        verified.set(key, true)
        if (verified.size > CACHE_SIZE) verified.delete(verified.keys().next().value as string)
      }
      return ok
    }).finally(() => inFlight.delete(key))
    inFlight.set(key, pending)
  }
  return await pending
}

/** scrypt verifications run so far in this process (tests). */
export function kdfVerifications (): number {
  return kdfRuns
}

/** Entries cached now (tests). */
export function cachedVerifications (): number {
  return verified.size
}
