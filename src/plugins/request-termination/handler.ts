import { hostname } from 'node:os'
import { definePluginHandler, type PluginRequestContext } from '../types.js'
import { requestTerminationSpec, type RequestTerminationConfig } from './schema.js'

// Kong's request-termination: answers in access with the configured status and either
// {"message": …} (JSON), a raw body with its content type, or (echo) a description of the request.
// With `trigger`, only requests carrying that header or query parameter are terminated.

/** Kong's default messages when neither message nor body is set. */
const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  500: 'An unexpected error occurred',
  502: 'Bad Gateway',
  503: 'Service unavailable'
}

function triggered (ctx: PluginRequestContext, trigger: string): boolean {
  return ctx.request.header(trigger) !== undefined || ctx.request.query.has(trigger)
}

function echo (ctx: PluginRequestContext, config: RequestTerminationConfig): Record<string, unknown> {
  const req = ctx.request
  const query: Record<string, string | string[]> = {}
  for (const key of new Set(req.query.keys())) {
    const values = req.query.getAll(key)
    query[key] = values.length === 1 ? values[0] : values
  }
  return {
    message: config.message ?? DEFAULT_MESSAGES[config.status_code] ?? null,
    kong: { node_id: null, worker_pid: process.pid, hostname: hostname() },
    request: {
      scheme: req.scheme,
      host: req.host,
      port: req.serverPort,
      headers: req.headers,
      query,
      method: req.method,
      path: req.path
    },
    matched_route: ctx.route,
    matched_service: ctx.service
  }
}

export const requestTerminationHandler = definePluginHandler(requestTerminationSpec, {
  access (ctx, config) {
    if (config.trigger !== undefined && !triggered(ctx, config.trigger)) return
    if (config.echo) {
      ctx.exit(config.status_code, echo(ctx, config))
    } else if (config.body !== undefined) {
      ctx.exit(config.status_code, config.body, { 'content-type': config.content_type ?? 'text/plain; charset=utf-8' })
    } else {
      const message = config.message ?? DEFAULT_MESSAGES[config.status_code]
      ctx.exit(config.status_code, message === undefined ? {} : { message })
    }
  }
})
