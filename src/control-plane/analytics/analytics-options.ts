import { DEFAULT_ANALYTICS_HOUR_RETENTION, DEFAULT_ANALYTICS_MINUTE_RETENTION } from '../../defaults.js'
import { parseDurationSeconds } from '../../duration.js'
import { GatewayError } from '../../errors.js'

// How long the control plane keeps analytics, and how often it rolls minutes into hours.
//
// Reports are accepted for minutes at most `acceptWindow` old: one hour less than the minute
// retention, so a minute is never written while the retention job may be deleting its hour (the
// job deletes whole hours only), and at most FUTURE_SLACK_SECONDS ahead (node clock skew).

export interface AnalyticsOptions {
  /** 1-minute buckets are kept this long (seconds). At least 2 h. */
  minuteRetentionSeconds: number
  /** 1-hour rollups are kept this long (seconds). At least the minute retention. */
  hourRetentionSeconds: number
  /** The rollup and retention job runs this often (ms). */
  rollupIntervalMs: number
}

export const DEFAULT_MINUTE_RETENTION_SECONDS = parseDurationSeconds(DEFAULT_ANALYTICS_MINUTE_RETENTION, '--analytics-minute-retention')
export const DEFAULT_HOUR_RETENTION_SECONDS = parseDurationSeconds(DEFAULT_ANALYTICS_HOUR_RETENTION, '--analytics-hour-retention')
export const DEFAULT_ANALYTICS_OPTIONS: AnalyticsOptions = {
  minuteRetentionSeconds: DEFAULT_MINUTE_RETENTION_SECONDS,
  hourRetentionSeconds: DEFAULT_HOUR_RETENTION_SECONDS,
  rollupIntervalMs: 60_000
}

/** A report minute this far ahead of the CP's clock is skipped (counted, logged). */
export const FUTURE_SLACK_SECONDS = 300
export const MIN_MINUTE_RETENTION_SECONDS = 2 * 3600

export function resolveAnalyticsOptions (partial: Partial<AnalyticsOptions> = {}): AnalyticsOptions {
  const o = { ...DEFAULT_ANALYTICS_OPTIONS }
  for (const [key, value] of Object.entries(partial) as Array<[keyof AnalyticsOptions, number | undefined]>) {
    if (value === undefined) continue
    if (!Number.isInteger(value) || value <= 0) throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `${key} must be a positive whole number, got ${String(value)}`)
    o[key] = value
  }
  if (o.minuteRetentionSeconds < MIN_MINUTE_RETENTION_SECONDS) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `--analytics-minute-retention must be at least ${MIN_MINUTE_RETENTION_SECONDS} s (2h), got ${o.minuteRetentionSeconds} s`)
  }
  if (o.hourRetentionSeconds < o.minuteRetentionSeconds) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `--analytics-hour-retention (${o.hourRetentionSeconds} s) must be at least --analytics-minute-retention (${o.minuteRetentionSeconds} s)`)
  }
  return o
}

/** The minutes (epoch seconds) a report may still add to at `now`: [oldest, newest]. */
export function acceptWindow (now: number, o: Pick<AnalyticsOptions, 'minuteRetentionSeconds'>): { oldest: number, newest: number } {
  return { oldest: now - o.minuteRetentionSeconds + 3600, newest: now + FUTURE_SLACK_SECONDS }
}

export function hourOf (t: number): number {
  return t - (t % 3600)
}

export function minuteOf (t: number): number {
  return t - (t % 60)
}
