import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { TLSSocket } from 'node:tls'
import type { Pool } from 'undici'
import { ErrorCodes, type ErrorCode } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { CompiledGateway, GatewayState } from '../compiled-gateway.js'
import { requestBodyBytes, upstreamErrorKind } from '../metrics/request-facts.js'
import type { UpstreamErrorKind } from '../metrics/route-slot.js'
import { normalizePath, splitQuery } from '../router/normalize-path.js'
import { buildUpstreamPath } from '../router/upstream-path.js'
import type { RouteMatch } from '../router/types.js'
import { sendErrorResponse } from './error-response.js'
import { buildClientResponseHeaders, buildUpstreamRequestHeaders, clientAddressOf, hostWithoutPort } from './forward-headers.js'
import { classifyUpstreamError, RequestBodyLimitError, UpstreamWriteTimeoutError } from './upstream-errors.js'

// The request path. HOT PATH, CHANGE WITH CARE.
//
// One ProxyCall instance per proxied request is undici's handler (the legacy onConnect/onHeaders/
// onData/onComplete/onError API, undici's fastest path) and carries all per-request state, so no
// closure is allocated per request: the few event listeners are module-level functions that find the
// call through a symbol property on `res` / `req`. Headers are copied once (forward-headers.ts).
//
// Concurrency model: a request reads `state.current` once and keeps that CompiledGateway (router,
// service, pool) until it ends, so a reload never changes the rules under an in-flight request; the
// old pools are closed gracefully by UpstreamSet.retire once the new set is live.
//
// Bodies stream both ways with backpressure: the request body is `req` itself (undici pauses it
// while the upstream socket is full); the response is written chunk by chunk and onData returns
// res.write's result, which makes undici pause the upstream socket until 'drain'.
//
// undici leaves `req` untouched when the connection fails before the request is written (verified by
// the "POST with a body to a refused upstream" test), so such a request can be retried and still
// gets a JSON error; when it fails mid-upload undici destroys `req` but detaches its socket first
// (util.destroy), so the client still receives the error response, sent with `Connection: close`.
//
// Plugins: a route no plugin applies to has a null chain and takes exactly this path. A route with
// plugins hands the prepared request to its RouteChain (data-plane/plugin-runner), which runs the
// plugins and proxies with a ProxyCall subclass; nothing of that runs here.
//
// Metrics (data-plane/metrics): when on, a request takes performance.now() when it arrives, at the
// upstream's headers and when the response closes (three clock reads), and records
// once, in the res 'close' listener the call already has, into its route's preallocated slot
// (gateway.metrics, indexed by route index). Requests no route takes are counted without labels.
// Requests with plugins are recorded by their PluginRun (metered = false here).

const kCall = Symbol('atrium.proxyCall')

interface WithCall {
  [kCall]?: ProxyCall
}

export const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'])

/** Errors that another attempt cannot fix. */
const NOT_RETRIABLE = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_ABORTED'])

/** The options object handed to undici, one per request, reused for retries. */
export class UpstreamRequestOptions {
  readonly path: string
  readonly method: string
  readonly headers: string[]
  /** The client's request streamed, a body the plugin runner holds in memory, or none. */
  readonly body: IncomingMessage | Buffer | null
  readonly headersTimeout: number
  readonly bodyTimeout: number
  /** Not in undici's typings but honoured: keeps SNI = service host even when the Host is preserved. */
  readonly servername: string | undefined
  readonly idempotent: boolean

  constructor (path: string, method: string, headers: string[], body: IncomingMessage | Buffer | null, readTimeout: number, servername: string | null, idempotent: boolean) {
    this.path = path
    this.method = method
    this.headers = headers
    this.body = body
    this.headersTimeout = readTimeout
    this.bodyTimeout = readTimeout
    this.servername = servername ?? undefined
    this.idempotent = idempotent
  }
}

