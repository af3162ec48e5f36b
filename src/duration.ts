import { GatewayError } from './errors.js'

// Durations as operators write them: `48h`, `30d`, `90m`, `45s`, or a whole number of seconds.
// Shared by the command line and the control plane's defaults (src/defaults.ts keeps them as text).

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

/** `field` names the flag or variable the text came from, for the error. */
export function parseDurationSeconds (text: string, field: string): number {
  const m = /^(\d{1,9})([smhd]?)$/.exec(text.trim())
  const value = m === null ? NaN : Number(m[1]) * UNITS[m[2] === '' ? 's' : m[2]]
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `${field}: expected a duration such as 48h, 30d, 90m or a whole number of seconds, got "${text}"`)
  }
  return value
}
