import { DEFAULT_DATA_PLANE_PURGE_AFTER_SECONDS } from '../../defaults.js'
import { GatewayError } from '../../errors.js'

// The sync server's timings. Defaults follow docs/sync-protocol.md; tests inject short ones.

export interface SyncTimings {
  /** A ping to every node this often (ms). */
  heartbeatIntervalMs: number
  /** A node heard from (pong or message) less recently than this is terminated (ms). */
  heartbeatTimeoutMs: number
  /** A node must send hello within this (ms), else close 4003. */
  helloTimeoutMs: number
  /** How often config_version and tokens of groups with sessions are polled (ms): other CPs' commits. */
  pollIntervalMs: number
  /** Disconnected nodes stay listed this long (seconds). */
  purgeAfterSeconds: number
}

export const DEFAULT_PURGE_AFTER_SECONDS = DEFAULT_DATA_PLANE_PURGE_AFTER_SECONDS
export const DEFAULT_TIMINGS: SyncTimings = {
  heartbeatIntervalMs: 15_000,
  heartbeatTimeoutMs: 30_000,
  helloTimeoutMs: 10_000,
  pollIntervalMs: 250,
  purgeAfterSeconds: DEFAULT_PURGE_AFTER_SECONDS
}

/**
 * A row marked connected whose CP stopped refreshing it (CP killed) reads as disconnected after
 * this many seconds: a heartbeat refreshes last_seen, plus the time to drop a dead peer, plus slack
 * for second-resolution timestamps.
 */
export function staleAfterSeconds (t: Pick<SyncTimings, 'heartbeatIntervalMs' | 'heartbeatTimeoutMs'>): number {
  return Math.ceil((t.heartbeatIntervalMs + t.heartbeatTimeoutMs) / 1000) + 15
}

export const DEFAULT_STALE_AFTER_SECONDS = staleAfterSeconds(DEFAULT_TIMINGS)

export function resolveTimings (partial: Partial<SyncTimings> = {}): SyncTimings {
  const t = { ...DEFAULT_TIMINGS }
  for (const [key, value] of Object.entries(partial) as Array<[keyof SyncTimings, number | undefined]>) {
    if (value === undefined) continue
    if (!Number.isFinite(value) || value <= 0) throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `${key} must be a positive number, got ${String(value)}`)
    t[key] = value
  }
  return t
}
