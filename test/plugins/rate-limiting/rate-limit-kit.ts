import { randomUUID } from 'node:crypto'
import type { SimpleResponse } from '../../support/http-client.js'

/** A route name no other test uses: local counters are per process and keyed by the plugin's route. */
export function uniqueName (prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`
}

/** Waits, if needed, so that the current UTC minute has at least `seconds` left (fixed windows reset on the minute). */
export async function awayFromMinuteEnd (seconds = 5): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 50))
}

/** Waits until the start of the next UTC second (plus a little). */
export async function nextSecond (): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20))
}

export function rateHeaders (res: SimpleResponse): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (/ratelimit|retry-after/i.test(name)) out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
