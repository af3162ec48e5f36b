import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2'
import { performance } from 'node:perf_hooks'
import type { TLSSocket } from 'node:tls'
import { ErrorCodes, type ErrorCode } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { CompiledGateway, GatewayState } from '../compiled-gateway.js'
import { requestBodyBytes } from '../metrics/request-facts.js'
import { collectMatchHeaders } from '../../router/match-headers.js'
import { normalizePath, rawPath, splitQuery } from '../../router/normalize-path.js'
import { buildUpstreamPath } from '../../router/upstream-path.js'
import { DEFAULT_CLIENT_LIMITS, type ClientLimits } from './client-limits.js'
import { sendErrorResponse } from './error-response.js'
import { buildUpstreamRequestHeaders, clientAddressOf, hostWithoutPort } from './forward-headers.js'
import { http1HeaderList } from './http2-request.js'
import { UpstreamCall } from './upstream-call.js'
import { isWebSocketHandshake } from './upgrade-request.js'
import { IDEMPOTENT, UpstreamRequestOptions } from './upstream-request.js'
import { setRouteDebugHeaders, wantsRouteDebug, withoutDebugHeader, type RouteDebug } from './route-debug.js'

// The request path's entry: match the route, prepare the upstream request, and hand it to an
// UpstreamCall (upstream-call.ts). HOT PATH, CHANGE WITH CARE.
//
// Concurrency model: a request reads `state.current` once and keeps that CompiledGateway (router,
// service, pool) until it ends, so a reload never changes the rules under an in-flight request; the
// old pools are closed gracefully by UpstreamSet.retire once the new set is live.
//
// Plugins: a route no plugin applies to has a null chain, and its call starts at once with no hooks.
// A route with plugins hands the call, not started, to its RouteChain (data-plane/plugin-runner),
// which runs access, then starts the call with itself as the call's hooks; nothing of that runs here.
//
// Metrics (data-plane/metrics): when on, a request takes performance.now() when it arrives, at the
// upstream's headers and when the response closes (three clock reads), and is recorded once into its
// route's preallocated slot (gateway.metrics, indexed by route index). Requests no route takes are
// counted without labels.

export interface ProxyRequestHandlerOptions {
  state: GatewayState
  logger: Logger
  /** The node's client timeouts (default: nginx's 60 s each). */
  limits?: ClientLimits
  /** The route debug headers on demand (route-debug.ts); absent or null: off. */
  routeDebug?: RouteDebug | null
}

export type ProxyRequestHandler = (req: IncomingMessage, res: ServerResponse) => void

export interface ProxyRequestHandlers {
  /** HTTP/1.x requests (and WebSocket handshakes). */
  http1: ProxyRequestHandler
  /** HTTP/2 requests (compatibility API), mapped onto the same path (http2-request.ts). */
  http2: (req: Http2ServerRequest, res: Http2ServerResponse) => void
}

export function createProxyRequestHandler (options: ProxyRequestHandlerOptions): ProxyRequestHandlers {
  const state = options.state
  const log = options.logger.child({ component: 'proxy' })
  const limits = options.limits ?? DEFAULT_CLIENT_LIMITS
  const debug = options.routeDebug ?? null
  const failed = (err: unknown, res: ServerResponse): void => {
    log.error({ err }, 'proxy request failed unexpectedly')
    sendErrorResponse(res, 'ATRIUM_ERR_PROXY_INTERNAL', true)
  }
  const http1 = function handleProxyRequest (req: IncomingMessage, res: ServerResponse): void {
    if (res.socket === null) {
      waitForTurn(req, res, http1)
      return
    }
    try {
      proxyRequest(state, state.current, req, res, req.rawHeaders, log, state.metrics != null ? performance.now() : 0, limits, debug)
    } catch (err) {
      failed(err, res)
    }
  }
  return {
    http1,
    http2: function handleHttp2ProxyRequest (req: Http2ServerRequest, res: Http2ServerResponse): void {
      // The compatibility API's request and response have the surface the proxy uses (see http2-request.ts).
      const r1 = req as unknown as IncomingMessage
      const s1 = res as unknown as ServerResponse
      try {
        const receivedAt = state.metrics != null ? performance.now() : 0
        proxyRequest(state, state.current, r1, s1, http1HeaderList(req), log, receivedAt, limits, debug)
      } catch (err) {
        failed(err, s1)
      }
    }
  }
}

const kTurn = Symbol('atrium.pipelined')

interface WaitingResponse extends ServerResponse {
  [kTurn]?: { req: IncomingMessage, handle: ProxyRequestHandler }
}

/**
 * A pipelined request: Node parses every request a client pipelines and hands each over at once,
 * its response queued behind the one being answered (no socket yet). Served one at a time, as nginx
 * does: this one starts when Node gives its response the socket, and the connection is not read
 * further meanwhile — so one client connection never holds more than one upstream request.
 */
function waitForTurn (req: IncomingMessage, res: ServerResponse, handle: ProxyRequestHandler): void {
  req.socket.pause()
  ;(res as WaitingResponse)[kTurn] = { req, handle }
  res.once('socket', onTurn)
}

function onTurn (this: WaitingResponse, socket: import('node:net').Socket): void {
  const turn = this[kTurn]
  if (turn === undefined) return
  this[kTurn] = undefined
  socket.resume()
  turn.handle(turn.req, this)
}

