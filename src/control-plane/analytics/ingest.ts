import type { AnalyticsAckMessage } from '../../contract/sync-protocol.js'
import type { Logger } from '../../log.js'
import type { Db } from '../store/db.js'
import { nowSeconds } from '../shared/ids.js'
import { acceptWindow, type AnalyticsOptions } from './analytics-options.js'
import { parseAnalyticsReport } from './report-input.js'
import { storeReport, type ReportSource, type StoreResult } from './report-store.js'

// What the sync server calls for each `analytics` frame of a node that said hello. The ack is
// sent only once the report is committed (or found to be a duplicate); a malformed report or a
// failed store gets no ack (logged, counted), so the node keeps it and sends it again later.

export type IngestOutcome = 'stored' | 'duplicate' | 'rejected' | 'failed'

export interface IngestObserver {
  reportIngested: (outcome: IngestOutcome, result: StoreResult | null) => void
}

export interface AnalyticsIngest {
  /** The ack to send for `value` from this node, or null when it was rejected or could not be stored. */
  ingest: (source: ReportSource, value: unknown, log: Logger) => Promise<AnalyticsAckMessage | null>
}

export function createAnalyticsIngest (options: { db: Db, analytics: AnalyticsOptions, observer?: IngestObserver, now?: () => number }): AnalyticsIngest {
  const now = options.now ?? nowSeconds
  return {
    async ingest (source, value, log) {
      const parsed = parseAnalyticsReport(value)
      if (!parsed.ok) {
        options.observer?.reportIngested('rejected', null)
        log.warn({ boot_id: parsed.bootId, seq: parsed.seq, reason: parsed.message }, 'analytics report rejected: malformed')
        return null
      }
      const { report } = parsed
      const at = now()
      let result: StoreResult
      try {
        result = await storeReport(options.db, source, report, at, acceptWindow(at, options.analytics))
      } catch (err) {
        options.observer?.reportIngested('failed', null)
        log.error({ err, boot_id: report.bootId, seq: report.seq }, 'analytics report not stored')
        return null
      }
      options.observer?.reportIngested(result.duplicate ? 'duplicate' : 'stored', result)
      if (result.tooOld > 0 || result.future > 0) {
        log.warn({ boot_id: report.bootId, seq: report.seq, too_old: result.tooOld, future: result.future }, 'analytics buckets skipped: minute outside the accepted window')
      }
      if (!report.latencyKnown) log.warn({ boot_id: report.bootId, seq: report.seq }, 'analytics latency ignored: unknown histogram scheme')
      if (result.droppedIncrease.reports > 0) {
        log.warn({ boot_id: report.bootId, dropped_reports: result.droppedIncrease.reports, dropped_requests: result.droppedIncrease.requests }, 'node dropped analytics reports (buffer full)')
      }
      return { type: 'analytics_ack', boot_id: report.bootId, seq: report.seq }
    }
  }
}
