import { randomUUID } from 'node:crypto'
import type { AnalyticsMessage } from '../../contract/sync-protocol.js'
import { LATENCY_HISTOGRAM_SCHEME } from '../../contract/latency-histogram.js'
import { DEFAULT_ANALYTICS_BUFFER_MINUTES, DEFAULT_ANALYTICS_INTERVAL_MS } from '../../defaults.js'
import type { Logger } from '../../log.js'
import type { AnalyticsWindow } from './analytics-window.js'

// Hybrid mode: turns the analytics window into reports and delivers them to the control plane
// (docs/sync-protocol.md, "Analytics reports").
//
// Every intervalMs, on wall-clock multiples of it (so with the default 10 s a window never spans two
// minutes), the window is closed into a report with the next seq. Reports wait in `queue` (seq order)
// until the CP acks them. The sync client calls `connected(send)` once the CP's welcome arrived and
// `disconnected()` when the socket closes: on connect every queued report is sent in order, with
// its original boot_id, seq and bytes (the JSON is kept, not rebuilt), then new ones as they are made.
// A report still unacked resendAfterMs after it was sent on a live connection is sent again (the CP
// dedupes by node_id, boot_id, seq). The queue is bounded (bufferMinutes of reports): beyond it the
// oldest report is dropped and counted in `dropped`, which is cumulative per boot_id and rides on
// every report made after the drop (a report is made at the next tick even without traffic when
// the drop totals changed, so the CP always learns of a drop).

export const ANALYTICS_DEFAULTS = {
  intervalMs: DEFAULT_ANALYTICS_INTERVAL_MS,
  bufferMinutes: DEFAULT_ANALYTICS_BUFFER_MINUTES,
  resendAfterMs: 30_000
} as const

export interface AnalyticsReporterOptions {
  window: AnalyticsWindow
  log: Logger
  intervalMs?: number
  bufferMinutes?: number
  resendAfterMs?: number
  now?: () => number
}

interface QueuedReport {
  seq: number
  json: string
  requests: number
  /** Epoch ms of the last send on a live connection; 0 = not sent on the current connection. */
  sentAt: number
}

export class AnalyticsReporter {
  readonly bootId = randomUUID()
  readonly maxReports: number
  readonly dropped = { reports: 0, requests: 0 }
  readonly #window: AnalyticsWindow
  readonly #log: Logger
  readonly #intervalMs: number
  readonly #resendAfterMs: number
  readonly #now: () => number
  readonly #queue: QueuedReport[] = []
  #seq = 0
  #reportedDrops = 0
  #send: ((text: string) => void) | null = null
  #timer: NodeJS.Timeout | null = null

  constructor (options: AnalyticsReporterOptions) {
    this.#window = options.window
    this.#log = options.log.child({ component: 'analytics' })
    this.#intervalMs = options.intervalMs ?? ANALYTICS_DEFAULTS.intervalMs
    this.#resendAfterMs = options.resendAfterMs ?? ANALYTICS_DEFAULTS.resendAfterMs
    this.#now = options.now ?? Date.now
    const minutes = options.bufferMinutes ?? ANALYTICS_DEFAULTS.bufferMinutes
    this.maxReports = Math.max(1, Math.ceil((minutes * 60_000) / this.#intervalMs))
  }

  get buffered (): number {
    return this.#queue.length
  }

  /** The seqs waiting for an ack, oldest first (tests and status). */
  pending (): number[] {
    return this.#queue.map((r) => r.seq)
  }

  start (): void {
    if (this.#timer !== null) return
    const schedule = (): void => {
      const now = this.#now()
      const next = (Math.floor(now / this.#intervalMs) + 1) * this.#intervalMs
      this.#timer = setTimeout(() => {
        this.tick()
        schedule()
      }, Math.max(1, next - now))
      this.#timer.unref()
    }
    schedule()
  }

  /** Closes the window into a report (if there is anything to say) and sends what is due. */
  tick (): void {
    const now = this.#now()
    const { buckets, paths } = this.#window.closeWithPaths(now)
    if (buckets.length > 0 || this.dropped.reports !== this.#reportedDrops) {
      let requests = 0
      for (const b of buckets) requests += b.requests
      const seq = ++this.#seq
      this.#queue.push({ seq, json: '', requests, sentAt: 0 })
      while (this.#queue.length > this.maxReports) {
        const old = this.#queue.shift() as QueuedReport
        this.dropped.reports++
        this.dropped.requests += old.requests
      }
      const report: AnalyticsMessage = {
        type: 'analytics', boot_id: this.bootId, seq, histogram: LATENCY_HISTOGRAM_SCHEME, buckets, ...(paths.length === 0 ? {} : { paths }), dropped: { ...this.dropped }
      }
      this.#queue[this.#queue.length - 1]!.json = JSON.stringify(report)
      this.#reportedDrops = this.dropped.reports
    }
    this.#flush(now)
  }

  /** The control plane welcomed the node: send everything queued, in order. */
  connected (send: (text: string) => void): void {
    this.#send = send
    for (const r of this.#queue) r.sentAt = 0
    if (this.#queue.length > 0) this.#log.info({ reports: this.#queue.length, first_seq: this.#queue[0]!.seq }, 'sending buffered analytics reports')
    this.#flush(this.#now())
  }

  disconnected (): void {
    this.#send = null
  }

  /** analytics_ack from the CP: forget that report (an ack for another boot or an unknown seq is ignored). */
  ack (bootId: string, seq: number): void {
    if (bootId !== this.bootId) return
    const i = this.#queue.findIndex((r) => r.seq === seq)
    if (i >= 0) this.#queue.splice(i, 1)
  }

  /** Stops the timer after a last report of what is counted so far (sent if connected). */
  stop (): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.tick()
  }

  #flush (now: number): void {
    const send = this.#send
    if (send === null) return
    for (const r of this.#queue) {
      if (r.sentAt !== 0 && now - r.sentAt < this.#resendAfterMs) continue
      try {
        send(r.json)
      } catch (err) {
        this.#log.warn({ err }, 'sending an analytics report failed; it stays buffered')
        return
      }
      r.sentAt = now
    }
  }
}
