import { randomUUID } from 'node:crypto'

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
