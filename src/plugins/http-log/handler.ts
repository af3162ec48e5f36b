import { request } from 'undici'
import { createLogSerializer, type LogSerializer } from '../log-serializer.js'
import { definePluginHandler } from '../types.js'
import { BatchQueue } from './queue.js'
import { httpLogSpec, type HttpLogConfig } from './schema.js'

// Kong's http-log: the log phase serialises the request (Kong's log format) and queues it; the
// queue (queue.ts) sends batches to the endpoint, retries them with backoff and drops the oldest
// entries when it is full, so a slow or failing endpoint never holds up or fails a request.
//
// The request goes through undici's `request()` on the process-wide dispatcher (not a Pool of our
// own), so test doubles that replace the global dispatcher (nock, MockAgent) see it. A status of
// 400 or more, a network error or a timeout is a failed attempt.

/** Headers the endpoint request sets itself, or that HTTP/undici manage (hop-by-hop). */
const CONTROLLED = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection'])

interface Endpoint {
  url: string
  method: 'POST' | 'PUT' | 'PATCH'
  headers: Record<string, string>
  timeout: number
  /** keepalive 0: close the connection after each request. */
  reset: boolean
}

function endpointOf (config: HttpLogConfig): Endpoint {
  const url = new URL(config.http_endpoint)
  const headers: Record<string, string> = {}
  let authorization: string | null = null
  if (url.username !== '' || url.password !== '') {
    authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    url.username = ''
    url.password = ''
  }
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    const lower = name.toLowerCase()
    if (CONTROLLED.has(lower) || (lower === 'authorization' && authorization !== null)) continue
    headers[name] = value
  }
  if (authorization !== null) headers.authorization = authorization
  headers['content-type'] = config.content_type
  return { url: url.toString(), method: config.method, headers, timeout: config.timeout, reset: config.keepalive === 0 }
}

async function send (endpoint: Endpoint, payload: string): Promise<void> {
  const { statusCode, body } = await request(endpoint.url, {
    method: endpoint.method,
    headers: endpoint.headers,
    body: payload,
    headersTimeout: endpoint.timeout,
    bodyTimeout: endpoint.timeout,
    signal: AbortSignal.timeout(endpoint.timeout),
    reset: endpoint.reset
  })
  if (statusCode < 400) {
    await body.dump()
    return
  }
  const text = await body.text().catch(() => '')
  throw new Error(`the endpoint answered ${statusCode}: ${text.slice(0, 200)}`)
}

interface HttpLogState { queue: BatchQueue, serializer: LogSerializer }

export const httpLogHandler = definePluginHandler(httpLogSpec, {
  configure (config: HttpLogConfig, ctx): HttpLogState {
    const endpoint = endpointOf(config)
    const q = config.queue
    // Kong 3 reads the deprecated fields when the queue fields keep their defaults.
    const maxBatchSize = config.queue_size !== undefined && q.max_batch_size === 1 ? config.queue_size : q.max_batch_size
    const coalescing = config.flush_timeout !== undefined && q.max_coalescing_delay === 1 ? config.flush_timeout : q.max_coalescing_delay
    const queue = new BatchQueue(`http-log ${ctx.plugin.id ?? ctx.plugin.instance_name ?? `#${ctx.index}`}`, {
      maxBatchSize,
      maxCoalescingDelayMs: coalescing * 1000,
      maxEntries: q.max_entries,
      maxBytes: q.max_bytes ?? null,
      maxRetryTimeMs: q.max_retry_time * 1000,
      initialRetryDelayMs: q.initial_retry_delay * 1000,
      maxRetryDelayMs: q.max_retry_delay * 1000,
      concurrencyLimit: q.concurrency_limit === -1 ? -1 : 1
    }, async (entries) => {
      await send(endpoint, maxBatchSize === 1 ? entries[0] : `[${entries.join(',')}]`)
    }, ctx.log)
    return { queue, serializer: ctx.memo('serializer', () => createLogSerializer(ctx.gateway)) }
  },
  log (ctx, state) {
    state.queue.add(state.serializer.serialize(ctx))
  }
})