/** One proxied request: undici dispatch handler plus the state of the exchange. */
export class ProxyCall {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  /** The route match, kept for plugins that run later in the request. */
  readonly match: RouteMatch
  readonly gateway: CompiledGateway
  readonly pool: Pool
  readonly opts: UpstreamRequestOptions
  readonly log: Logger
  retriesLeft: number
  readonly writeTimeout: number
  abortUpstream: ((err?: Error) => void) | null = null
  resumeUpstream: (() => void) | null = null
  /** undici handed the request to a connected socket: bytes may have reached the upstream. */
  connected = false
  /** Status and headers were written to the client. */
  responseStarted = false
  drainListening = false
  /** The upstream response could not be relayed (bad header): another attempt would fail the same way. */
  invalidResponse = false
  done = false
  clientGone = false
  writeTimer: NodeJS.Timeout | null = null
  writeBlocked = false
  /**
   * Most bytes of a streamed request body to forward (set by the plugin runner before start, for
   * request-size-limiting); -1 for no limit. Over it the upstream call is aborted and the client
   * gets 413 ATRIUM_ERR_PROXY_REQUEST_SIZE_LIMIT (or, once the response started, a cut connection).
   */
  requestBodyLimit = -1
  requestBodyBytes = 0
  /** performance.now() when the request arrived (set by the proxy when metrics are on). */
  receivedAt = 0
  /**
   * performance.now() at the upstream's response headers (−1: none). Upstream latency is measured from
   * receivedAt: routing and header copying (a few µs) count as upstream time, to save a clock read.
   */
  upstreamHeadersAt = -1
  /** Response body bytes written to the client; request body bytes counted as they stream (no content-length). */
  bytesOut = 0
  bodyBytesIn = 0
  /** Records the request in the metrics when the response closes (PluginProxyCall: its PluginRun does). */
  metered = true

  constructor (req: IncomingMessage, res: ServerResponse, match: RouteMatch, gateway: CompiledGateway, opts: UpstreamRequestOptions, log: Logger) {
    this.req = req
    this.res = res
    this.match = match
    this.gateway = gateway
    this.pool = gateway.upstreams.pool(match.route.service)
    this.opts = opts
    this.log = log
    this.retriesLeft = match.service.retries
    this.writeTimeout = match.service.write_timeout
  }

  start (): void {
    (this.res as WithCall)[kCall] = this
    this.res.on('close', onClientResponseClose)
    if (this.opts.body !== null && this.writeTimeout > 0) {
      (this.req as WithCall)[kCall] = this
      this.req.on('pause', onRequestBodyPause)
      this.req.on('resume', onRequestBodyResume)
    }
    if (this.requestBodyLimit >= 0 && this.opts.body === this.req) {
      (this.req as WithCall)[kCall] = this
      // Prepended, so each chunk is counted before undici writes it; prependListener (unlike `on`)
      // does not start the stream flowing: undici does, once the upstream socket is ready.
      this.req.prependListener('data', onRequestBodyData)
    }
    if (this.gateway.metrics != null && this.opts.body === this.req && this.req.headers['content-length'] === undefined) {
      (this.req as WithCall)[kCall] = this
      this.req.prependListener('data', onRequestBodyCount)
    }
    this.pool.dispatch(this.opts as never, this)
  }

  // ---- undici handler (legacy API) ----

  onConnect (abort: (err?: Error) => void): void {
    this.abortUpstream = abort
    this.connected = true
    if (this.clientGone) abort()
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true
    if (this.gateway.metrics != null) this.upstreamHeadersAt = performance.now() // a clock read only when it is recorded
    this.resumeUpstream = resume
    const headers = buildClientResponseHeaders(rawHeaders)
    // The upstream answered before the client finished sending its body (e.g. an early 401/413).
    // undici stops reading `req` once the response is complete, so the rest of the body would be
    // left in the connection: close it after this response instead of keeping it alive.
    if (this.opts.body !== null && !this.req.complete) this.res.shouldKeepAlive = false
    try {
      this.res.writeHead(statusCode, statusText === '' ? undefined : statusText, headers)
    } catch (err) {
      // A header Node refuses to send: undici aborts on the rethrow and onError answers 502.
      this.invalidResponse = true
      throw err
    }
    this.responseStarted = true
    return true
  }

  onData (chunk: Buffer): boolean {
    this.bytesOut += chunk.length
    if (this.res.write(chunk)) return true
    if (!this.drainListening) {
      this.drainListening = true
      this.res.on('drain', onClientResponseDrain)
    }
    return false
  }

  onComplete (): void {
    this.finish()
    this.res.end()
  }

