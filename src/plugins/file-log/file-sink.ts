import { close, open, write } from 'node:fs'
import type { Logger } from '../../log.js'

// Where file-log lines go: one sink per file path (and reopen mode) for the whole process, shared by
// every file-log instance and kept across config reloads. The log phase only appends a line to an
// array; the lines are written by one fs.write per batch (everything queued since the last write),
// one write at a time, off the request path. A sink holds at most MAX_PENDING lines: beyond that the
// oldest are dropped, with a warning per batch. A file that cannot be opened or written is logged
// at error and the batch is dropped; the next batch tries again.
//
// Rotation: with `reopen` the file is opened and closed for every batch. Otherwise it stays open,
// and SIGUSR1 (nginx's reopen signal, the one logrotate configurations send) makes every sink
// reopen its file before its next write.

export const MAX_PENDING = 10_000

export class FileSink {
  readonly path: string
  readonly reopen: boolean
  log: Logger
  #fd: number | null = null
  #pending: string[] = []
  #dropped = 0
  #busy = false
  #scheduled = false
  #reopenRequested = false

  constructor (path: string, reopen: boolean, log: Logger) {
    this.path = path
    this.reopen = reopen
    this.log = log
  }

  /** Queues one line (with its newline); never blocks, never throws. */
  push (line: string): void {
    if (this.#pending.length >= MAX_PENDING) {
      this.#pending.shift()
      this.#dropped++
    }
    this.#pending.push(line)
    if (!this.#busy && !this.#scheduled) {
      this.#scheduled = true
      setImmediate(flushSink, this)
    }
  }

  requestReopen (): void {
    this.#reopenRequested = true
  }

  /** Writes everything queued so far as one batch, then the next batch if more came meanwhile. */
  flush (): void {
    this.#scheduled = false
    if (this.#busy || this.#pending.length === 0) return
    if (this.#dropped > 0) {
      this.log.warn({ path: this.path, dropped: this.#dropped, limit: MAX_PENDING }, 'file-log queue full; oldest lines dropped')
      this.#dropped = 0
    }
    const data = Buffer.from(this.#pending.join(''))
    this.#pending = []
    this.#busy = true
    if (this.#reopenRequested && this.#fd !== null) {
      close(this.#fd, () => {})
      this.#fd = null
    }
    this.#reopenRequested = false
    if (this.#fd !== null) {
      this.#write(this.#fd, data, 0)
      return
    }
    open(this.path, 'a', 0o644, (err, fd) => {
      if (err !== null) {
        this.log.error({ err, path: this.path }, 'file-log could not open its file; lines dropped')
        this.#done()
        return
      }
      this.#fd = fd
      this.#write(fd, data, 0)
    })
  }

  #write (fd: number, data: Buffer, offset: number): void {
    write(fd, data, offset, data.length - offset, null, (err, written) => {
      if (err !== null) {
        this.log.error({ err, path: this.path }, 'file-log could not write its file; lines dropped')
        this.#closeFd()
        this.#done()
        return
      }
      if (offset + written < data.length) {
        this.#write(fd, data, offset + written)
        return
      }
      if (this.reopen) this.#closeFd()
      this.#done()
    })
  }

  #closeFd (): void {
    if (this.#fd === null) return
    close(this.#fd, () => {})
    this.#fd = null
  }

  #done (): void {
    this.#busy = false
    if (this.#pending.length > 0 && !this.#scheduled) {
      this.#scheduled = true
      setImmediate(flushSink, this)
    }
  }
}

function flushSink (sink: FileSink): void {
  sink.flush()
}

const sinks = new Map<string, FileSink>()
let signalHandled = false

/** The process-wide sink for `path` (created on first use; its logger follows the latest config). */
export function fileSink (path: string, reopen: boolean, log: Logger): FileSink {
  const key = `${reopen ? 'reopen' : 'keep'}:${path}`
  let sink = sinks.get(key)
  if (sink === undefined) {
    sink = new FileSink(path, reopen, log)
    sinks.set(key, sink)
  } else {
    sink.log = log
  }
  if (!signalHandled) {
    signalHandled = true
    process.on('SIGUSR1', reopenAllFileSinks)
  }
  return sink
}

/** Every sink reopens its file before its next write (SIGUSR1). */
export function reopenAllFileSinks (): void {
  for (const sink of sinks.values()) sink.requestReopen()
}
