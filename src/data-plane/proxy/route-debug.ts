import type { IncomingMessage, ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import type { CompiledRouter } from '../../router/compiled-router.js'
import { formatPriority, priorityOf } from '../../router/loss-reason.js'
import type { RouteMatch } from '../../router/types.js'

// The route debug headers, on demand: a node started with --route-debug-header NAME answers a
// request carrying that header with `Atrium-Route: <route name, else id>` and `Atrium-Route-Priority:
// <the winning path's priority tuple>` (src/router/loss-reason.ts). Off by default. Outsiders cannot
// turn it on: with --route-debug-token the header's value must be that token; without one, only
// loopback clients are heard. The header never reaches the upstream nor the log plugins (it may
// carry the token). When off, the request path pays one null check; when on, one header lookup.

export interface RouteDebug {
  /** Lower-case header name. */
  header: string
  /** The value the header must carry, or null: loopback clients only. */
  token: Buffer | null
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

export function createRouteDebug (options: { header: string, token?: string | null }): RouteDebug {
  return { header: options.header.toLowerCase(), token: options.token == null || options.token === '' ? null : Buffer.from(options.token, 'utf8') }
}

/** The request carries the header, and may turn the debug headers on. */
export function wantsRouteDebug (debug: RouteDebug, req: IncomingMessage): boolean {
  const value = req.headers[debug.header]
  if (value === undefined) return false
  if (debug.token === null) return LOOPBACK.has(req.socket.remoteAddress ?? '')
  const given = Buffer.from(Array.isArray(value) ? value[0] : value, 'utf8')
  return given.length === debug.token.length && timingSafeEqual(given, debug.token)
}

/** `raw` without the debug header's lines (a copy only when it has one). */
export function withoutDebugHeader (debug: RouteDebug, raw: string[]): string[] {
  let found = false
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === debug.header) { found = true; break }
  if (!found) return raw
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() !== debug.header) out.push(raw[i], raw[i + 1])
  return out
}

/** Sets the debug headers on the response, before anything (upstream answer, plugin, error) writes its head. */
export function setRouteDebugHeaders (res: ServerResponse, router: CompiledRouter, match: RouteMatch): void {
  const route = match.route
  res.setHeader('atrium-route', route.name ?? route.id ?? `routes[${match.routeIndex}]`)
  // Debug requests only: the winning candidate is found by a scan rather than kept on every match.
  const c = router.candidates.find((x) => x.routeIndex === match.routeIndex && x.matchedPath === match.matchedPath)
  if (c !== undefined) res.setHeader('atrium-route-priority', formatPriority(priorityOf(c)))
}
