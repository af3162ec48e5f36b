import type { IncomingMessage } from 'node:http'

/**
 * Largest request body the runner buffers for a `transformsRequestBody` plugin; a larger one is
 * answered 413 (a declared content-length before anything is read).
 */
export const REQUEST_BODY_LIMIT = 8 * 1024 * 1024

export type RequestBodyOutcome = 'ok' | 'too_large' | 'failed' | 'timeout'

/**
 * Reads the whole request body for a plugin that transforms it (only on that path: every other
 * request streams its body to the upstream). `done` is called once: with the body, with
 * 'too_large' as soon as `limit` is exceeded (the rest is not read; the answer must close the
 * connection), 'timeout' when no byte came for `timeoutMs` (--client-body-timeout; 0: none), or
 * 'failed' when the client aborted or the stream errored.
 */
export function readRequestBody (req: IncomingMessage, limit: number, timeoutMs: number, done: (outcome: RequestBodyOutcome, body: Buffer | null) => void): void {
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > limit) {
    done('too_large', null)
    return
  }
  const chunks: Buffer[] = []
  let bytes = 0
  let settled = false
  const timer = timeoutMs > 0 ? setTimeout(() => finish('timeout', null), timeoutMs) : null
  const finish = (outcome: RequestBodyOutcome, body: Buffer | null): void => {
    if (settled) return
    settled = true
    if (timer !== null) clearTimeout(timer)
    req.off('data', onData)
    req.off('end', onEnd)
    req.off('error', onError)
    req.off('aborted', onError)
    if (outcome !== 'ok') req.pause()
    done(outcome, body)
  }
  const onData = (chunk: Buffer): void => {
    timer?.refresh()
    bytes += chunk.length
    if (bytes > limit) finish('too_large', null)
    else chunks.push(chunk)
  }
  const onEnd = (): void => finish('ok', Buffer.concat(chunks, bytes))
  const onError = (): void => finish('failed', null)
  req.on('data', onData)
  req.on('end', onEnd)
  req.on('error', onError)
  req.on('aborted', onError)
}
