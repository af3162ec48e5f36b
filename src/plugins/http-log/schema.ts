import { Type, type Static } from '@sinclair/typebox'
import { unsupportedMessage } from '../../contract/unsupported-features.js'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'
import { HeaderName, StringEnum } from '../schema-types.js'

// Kong's http-log (3.x): same fields, defaults and priority, with Kong 3's queue record. Kong's
// deprecated queue_size and flush_timeout are accepted and mean queue.max_batch_size and
// queue.max_coalescing_delay (when those are left at their defaults); retry_count is accepted and
// ignored (queue.max_retry_time decides), as in Kong 3. custom_fields_by_lua is Lua, which Atrium
// does not run: accepted only when empty.

const MAX_MS = 2147483647

export const HttpLogQueueSchema = Type.Object({
  max_batch_size: Type.Integer({ minimum: 1, maximum: 1000000, default: 1, description: 'Entries per request to the endpoint; above 1 the body is a JSON array, else one JSON object.' }),
  max_coalescing_delay: Type.Number({ minimum: 0, maximum: 3600, default: 1, description: 'Seconds a batch may wait for more entries after its first one was queued (no effect when max_batch_size is 1).' }),
  max_entries: Type.Integer({ minimum: 1, maximum: 1000000, default: 10000, description: 'Entries that may wait; beyond, the oldest are dropped with a warning.' }),
  max_bytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1073741824, description: 'Bytes of entries that may wait; beyond, the oldest are dropped with a warning.' })),
  max_retry_time: Type.Number({ minimum: 0, maximum: 1000000, default: 60, description: 'Seconds a failed batch is retried before it is dropped (logged at error).' }),
  initial_retry_delay: Type.Number({ minimum: 0.001, maximum: 1000000, default: 0.01, description: 'Seconds before the first retry of a failed batch; doubled for each next one.' }),
  max_retry_delay: Type.Number({ minimum: 0.001, maximum: 1000000, default: 60, description: 'Largest delay in seconds between two retries.' }),
  concurrency_limit: Type.Union([Type.Literal(1), Type.Literal(-1)], { default: 1, description: '1: one batch in flight at a time; -1: batches are sent as soon as they are ready.' })
}, { additionalProperties: false, default: {}, description: 'Batching, retries and bounds (Kong 3 queue).' })

export const HttpLogConfigSchema = Type.Object({
  http_endpoint: Type.String({ pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', errorMessage: 'must be an http:// or https:// URL', description: 'Where log entries are sent. user:password@ in the URL is sent as Basic authorization.' }),
  method: StringEnum(['POST', 'PUT', 'PATCH'] as const, { default: 'POST', description: 'Method of the requests to the endpoint.' }),
  content_type: StringEnum(['application/json', 'application/json; charset=utf-8'] as const, { default: 'application/json', description: 'Content-Type of the requests to the endpoint.' }),
  timeout: Type.Number({ minimum: 1, maximum: MAX_MS, default: 10000, description: 'Milliseconds a request to the endpoint may take; a timeout is a failed attempt (retried).' }),
  keepalive: Type.Number({ minimum: 0, maximum: MAX_MS, default: 60000, description: 'Milliseconds an idle connection to the endpoint is kept; 0 closes it after each request. Atrium: connections are pooled by the process-wide HTTP client, which keeps idle connections as long as the endpoint allows (up to a few seconds); only 0 changes anything.' }),
  headers: Type.Optional(Type.Record(Type.String(), Type.String({ pattern: '^[\\t\\x20-\\x7e\\x80-\\xff]*$', errorMessage: 'must be a valid header value' }), { description: 'Headers sent with every request to the endpoint (name → value). As in Kong, they never replace the ones the plugin sets (Content-Type, Content-Length, Authorization from the URL); hop-by-hop headers are ignored.' })),
  queue: HttpLogQueueSchema,
  custom_fields_by_lua: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Not supported (Atrium runs no Lua): must be empty.' })),
  queue_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000000, description: 'Deprecated in Kong 3: queue.max_batch_size.' })),
  flush_timeout: Type.Optional(Type.Number({ minimum: 0, maximum: 3600, description: 'Deprecated in Kong 3: queue.max_coalescing_delay.' })),
  retry_count: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000000, description: 'Deprecated in Kong 3 and ignored: queue.max_retry_time decides.' }))
}, { additionalProperties: false })

export type HttpLogConfig = Static<typeof HttpLogConfigSchema>

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function checkHttpLog (config: HttpLogConfig): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = []
  let url: URL | null = null
  try {
    url = new URL(config.http_endpoint)
  } catch {
    issues.push({ path: 'http_endpoint', message: 'must be an http:// or https:// URL' })
  }
  if (url !== null && url.hostname === '') issues.push({ path: 'http_endpoint', message: 'must name a host' })
  for (const name of Object.keys(config.headers ?? {})) {
    if (!HEADER_NAME.test(name)) issues.push({ path: `headers.${name}`, message: 'must be a valid header name' })
  }
  if (config.custom_fields_by_lua !== undefined && Object.keys(config.custom_fields_by_lua).length > 0) {
    issues.push({ path: 'custom_fields_by_lua', message: unsupportedMessage('lua', 'custom_fields_by_lua holds Lua code') })
  }
  return issues
}

export const httpLogSpec = definePluginSpec({
  name: 'http-log',
  version: '1.0.0',
  priority: 12,
  description: 'Sends a JSON log entry per request (Kong\'s log format) to an HTTP endpoint, batched and retried from a bounded queue; never holds up or fails a request.',
  schema: HttpLogConfigSchema,
  check: checkHttpLog
})
