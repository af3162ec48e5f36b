import { randomUUID } from 'node:crypto'
import { definePluginHandler, type PluginRequestContext } from '../types.js'
import { correlationIdSpec, type CorrelationIdConfig } from './schema.js'

// Kong's correlation-id: a request that already carries the header keeps its value (an upstream
// service or an outer proxy started the trace); otherwise a new id is set on the upstream request.
// With echo_downstream the id is also sent back to the client, on every response the request gets
// (upstream, exit or gateway error). The id is left in `vars` as `correlation_id` for log plugins.

/** Like Kong's per-worker UUID: one per process, then "#" and a counter. */
const processId = randomUUID()
let counter = 0

/** Per-connection serial numbers and request counts for the tracker generator (nginx's $connection, $connection_requests). */
const connections = new WeakMap<object, { serial: number, requests: number }>()
let connectionSerial = 0

function tracker (ctx: PluginRequestContext): string {
  const req = ctx.request
  let conn = connections.get(req.connection)
  if (conn === undefined) {
    conn = { serial: ++connectionSerial, requests: 0 }
    connections.set(req.connection, conn)
  }
  conn.requests++
  return `${req.serverAddress}-${req.serverPort}-${process.pid}-${conn.serial}-${conn.requests}-${(ctx.startedAt / 1000).toFixed(3)}`
}

function generate (config: CorrelationIdConfig, ctx: PluginRequestContext): string {
  switch (config.generator) {
    case 'uuid': return randomUUID()
    case 'uuid#counter': return `${processId}#${++counter}`
    case 'tracker': return tracker(ctx)
  }
}

const VAR = 'correlation_id'

export const correlationIdHandler = definePluginHandler(correlationIdSpec, {
  access (ctx, config) {
    let id = ctx.request.header(config.header_name)
    if (id === undefined || id === '') {
      id = generate(config, ctx)
      ctx.upstream.headers.set(config.header_name, id)
    }
    ctx.vars.set(VAR, id)
  },
  response (ctx, config) {
    if (!config.echo_downstream) return
    const id = ctx.vars.get(VAR)
    if (typeof id === 'string' && ctx.response !== null) ctx.response.headers.set(config.header_name, id)
  }
})
