import { latencyPercentile } from '../../contract/latency-histogram.js'
import type { DbExecutor } from '../store/db.js'
import { nowSeconds } from '../shared/ids.js'
import { minuteOf } from './analytics-options.js'
import { packageScopes } from './query-scope.js'
import { addInto, emptyTotals, readRows } from './series-query.js'

// The short traffic summary GET /service-packages/{id} carries: the last hour (the current minute
// and the 59 before it) over every version's implementation in every runtime group.

export interface PackageAnalyticsSummary {
  window_seconds: number
  from: number
  to: number
  requests: number
  errors_4xx: number
  errors_5xx: number
  /** (errors_4xx + errors_5xx) / requests; null without requests. */
  error_rate: number | null
  /** ms; null without recorded latencies. */
  p99: number | null
}

export const SUMMARY_WINDOW_SECONDS = 3600

export async function packageSummary (ex: DbExecutor, packageId: string, now = nowSeconds()): Promise<PackageAnalyticsSummary> {
  const to = minuteOf(now) + 60
  const from = to - SUMMARY_WINDOW_SECONDS
  const { scopes } = await packageScopes(ex, packageId)
  const t = emptyTotals()
  for (const r of await readRows(ex, { scopes, routes: null }, from, to, false)) addInto(t, r)
  const p99 = latencyPercentile(t.latency, 0.99)
  return {
    window_seconds: SUMMARY_WINDOW_SECONDS,
    from,
    to,
    requests: t.requests,
    errors_4xx: t.errors4xx,
    errors_5xx: t.errors5xx,
    error_rate: t.requests === 0 ? null : Math.round(((t.errors4xx + t.errors5xx) / t.requests) * 1e6) / 1e6,
    p99: p99 === null ? null : Math.round(p99 * 1000) / 1000
  }
}
