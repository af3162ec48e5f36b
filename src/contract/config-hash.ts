// The identity of a configuration: sha256 (hex) of its canonical JSON (object keys sorted at every
// level, arrays in order). Same config → same hash, whatever the key order or source format.
// Computed once per load, never per request.

import { createHash } from 'node:crypto'
import type { GatewayConfig } from './gateway-config.js'

export function hashGatewayConfig (config: GatewayConfig): string {
  // normalize.ts builds every object with its keys already sorted, so plain JSON.stringify is the
  // canonical JSON (~6× faster at 10k routes). Keys that come from input (route header names, plugin
  // config keys) are inserted in sorted order too, but JS enumerates integer-like keys ("10") before
  // all others, so a config with such a key out of place takes the slow path.
  const fast = headerNamesKeepOrder(config) && keysInOrderDeep(config.plugins) && keysInOrderDeep(config.consumers)
  const json = fast ? JSON.stringify(config) : canonicalJson(config)
  return createHash('sha256').update(json).digest('hex')
}

function headerNamesKeepOrder (config: GatewayConfig): boolean {
  for (const route of config.routes) {
    let previous = ''
    for (const name in route.headers) {
      if (name <= previous && previous !== '') return false
      previous = name
    }
  }
  return true
}

/** True when every object in `value` enumerates its keys in sorted order (small: plugins, consumers). */
function keysInOrderDeep (value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true
  if (Array.isArray(value)) return value.every(keysInOrderDeep)
  let previous: string | null = null
  for (const key in value) {
    if (previous !== null && key <= previous) return false
    previous = key
    if (!keysInOrderDeep((value as Record<string, unknown>)[key])) return false
  }
  return true
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
