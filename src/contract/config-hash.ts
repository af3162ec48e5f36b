// The identity of a configuration: sha256 (hex) of its canonical JSON (object keys sorted at every
// level, arrays in order). Same config → same hash, whatever the key order or source format.
// Computed once per load, never per request.

import { createHash } from 'node:crypto'
import type { GatewayConfig } from './gateway-config.js'

export function hashGatewayConfig (config: GatewayConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex')
}

/** JSON with object keys sorted; `undefined` object fields are omitted, as JSON.stringify does. */
export function canonicalJson (value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`
  const obj = value as Record<string, unknown>
  const fields = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
  return `{${fields.join(',')}}`
}
