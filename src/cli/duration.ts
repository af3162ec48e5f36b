import { usageError } from './usage.js'

// Durations on the command line: `48h`, `30d`, `90m`, `45s`, or a whole number of seconds.

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

export function parseDurationSeconds (text: string, field: string): number {
  const m = /^(\d{1,9})([smhd]?)$/.exec(text.trim())
  const value = m === null ? NaN : Number(m[1]) * UNITS[m[2] === '' ? 's' : m[2]]
  if (!Number.isSafeInteger(value) || value <= 0) throw usageError(`${field}: expected a duration such as 48h, 30d, 90m or a whole number of seconds, got "${text}"`)
  return value
}

/** From the flag, else the environment variable; undefined when neither is set. */
export function durationFrom (flag: string | undefined, envName: string, field: string): number | undefined {
  const text = flag ?? process.env[envName]
  return text === undefined ? undefined : parseDurationSeconds(text, field)
}
