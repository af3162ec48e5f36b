// Fixed windows, as Kong counts them: UTC seconds, minutes, hours and days aligned on the epoch,
// calendar months and years. A window is identified by its start (ms since the epoch).

import { RATE_LIMIT_PERIODS } from './schema.js'

export const SECOND = 0
export const MINUTE = 1
export const HOUR = 2
export const DAY = 3
export const MONTH = 4
export const YEAR = 5

const FIXED_MS = [1000, 60_000, 3_600_000, 86_400_000]

/** Kong's header suffixes: X-RateLimit-Limit-Minute … */
export const PERIOD_TITLES = RATE_LIMIT_PERIODS.map((p) => p[0].toUpperCase() + p.slice(1))

// The current month and year boundaries, recomputed only when `now` leaves them (no Date per request).
let monthStart = 0
let monthEnd = 0
let yearStart = 0
let yearEnd = 0

function calendar (now: number): void {
  const d = new Date(now)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  monthStart = Date.UTC(y, m, 1)
  monthEnd = Date.UTC(y, m + 1, 1)
  yearStart = Date.UTC(y, 0, 1)
  yearEnd = Date.UTC(y + 1, 0, 1)
}

/** Start of the window of `period` (an index into RATE_LIMIT_PERIODS) that contains `now`. */
export function windowStart (period: number, now: number): number {
  if (period < MONTH) return now - (now % FIXED_MS[period])
  if (now < monthStart || now >= monthEnd) calendar(now)
  return period === MONTH ? monthStart : yearStart
}

/** End (exclusive) of the window of `period` that contains `now`. */
export function windowEnd (period: number, now: number): number {
  if (period < MONTH) return now - (now % FIXED_MS[period]) + FIXED_MS[period]
  if (now < monthStart || now >= monthEnd) calendar(now)
  return period === MONTH ? monthEnd : yearEnd
}

/** Whole seconds until the window of `period` containing `now` ends (at least 1). */
export function secondsLeft (period: number, now: number): number {
  return Math.max(1, Math.ceil((windowEnd(period, now) - now) / 1000))
}