/** A request no route takes: answered and counted without labels. */
function answerUnmatched (state: GatewayState, req: IncomingMessage, res: ServerResponse, code: ErrorCode, receivedAt: number): void {
  const bytes = sendErrorResponse(res, code)
  state.metrics?.recordUnmatched(ErrorCodes[code].status, performance.now() - receivedAt, requestBodyBytes(req, 0), bytes)
}

/** `raw`: the request's header list (req.rawHeaders; for HTTP/2, without pseudo-headers). */
function proxyRequest (state: GatewayState, gateway: CompiledGateway | null, req: IncomingMessage, res: ServerResponse, raw: string[], log: Logger, receivedAt: number, limits: ClientLimits, debug: RouteDebug | null): void {
  if (gateway === null) {
    answerUnmatched(state, req, res, 'ATRIUM_ERR_PROXY_NO_CONFIG', receivedAt)
    return
  }
  const rawUrl = req.url as string
  const path = normalizePath(rawUrl)
  if (path === null) {
    answerUnmatched(state, req, res, 'ATRIUM_ERR_PROXY_BAD_REQUEST', receivedAt)
    return
  }
  const method = req.method as string
  const headers = req.headers
  if (headers.host === undefined && req.httpVersionMinor === 1 && req.httpVersionMajor === 1) {
    // RFC 9112 §3.2: HTTP/1.1 without Host is a bad request (nginx answers 400, so Kong does). Node's
    // own check is off (proxy-server.ts) so that this answer is Atrium's JSON error.
    answerUnmatched(state, req, res, 'ATRIUM_ERR_PROXY_BAD_REQUEST', receivedAt)
    return
  }
  const router = gateway.router
  const headerNames = router.headerNames
  const socket = req.socket
  // For HTTP/2, req.socket is the compatibility API's proxy of the session's TLSSocket: servername reads through.
  const tls = (socket as TLSSocket).encrypted === true
  const match = router.match({
    method,
    host: headers.host,
    path,
    headers: headerNames === null ? headers : collectMatchHeaders(raw, headerNames),
    port: socket.localPort,
    tls,
    sni: tls ? (socket as TLSSocket).servername : null
  })
  if (match === null) {
    answerUnmatched(state, req, res, 'ATRIUM_ERR_PROXY_NO_ROUTE', receivedAt)
    return
  }
  const route = match.route
  if (debug !== null && headers[debug.header] !== undefined) {
    if (wantsRouteDebug(debug, req)) setRouteDebugHeaders(res, router, match)
    raw = withoutDebugHeader(debug, raw)
    // Neither the upstream nor a log plugin sees it: it may carry the token.
    delete headers[debug.header]
  }
  if (!tls && !route.protocols.includes('http')) {
    const redirect = route.https_redirect_status_code
    if (redirect === undefined) {
      const bytes = sendErrorResponse(res, 'ATRIUM_ERR_PROXY_PROTOCOL')
      gateway.metrics?.record(match.routeIndex, 426, performance.now() - receivedAt, -1, requestBodyBytes(req, 0), bytes, -1, method, path)
      return
    }
    // Kong's redirect: https, the request's host without its port, the request target as sent.
    res.writeHead(redirect, { location: `https://${hostWithoutPort(headers.host) ?? ''}${rawUrl}`, 'content-length': 0 })
    res.end()
    gateway.metrics?.record(match.routeIndex, redirect, performance.now() - receivedAt, -1, requestBodyBytes(req, 0), 0, -1, method, path)
    return
  }

  // A route without a service has no upstream: its call answers 503 ATRIUM_ERR_PROXY_NO_SERVICE once
  // the route's plugins let the request through (Kong runs access, then answers). The request is
  // prepared as for any route, since plugins read and edit it.
  const service = match.service
  const upstreams = gateway.upstreams
  const serviceIndex = route.service
  const prefix = route.strip_path && match.matchedPrefix !== '' && match.matchedPrefix !== '/' ? match.matchedPrefix : null
  const upstreamHeaders = buildUpstreamRequestHeaders(
    raw,
    (route.preserve_host || serviceIndex === null) && headers.host !== undefined ? headers.host : serviceIndex === null ? '' : upstreams.hostHeader(serviceIndex),
    clientAddressOf(socket.remoteAddress),
    tls ? 'https' : 'http',
    hostWithoutPort(headers.host),
    socket.localPort ?? 0,
    rawPath(rawUrl),
    prefix
  )
  const hasBody = headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0')
  const opts = new UpstreamRequestOptions(
    buildUpstreamPath(service === null ? null : service.path, route.strip_path, path, match.matchedPrefix) + splitQuery(rawUrl),
    method,
    upstreamHeaders,
    hasBody ? req : null,
    service === null ? 0 : service.read_timeout,
    serviceIndex === null ? null : upstreams.servername(serviceIndex),
    IDEMPOTENT.has(method)
  )
  if (isWebSocketHandshake(req)) opts.upgrade = 'websocket'
  const chain = (tls ? gateway.plugins.https : gateway.plugins.http)[match.routeIndex]
  const call = new UpstreamCall(req, res, match, opts, serviceIndex === null ? null : upstreams.pool(serviceIndex), serviceIndex === null ? null : upstreams.balancer(serviceIndex), gateway.metrics ?? null, log, receivedAt, limits, path)
  if (chain === null) call.start()
  else chain.handle(call, path, tls)
}
