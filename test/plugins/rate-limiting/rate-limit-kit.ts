import { randomUUID } from 'node:crypto'
import type { SimpleResponse } from '../../support/http-client.js'

/** A route name no other test uses: local counters are per process and keyed by the plugin's route. */
export function uniqueName (prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`
}

/** The start of the current fixed window of `ms` (1000: this UTC second): a base for a frozen Date close to the real one. */
export function windowStartNow (ms: number): number {
  const now = Date.now()
  return now - (now % ms)
}

export function rateHeaders (res: SimpleResponse): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (/ratelimit|retry-after/i.test(name)) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
