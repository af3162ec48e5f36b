import type { Logger } from '../../log.js'

// Kong 3's plugin queue, for http-log: entries (serialised log lines) are queued in the log phase
// and sent in batches by `send`, off the request path.
//
//   batching     a batch leaves as soon as `maxBatchSize` entries wait, or `maxCoalescingDelayMs`
//                after the oldest waiting entry was queued (at once when maxBatchSize is 1).
//   concurrency  1: one batch in flight at a time (its retries included), the next one waits;
//                -1: batches leave as soon as they are ready.
//   retries      a failed batch is retried after initialRetryDelayMs, doubling up to
//                maxRetryDelayMs, until maxRetryTimeMs have passed since its first attempt; then
//                it is dropped and logged at error.
//   bounds       at most maxEntries entries (and maxBytes bytes, when set) wait; beyond, the
//                oldest are dropped with a warning (at most one a second, with the count).
// Timers are unref'd: a queue never keeps the process alive. Entries still waiting when the node
// stops are lost.

export interface QueueOptions {
  maxBatchSize: number
  maxCoalescingDelayMs: number
  maxEntries: number
  maxBytes: number | null
  maxRetryTimeMs: number
  initialRetryDelayMs: number
  maxRetryDelayMs: number
  /** 1: one batch at a time; -1: no limit. */
  concurrencyLimit: 1 | -1
}

export type SendBatch = (entries: string[]) => Promise<void>

const WARN_INTERVAL_MS = 1000

export class BatchQueue {
  readonly #opts: QueueOptions
  readonly #send: SendBatch
  readonly #log: Logger
  readonly #name: string
  #entries: string[] = []
  #head = 0
  #bytes = 0
  /** Date.now() when the oldest waiting entry was queued. */
  #oldestAt = 0
  #timer: NodeJS.Timeout | null = null
  #inFlight = 0
  #dropped = 0
  #lastWarning = 0

  constructor (name: string, opts: QueueOptions, send: SendBatch, log: Logger) {
    this.#name = name
    this.#opts = opts
    this.#send = send
    this.#log = log
  }

  /** Entries waiting (not yet taken into a batch). */
  get waiting (): number {
    return this.#entries.length - this.#head
  }

  add (entry: string): void {
    if (this.waiting === 0) this.#oldestAt = Date.now()
    this.#entries.push(entry)
    this.#bytes += entry.length
    const { maxEntries, maxBytes } = this.#opts
    while (this.waiting > maxEntries || (maxBytes !== null && this.#bytes > maxBytes && this.waiting > 1)) this.#dropOldest()
    if (this.#dropped > 0) this.#warnDropped()
    this.#pump()
  }

  #dropOldest (): void {
    const old = this.#entries[this.#head]
    this.#entries[this.#head] = ''
    this.#head++
    this.#bytes -= old.length
    this.#dropped++
    this.#compact()
  }

  #compact (): void {
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head)
      this.#head = 0
    }
  }

  #warnDropped (): void {
    const now = Date.now()
    if (now - this.#lastWarning < WARN_INTERVAL_MS) return
    this.#lastWarning = now
    this.#log.warn({ queue: this.#name, dropped: this.#dropped, max_entries: this.#opts.maxEntries }, 'log queue full; oldest entries dropped')
    this.#dropped = 0
  }

  /** Sends what is ready, or arms the coalescing timer for what is not. */
  #pump (): void {
    const { maxBatchSize, maxCoalescingDelayMs, concurrencyLimit } = this.#opts
    while (this.waiting > 0 && (concurrencyLimit === -1 || this.#inFlight === 0)) {
      const due = this.waiting >= maxBatchSize || maxBatchSize === 1 || Date.now() - this.#oldestAt >= maxCoalescingDelayMs
      if (!due) {
        if (this.#timer === null) {
          this.#timer = setTimeout(onCoalesced, Math.max(0, this.#oldestAt + maxCoalescingDelayMs - Date.now()), this)
          this.#timer.unref()
        }
        return
      }
      if (this.#timer !== null) {
        clearTimeout(this.#timer)
        this.#timer = null
      }
      void this.#deliver(this.#take())
    }
  }

  #take (): string[] {
    const n = Math.min(this.waiting, this.#opts.maxBatchSize)
    const batch = this.#entries.slice(this.#head, this.#head + n)
    for (const e of batch) this.#bytes -= e.length
    this.#head += n
    // Entries left behind keep their age: they are due as soon as a batch may leave.
    if (this.waiting === 0) {
      this.#entries = []
      this.#head = 0
    } else {
      this.#compact()
    }
    return batch
  }

  async #deliver (batch: string[]): Promise<void> {
    this.#inFlight++
    const started = Date.now()
    let delay = this.#opts.initialRetryDelayMs
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#send(batch)
        break
      } catch (err) {
        if (Date.now() + delay - started > this.#opts.maxRetryTimeMs) {
          this.#log.error({ err, queue: this.#name, entries: batch.length, attempts: attempt }, 'log batch could not be sent; giving up')
          break
        }
        this.#log.warn({ err, queue: this.#name, entries: batch.length, attempt, retry_in_ms: delay }, 'log batch could not be sent; retrying')
        await sleepUnref(delay)
        delay = Math.min(delay * 2, this.#opts.maxRetryDelayMs)
      }
    }
    this.#inFlight--
    this.#pump()
  }

  /** The coalescing delay of the oldest entry passed. */
  coalesced (): void {
    this.#timer = null
    this.#pump()
  }
}

function onCoalesced (queue: BatchQueue): void {
  queue.coalesced()
}

async function sleepUnref (ms: number): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, ms).unref())
}
