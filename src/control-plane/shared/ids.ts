import { createHash, randomUUID } from 'node:crypto'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function newId (): string {
  return randomUUID()
}

/** Entities are addressed by id or by name: a UUID-shaped reference is an id. */
export function isUuid (value: string): boolean {
  return UUID.test(value)
}

/** Kong's timestamps: unix seconds. */
export function nowSeconds (): number {
  return Math.floor(Date.now() / 1000)
}

/**
 * A UUID that is always the same for the same parts (a version-5-shaped SHA-1 name): entities
 * derived from others (a promoted service, a package plugin on one service) keep their id across
 * repeated derivations.
 */
export function derivedId (...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\u0000')).digest()
  h[6] = (h[6] & 0x0f) | 0x50
  h[8] = (h[8] & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`
}