  onError (err: Error): void {
    if (this.done) return
    if (this.clientGone) {
      this.finish()
      return
    }
    if (!this.responseStarted && this.gateway.metrics != null) {
      const kind = this.upstreamErrorKind(err)
      if (kind !== -1) this.gateway.metrics.upstreamError(this.match.routeIndex, kind)
    }
    if (!this.responseStarted && this.retriesLeft > 0 && this.mayRetry(err)) {
      this.retriesLeft--
      this.connected = false
      this.abortUpstream = null
      process.nextTick(dispatchAgain, this)
      return
    }
    this.finish()
    if (this.responseStarted) {
      this.res.destroy()
      return
    }
    const code = classifyUpstreamError(err)
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug({ err, code, route: this.match.route.name, service: this.match.service.name }, 'upstream request failed')
    }
    // A half-read request body leaves the connection unusable for another request.
    this.answerError(code, this.opts.body !== null && (!this.req.complete || this.req.destroyed))
  }

  /** Sends the gateway's own error response (the plugin runner's subclass runs plugins on it first). */
  answerError (code: ErrorCode, closeConnection: boolean): void {
    this.bytesOut += sendErrorResponse(this.res, code, closeConnection)
  }

  // ---- internals ----

  /** For the metrics: what kind of upstream failure `err` is, −1 when it is not the upstream's fault. */
  upstreamErrorKind (err: Error): UpstreamErrorKind | -1 {
    return upstreamErrorKind(err, this.invalidResponse)
  }

  mayRetry (err: Error): boolean {
    // The upstream's response did not parse or could not be relayed: it would fail the same way again.
    if (this.invalidResponse || err.name === 'HTTPParserError') return false
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && NOT_RETRIABLE.has(code)) return false
    // Nothing reached the upstream yet: any method may be retried.
    if (!this.connected) return true
    return this.opts.body === null && this.opts.idempotent
  }

  finish (): void {
    this.done = true
    if (this.writeTimer !== null) {
      clearTimeout(this.writeTimer)
      this.writeTimer = null
    }
  }
}

// ---- shared listeners (no per-request closures) ----

function dispatchAgain (call: ProxyCall): void {
  if (call.clientGone) {
    call.finish()
    return
  }
  call.pool.dispatch(call.opts as never, call)
}

/** The client connection closed (after the response, or not): record it; abort the upstream call unless the exchange already ended. */
function onClientResponseClose (this: ServerResponse & WithCall): void {
  const call = this[kCall]
  if (call === undefined) return
  if (call.metered) recordCall(call, this)
  if (call.done) return
  call.clientGone = true
  if (call.abortUpstream !== null) call.abortUpstream()
}

function onClientResponseDrain (this: ServerResponse & WithCall): void {
  const call = this[kCall]
  if (call !== undefined && call.resumeUpstream !== null && !call.done) call.resumeUpstream()
}

// write_timeout: the longest time undici may keep the request body paused because the upstream
// socket does not accept more bytes (nginx's proxy_send_timeout measures the same thing).
function onRequestBodyPause (this: IncomingMessage & WithCall): void {
  const call = this[kCall]
  if (call === undefined || call.done) return
  call.writeBlocked = true
  if (call.writeTimer === null) call.writeTimer = setTimeout(onWriteTimeout, call.writeTimeout, call)
  else call.writeTimer.refresh()
}

function onRequestBodyResume (this: IncomingMessage & WithCall): void {
  const call = this[kCall]
  if (call !== undefined) call.writeBlocked = false
}

function onRequestBodyData (this: IncomingMessage & WithCall, chunk: Buffer): void {
  const call = this[kCall]
  if (call === undefined || call.done || call.requestBodyLimit < 0) return
  call.requestBodyBytes += chunk.length
  if (call.requestBodyBytes <= call.requestBodyLimit) return
  const limit = call.requestBodyLimit
  call.requestBodyLimit = -1
  this.pause()
  call.abortUpstream?.(new RequestBodyLimitError(limit))
}

function onRequestBodyCount (this: IncomingMessage & WithCall, chunk: Buffer): void {
  const call = this[kCall]
  if (call !== undefined) call.bodyBytesIn += chunk.length
}

