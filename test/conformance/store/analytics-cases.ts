import assert from 'node:assert/strict'
import type { Db } from '../../../src/control-plane/store/db.js'
import { parseAnalyticsReport, type AnalyticsReport } from '../../../src/control-plane/analytics/report-input.js'
import { storeReport } from '../../../src/control-plane/analytics/report-store.js'
import { expireAnalytics, runRollup } from '../../../src/control-plane/analytics/rollup-job.js'
import { acceptWindow, resolveAnalyticsOptions } from '../../../src/control-plane/analytics/analytics-options.js'
import { readRows, addInto, emptyTotals } from '../../../src/control-plane/analytics/series-query.js'
import { reportOf, type KnownRequest } from '../../integration/analytics/report-kit.js'
import { storeCase, type StoreCaseGroup } from './store-case.js'

// The analytics tables (src/control-plane/analytics/report-store.ts, rollup-job.ts): a report is
// added once per (node_id, boot_id, seq), minutes roll into hours (recomputed when a late report
// touches a rolled hour), retention deletes whole hours and never a dirty hour's minutes.

const OPTIONS = resolveAnalyticsOptions({ minuteRetentionSeconds: 4 * 3600, hourRetentionSeconds: 24 * 3600 })
const H = 1_800_000_000 - (1_800_000_000 % 3600) // an hour start

/** The two runtime groups the reports belong to. */
async function withGroups (db: Db): Promise<Db> {
  for (const id of ['g1', 'g2']) await db.query('INSERT INTO runtime_groups (id, name, created_at, updated_at) VALUES ($1, $1, 0, 0)', [id])
  return db
}

function parsed (value: unknown): AnalyticsReport {
  const p = parseAnalyticsReport(value)
  if (!p.ok) throw new Error(p.message)
  return p.report
}

/** Stores a report of `requests` from node `node` of g1, as the ingest does at `now`. */
async function put (db: Db, node: string, seq: number, requests: KnownRequest[], now: number, bootId = 'boot-1'): Promise<Awaited<ReturnType<typeof storeReport>>> {
  return await storeReport(db, { runtimeGroupId: 'g1', nodeId: node }, parsed(reportOf(seq, requests, { bootId })), now, acceptWindow(now, OPTIONS))
}

async function totals (db: Db, from: number, to: number, hourly: boolean): Promise<{ requests: number, errors5xx: number, bytesOut: number, latencyCount: number }> {
  const t = emptyTotals()
  for (const r of await readRows(db, { scopes: [{ runtimeGroupId: 'g1', serviceId: null }], routes: null }, from, to, hourly)) addInto(t, r)
  return { requests: t.requests, errors5xx: t.errors5xx, bytesOut: t.bytesOut, latencyCount: Object.values(t.latency).reduce((a, b) => a + b, 0) }
}

