// Kong's basic log serializer (kong.log.serialize) for the log plugins (http-log, file-log): one
// JSON object per request. The route and service parts are serialised once per config (they are
// the same for every request of a route); a request builds only its own parts.
//
// Shape (Kong 3.x): request {method, uri, url, querystring, headers, size}, upstream_uri,
// response {status, headers, size}, latencies {kong, proxy, request} (ms), route, service,
// consumer and authenticated_entity (when a consumer was identified), client_ip, started_at (ms).
// As in Kong, the request's Authorization and Proxy-Authorization headers are "REDACTED"; a
// consumer's credentials are never included. Sizes are computed from the request line or status
// line, the headers and the body bytes (Node does not expose the bytes read for one request of a
// keep-alive connection), so they can differ from nginx's by the headers Node adds itself.

import type { GatewayConfig, RouteConfig } from '../contract/gateway-config.js'
import type { PluginRequestContext } from './types.js'

const REDACTED = new Set(['authorization', 'proxy-authorization'])

/** Kong's querystring table: a value per name, a list for repeated names, true for a name without "=". */
function queryTable (raw: string): Record<string, string | true | Array<string | true>> {
  const out: Record<string, string | true | Array<string | true>> = {}
  if (raw === '') return out
  for (const part of raw.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = decode(eq < 0 ? part : part.slice(0, eq))
    const value: string | true = eq < 0 ? true : decode(part.slice(eq + 1))
    const current = out[name]
    if (current === undefined) out[name] = value
    else if (Array.isArray(current)) current.push(value)
    else out[name] = [current, value]
  }
  return out
}

function decode (s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '))
  } catch {
    return s
  }
}

function headerBytes (entries: Iterable<[string, string]>): number {
  let n = 2 // the blank line
  for (const [name, value] of entries) n += name.length + value.length + 4
  return n
}

export interface LogSerializer {
  /** The request's log entry as a JSON string. */
  serialize: (ctx: PluginRequestContext) => string
}

/**
 * A serializer for one config: the route and service JSON of each route is built on first use and
 * kept for the life of the config.
 */
export function createLogSerializer (gateway: GatewayConfig): LogSerializer {
  const routeParts = new Map<RouteConfig, string>()

  function staticPart (route: RouteConfig): string {
    let part = routeParts.get(route)
    if (part === undefined) {
      const { service: index, ...routeFields } = route
      // A route without a service: Kong's entry has no "service" and the route's is null.
      const service = index === null ? null : gateway.services[index]
      part = service === null
        ? `"route":${JSON.stringify({ ...routeFields, service: null })}`
        : `"route":${JSON.stringify({ ...routeFields, service: { id: service.id, name: service.name } })},"service":${JSON.stringify(service)}`
      routeParts.set(route, part)
    }
    return part
  }

  return {
    serialize (ctx) {
      const req = ctx.request
      const requestHeaders: Record<string, string | string[]> = {}
      let requestHeaderBytes = 2
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue
        requestHeaders[name] = REDACTED.has(name) ? 'REDACTED' : value
        requestHeaderBytes += name.length + 4 + (Array.isArray(value) ? value.join(', ').length : value.length)
      }
      const declared = Number(req.header('content-length') ?? 0)
      const requestSize = `${req.method} ${req.rawTarget} HTTP/1.1\r\n`.length + requestHeaderBytes + (req.body?.length ?? (Number.isFinite(declared) ? declared : 0))

      const response = ctx.response
      const responseHeaders: Record<string, string | string[]> = {}
      let responseSize = 0
      if (response !== null) {
        const entries = response.headers.entries()
        for (const [name, value] of entries) {
          const lower = name.toLowerCase()
          const current = responseHeaders[lower]
          if (current === undefined) responseHeaders[lower] = value
          else if (Array.isArray(current)) current.push(value)
          else responseHeaders[lower] = [current, value]
        }
        responseSize = `HTTP/1.1 ${response.status} \r\n`.length + headerBytes(entries) + response.bodyBytes
      }

      const t = ctx.timings
      const finished = t.finished ?? t.received
      const upstream = ctx.upstream
      const consumer = ctx.consumer
      const entry: Record<string, unknown> = {
        request: {
          method: req.method,
          uri: req.rawTarget,
          url: `${req.scheme}://${req.host ?? req.serverAddress}:${req.serverPort}${req.rawTarget}`,
          querystring: queryTable(req.rawQuery),
          headers: requestHeaders,
          size: requestSize
        },
        upstream_uri: upstream.query === '' ? upstream.path : `${upstream.path}?${upstream.query}`,
        response: { status: response?.status ?? 0, headers: responseHeaders, size: responseSize },
        latencies: {
          kong: Math.round((t.upstreamStart ?? finished) - t.received),
          proxy: t.upstreamStart !== null && t.upstreamHeaders !== null ? Math.round(t.upstreamHeaders - t.upstreamStart) : -1,
          request: Math.round(finished - t.received)
        },
        client_ip: req.clientIp,
        started_at: ctx.startedAt
      }
      if (consumer !== null) {
        entry.consumer = { id: consumer.id, username: consumer.username, custom_id: consumer.custom_id, tags: consumer.tags }
        if (ctx.credential !== null) entry.authenticated_entity = { id: ctx.credential.id, consumer_id: consumer.id }
      }
      const json = JSON.stringify(entry)
      // The route and service, serialised once per route, spliced in before the closing brace.
      return `${json.slice(0, -1)},${staticPart(ctx.route)}}`
    }
  }
}