/** Once per request, at res 'close'. The client leaving before any response is nginx's 499. */
function recordCall (call: ProxyCall, res: ServerResponse): void {
  const metrics = call.gateway.metrics
  if (metrics == null) return
  const upstreamMs = call.upstreamHeadersAt < 0 ? -1 : call.upstreamHeadersAt - call.receivedAt
  metrics.record(call.match.routeIndex, res.headersSent ? res.statusCode : 499, performance.now() - call.receivedAt, upstreamMs,
    call.opts.body === null ? 0 : requestBodyBytes(call.req, call.bodyBytesIn), call.bytesOut, -1)
}

function onWriteTimeout (call: ProxyCall): void {
  if (call.writeBlocked && !call.done && call.abortUpstream !== null) call.abortUpstream(new UpstreamWriteTimeoutError())
}

// ---- the 'request' listener ----

export interface ProxyRequestHandlerOptions {
  state: GatewayState
  logger: Logger
}

export type ProxyRequestHandler = (req: IncomingMessage, res: ServerResponse) => void

export function createProxyRequestHandler (options: ProxyRequestHandlerOptions): ProxyRequestHandler {
  const state = options.state
  const log = options.logger.child({ component: 'proxy' })

  return function handleProxyRequest (req: IncomingMessage, res: ServerResponse): void {
    try {
      proxyRequest(state, state.current, req, res, log, state.metrics != null ? performance.now() : 0)
    } catch (err) {
      log.error({ err }, 'proxy request failed unexpectedly')
      sendErrorResponse(res, 'ATRIUM_ERR_PROXY_INTERNAL', true)
    }
  }
}

/** A request no route takes: answered and counted without labels. */
function answerUnmatched (state: GatewayState, req: IncomingMessage, res: ServerResponse, code: ErrorCode, receivedAt: number): void {
  const bytes = sendErrorResponse(res, code)
  state.metrics?.recordUnmatched(ErrorCodes[code].status, performance.now() - receivedAt, requestBodyBytes(req, 0), bytes)
}

function proxyRequest (state: GatewayState, gateway: CompiledGateway | null, req: IncomingMessage, res: ServerResponse, log: Logger, receivedAt: number): void {
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
  const match = gateway.router.match({ method, host: headers.host, path, headers })
  if (match === null) {
    answerUnmatched(state, req, res, 'ATRIUM_ERR_PROXY_NO_ROUTE', receivedAt)
    return
  }
  const socket = req.socket
  const tls = (socket as TLSSocket).encrypted === true
  const route = match.route
  if (!tls && !route.protocols.includes('http')) {
    const bytes = sendErrorResponse(res, 'ATRIUM_ERR_PROXY_PROTOCOL')
    gateway.metrics?.record(match.routeIndex, 426, performance.now() - receivedAt, -1, requestBodyBytes(req, 0), bytes, -1)
    return
  }

  const service = match.service
  const upstreams = gateway.upstreams
  const serviceIndex = route.service
  const prefix = route.strip_path && match.matchedPrefix !== '' && match.matchedPrefix !== '/' ? match.matchedPrefix : null
  const upstreamHeaders = buildUpstreamRequestHeaders(
    req.rawHeaders,
    route.preserve_host && headers.host !== undefined ? headers.host : upstreams.hostHeader(serviceIndex),
    clientAddressOf(socket.remoteAddress),
    tls ? 'https' : 'http',
    hostWithoutPort(headers.host),
    socket.localPort ?? 0,
    path,
    prefix
  )
  const hasBody = headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0')
  const opts = new UpstreamRequestOptions(
    buildUpstreamPath(service.path, route.strip_path, path, match.matchedPrefix) + splitQuery(rawUrl),
    method,
    upstreamHeaders,
    hasBody ? req : null,
    service.read_timeout,
    upstreams.servername(serviceIndex),
    IDEMPOTENT.has(method)
  )
  const chain = (tls ? gateway.plugins.https : gateway.plugins.http)[match.routeIndex]
  if (chain === null) {
    const call = new ProxyCall(req, res, match, gateway, opts, log)
    call.receivedAt = receivedAt
    call.start()
  } else {
    chain.handle(req, res, match, gateway, opts, path, tls, log)
  }
}

/** The in-flight call for a response, if it is being proxied (for plugins and tests). */
export function proxyCallOf (res: ServerResponse): ProxyCall | undefined {
  return (res as WithCall)[kCall]
}