async function count (db: Db, table: string): Promise<number> {
  return Number((await db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n)
}

const req = (at: number, status = 200, ms = 10): KnownRequest => ({ at, service: 's1', route: 'r1', status, ms, bytesOut: 100 })

export const analyticsCases: StoreCaseGroup = {
  name: 'analytics reports',
  cases: [
    storeCase('a report is counted once per (node_id, boot_id, seq), whatever the resends', async ({ db: suiteDb }) => {
      const db = await withGroups(suiteDb)
      const now = H + 600
      const first = await put(db, 'n1', 1, [req(H + 10), req(H + 20, 500), req(H + 70)], now)
      assert.deepEqual({ duplicate: first.duplicate, stored: first.stored }, { duplicate: false, stored: 3 })
      const again = await put(db, 'n1', 1, [req(H + 10), req(H + 20, 500), req(H + 70)], now)
      assert.equal(again.duplicate, true)
      // Same seq from another node, or another boot of the same node, is another report.
      assert.equal((await put(db, 'n2', 1, [req(H + 30)], now)).duplicate, false)
      assert.equal((await put(db, 'n1', 1, [req(H + 40)], now, 'boot-2')).duplicate, false)
      assert.deepEqual(await totals(db, H, H + 3600, false), { requests: 5, errors5xx: 1, bytesOut: 500, latencyCount: 5 })
      // Two reports for one minute add up in one row, histogram included.
      assert.equal(await count(db, 'analytics_minutes'), 3)
    }),

    storeCase('minutes outside the accept window are skipped and reported', async ({ db: suiteDb }) => {
      const db = await withGroups(suiteDb)
      const now = H + 600
      const r = await put(db, 'n1', 1, [req(now - 4 * 3600 + 3600 - 60), req(now - 3 * 3600 + 60), req(now + 3600), req(now)], now)
      assert.deepEqual({ stored: r.stored, tooOld: r.tooOld, future: r.future }, { stored: 2, tooOld: 1, future: 1 })
    }),

    storeCase('rollup turns complete dirty hours into hour rows and is idempotent; a late report re-rolls its hour', async ({ db: suiteDb }) => {
      const db = await withGroups(suiteDb)
      await put(db, 'n1', 1, [req(H + 5), req(H + 65, 503, 30), req(H + 3599, 404, 7)], H + 3590)
      await put(db, 'n1', 2, [req(H + 3600 + 5)], H + 3600 + 10)
      // The current hour and an hour just ended (within the grace) are not rolled yet.
      assert.deepEqual(await runRollup(db, OPTIONS, H + 3600 + 60), { hours: 0, busy: false })
      assert.deepEqual(await runRollup(db, OPTIONS, H + 7200 + 300), { hours: 2, busy: false })
      assert.equal(await count(db, 'analytics_dirty_hours'), 0)
      assert.deepEqual(await runRollup(db, OPTIONS, H + 7200 + 400), { hours: 0, busy: false })
      const hourRows = await db.query<{ hour: unknown, requests: unknown }>('SELECT hour, SUM(requests) AS requests FROM analytics_hours GROUP BY hour ORDER BY hour')
      assert.deepEqual(hourRows.map((r) => [Number(r.hour), Number(r.requests)]), [[H, 3], [H + 3600, 1]])
      assert.deepEqual(await totals(db, H, H + 7200, true), await totals(db, H, H + 7200, false))

      // A report buffered by a node arrives after its hour was rolled: the hour is dirty again and
      // hour queries read its minutes until the next rollup recomputes it.
      await put(db, 'n1', 3, [req(H + 120, 200, 12), req(H + 121)], H + 7200 + 500)
      assert.equal((await totals(db, H, H + 3600, true)).requests, 5)
      assert.deepEqual(await runRollup(db, OPTIONS, H + 7200 + 600), { hours: 1, busy: false })
      assert.equal((await totals(db, H, H + 3600, true)).requests, 5)
      const h = await db.query<{ requests: unknown, latency: string }>('SELECT SUM(requests) AS requests FROM analytics_hours WHERE hour = $1', [H])
      assert.equal(Number(h[0].requests), 5)
    }),

    storeCase('retention deletes whole hours of minutes, then hours, report identities and drop counters', async ({ db: suiteDb }) => {
      const db = await withGroups(suiteDb)
      await put(db, 'n1', 1, [req(H + 5), req(H + 3600 + 5)], H + 3600 + 10)
      // Minutes are kept 4 h: at H + 5h + 5s the hour H is past retention, H+1h is not (whole hours only).
      const at = H + 5 * 3600 + 5
      await runRollup(db, OPTIONS, at)
      assert.deepEqual((await db.query<{ minute: unknown }>('SELECT minute FROM analytics_minutes')).map((r) => Number(r.minute)), [H + 3600 + 0])
      assert.equal(await count(db, 'analytics_hours'), 2)
      assert.equal(await count(db, 'analytics_reports'), 1)
      // Hours are kept 24 h; identities as long as minutes.
      await runRollup(db, OPTIONS, H + 25 * 3600 + 600)
      assert.deepEqual((await db.query<{ hour: unknown }>('SELECT hour FROM analytics_hours')).map((r) => Number(r.hour)), [H + 3600])
      assert.equal(await count(db, 'analytics_minutes'), 0)
      assert.equal(await count(db, 'analytics_reports'), 0)
    }),

    storeCase('a dirty hour\'s minutes are never deleted before it is rolled', async ({ db: suiteDb }) => {
      const db = await withGroups(suiteDb)
      await put(db, 'n1', 1, [req(H + 5), req(H + 3600 + 5)], H + 3600 + 10)
      // Retention alone (as when another replica holds the rollup lock): hour H is past minute
      // retention but still dirty, so neither its minutes nor any later ones are deleted.
      await expireAnalytics(db, H + 6 * 3600, OPTIONS)
      assert.equal(await count(db, 'analytics_minutes'), 2)
      await runRollup(db, OPTIONS, H + 6 * 3600)
      assert.equal(await count(db, 'analytics_minutes'), 0)
      assert.equal((await totals(db, H, H + 7200, true)).requests, 2, 'the hour rows hold what the minutes had')
    })
  ]
}
