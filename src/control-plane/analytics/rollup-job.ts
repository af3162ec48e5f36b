import { mergeLatencyHistograms } from '../../contract/latency-histogram.js'
import type { Logger } from '../../log.js'
import type { Db } from '../store/db.js'
import { nowSeconds } from '../shared/ids.js'
import { hourOf, type AnalyticsOptions } from './analytics-options.js'
import { addRollupRows, fromStored, rowKey, SELECT_COLUMNS, type RollupRow, type StoredRollupRow } from './rollup-sql.js'

// The periodic job: recompute the 1-hour rollups of dirty hours from their minutes, then delete
// what is past retention. Every CP runs it; it is idempotent (an hour is recomputed whole from its
// minutes, never added to) and on PostgreSQL each hour is rolled under a transaction-scoped advisory
// lock, so replicas never roll the same hour at the same time (a replica that finds the lock taken
// leaves the rest of this round to the other one).
//
// An hour is rolled once it is complete (plus GRACE for reports in flight); a report arriving
// later for it marks it dirty again and it is recomputed at the next run. Minutes are deleted by
// whole hours and never for an hour still dirty, so a dirty hour's minutes are always complete —
// which is what lets queries read minutes for dirty hours and rollups for the others.

const GRACE_SECONDS = 120
const LOCK_KEY = 4_201_987_006

export interface RollupRun {
  /** Hours recomputed this run. */
  hours: number
  /** True when another replica held the rollup lock (the rest of this round was left to it). */
  busy: boolean
}

/** Recomputes one hour's rollup from its minutes when it is still dirty. 'busy' when another CP is rolling. */
async function rollHour (db: Db, hour: number): Promise<'rolled' | 'clean' | 'busy'> {
  return await db.transaction(async (tx) => {
    if (db.dialect === 'postgres') {
      const lock = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [LOCK_KEY])
      if (lock[0]?.ok !== true) return 'busy'
    }
    const mark = await tx.query<{ stamp: string }>('SELECT stamp FROM analytics_dirty_hours WHERE hour = $1', [hour])
    if (mark.length === 0) return 'clean'
    const minutes = await tx.query<StoredRollupRow>(`SELECT minute AS t, ${SELECT_COLUMNS} FROM analytics_minutes WHERE minute >= $1 AND minute < $2`, [hour, hour + 3600])
    const merged = new Map<string, RollupRow>()
    for (const stored of minutes) {
      const r = fromStored(stored)
      r.time = hour
      const key = rowKey(r)
      const seen = merged.get(key)
      if (seen === undefined) { merged.set(key, r); continue }
      seen.requests += r.requests
      seen.errors4xx += r.errors4xx
      seen.errors5xx += r.errors5xx
      seen.bytesIn += r.bytesIn
      seen.bytesOut += r.bytesOut
      mergeLatencyHistograms(seen.latency, r.latency)
    }
    await tx.query('DELETE FROM analytics_hours WHERE hour = $1', [hour])
    await addRollupRows(tx, db.dialect, 'analytics_hours', [...merged.values()])
    await tx.query('DELETE FROM analytics_dirty_hours WHERE hour = $1 AND stamp = $2', [hour, mark[0].stamp])
    return 'rolled'
  })
}

/** Deletes minutes, hours, report identities and drop counters past retention. */
export async function expireAnalytics (db: Db, now: number, options: AnalyticsOptions): Promise<void> {
  const oldestDirty = await db.query<{ hour: unknown }>('SELECT MIN(hour) AS hour FROM analytics_dirty_hours')
  let minuteCut = hourOf(now - options.minuteRetentionSeconds)
  const dirty = oldestDirty[0]?.hour
  if (dirty !== null && dirty !== undefined) minuteCut = Math.min(minuteCut, Number(dirty))
  await db.query('DELETE FROM analytics_minutes WHERE minute < $1', [minuteCut])
  await db.query('DELETE FROM analytics_paths WHERE minute < $1', [minuteCut])
  await db.query('DELETE FROM analytics_hours WHERE hour < $1', [hourOf(now - options.hourRetentionSeconds)])
  // A report resent after this is too old to add anything anyway (its minutes are outside the accept window).
  await db.query('DELETE FROM analytics_reports WHERE received_at < $1', [now - options.minuteRetentionSeconds])
  await db.query('DELETE FROM analytics_drops WHERE updated_at < $1', [now - options.minuteRetentionSeconds])
}

/** One run: roll every complete dirty hour, then expire. */
export async function runRollup (db: Db, options: AnalyticsOptions, now = nowSeconds()): Promise<RollupRun> {
  const due = await db.query<{ hour: unknown }>('SELECT hour FROM analytics_dirty_hours WHERE hour <= $1 ORDER BY hour', [now - 3600 - GRACE_SECONDS])
  let hours = 0
  for (const row of due) {
    const outcome = await rollHour(db, Number(row.hour))
    if (outcome === 'busy') return { hours, busy: true }
    if (outcome === 'rolled') hours++
  }
  await expireAnalytics(db, now, options)
  return { hours, busy: false }
}

export interface RollupObserver {
  rollupRun: (outcome: 'ok' | 'busy' | 'failed', hours: number, seconds: number) => void
}

export interface RollupJob {
  /** Runs now (also what the timer calls); runs never overlap. */
  runOnce: (now?: number) => Promise<RollupRun | null>
  stop: () => Promise<void>
}

/** Starts the periodic job (first run right away). */
export function startRollupJob (options: { db: Db, log: Logger, analytics: AnalyticsOptions, observer?: RollupObserver }): RollupJob {
  const log = options.log.child({ component: 'analytics-rollup' })
  let running: Promise<RollupRun | null> | null = null
  let stopped = false

  function runOnce (now?: number): Promise<RollupRun | null> {
    if (running !== null) return running.then(() => runOnce(now))
    const started = process.hrtime.bigint()
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9
    running = runRollup(options.db, options.analytics, now).then((run) => {
      options.observer?.rollupRun(run.busy ? 'busy' : 'ok', run.hours, seconds())
      if (run.hours > 0) log.info({ hours: run.hours, ms: seconds() * 1000 }, 'analytics hours rolled up')
      return run
    }, (err: unknown) => {
      options.observer?.rollupRun('failed', 0, seconds())
      if (!stopped) log.warn({ err }, 'analytics rollup failed')
      return null
    }).finally(() => { running = null })
    return running
  }

  const timer = setInterval(() => { if (!stopped) void runOnce() }, options.analytics.rollupIntervalMs)
  timer.unref()
  void runOnce()
  return {
    runOnce,
    async stop () {
      stopped = true
      clearInterval(timer)
      await running
    }
  }
}
