import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Pool } from 'undici'
import type { ServiceConfig } from '../../contract/index.js'
import type { Logger } from '../../log.js'
import type { GatewayMetrics } from '../metrics/node-metrics.js'
import { requestBodyBytes, upstreamErrorKind } from '../metrics/request-facts.js'
import type { RouteMatch } from '../../router/types.js'
import { RESPONSE_FAILED, RESPONSE_HOLD, type HookedCall, type UpstreamCallHooks } from './call-hooks.js'
import { sendErrorResponse } from './error-response.js'
import { buildClientResponseHeaders, clientAddressOf } from './forward-headers.js'
import type { ClientLimits } from './client-limits.js'
import { ClientBodyTimeoutError, classifyUpstreamError, RequestBodyLimitError, UpstreamWriteTimeoutError } from './upstream-errors.js'
import type { UpstreamRequestOptions } from './upstream-request.js'
import type { ServiceBalancer } from './service-balancer.js'
import { normalizePath, splitQuery } from '../../router/index.js'
import { completeUpgrade } from './upgrade-request.js'

// One proxied request's exchange with its upstream. HOT PATH, CHANGE WITH CARE.
//
// The call is undici's dispatch handler (the legacy onConnect/onHeaders/onData/onComplete/onError
// API, undici's fastest path) and carries all per-request state, so no closure is allocated per
// request: the few event listeners are static functions that find the call through a symbol
// property on `res` / `req`. Its state is private; where it is in the exchange is one phase
// number, and whoever needs to take part (the plugin runner) passes UpstreamCallHooks
// (call-hooks.ts) rather than subclassing it. A WebSocket handshake ends in onUpgrade, which hands
// both sockets to the tunnel (websocket-tunnel.ts).
//
// Client limits (client-limits.ts) that need the exchange's state live here too: the body timeout
// (armed while undici reads the request body, paused while the upstream holds it back), the send
// timeout (armed while the client does not take the response), and the wait for a connection of
// a pool whose connections are all busy (dispatch(): a timer only when undici says the pool is full).
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
// Metrics: a call without hooks records itself once, in the res 'close' listener it has anyway,
// into its route's preallocated slot; with hooks, the hooks' owner records (it knows what the
// plugins answered). Clock reads happen only when metrics are on.

const kCall = Symbol('atrium.upstreamCall')

interface WithCall {
  [kCall]?: UpstreamCall
}

/** Created, not dispatched yet. */
const PHASE_IDLE = 0
/** Dispatched to undici; no socket yet, so nothing reached the upstream. */
const PHASE_SENDING = 1
/** On a connected socket: bytes may have reached the upstream. */
const PHASE_CONNECTED = 2
/** The upstream's status and headers arrived; nothing written to the client (the hooks may hold the body). */
const PHASE_ANSWERED = 3
/**
 * The response is relayed as it comes; its status and headers go out with its first body byte (or
 * its end), so an upstream body that fails before any byte (a malformed chunk) is still a 502.
 * Node sends a head with the first write anyway: nothing reaches the client later than before.
 */
const PHASE_RELAYING = 4
/** The response's status and headers were written to the client. */
const PHASE_STREAMING = 5
/** The exchange ended (completed, failed or given up); late events are ignored. */
const PHASE_DONE = 6

/** Errors that another attempt cannot fix. */
const NOT_RETRIABLE = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED', 'UND_ERR_ABORTED'])

export class UpstreamCall implements HookedCall {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  /** The route match, for the hooks' owner and the logs. */
  readonly match: RouteMatch
  /** performance.now() when the request arrived (0 when metrics are off). */
  readonly receivedAt: number
  /** The config version's metric slots (null: metrics off), for the hooks' owner too. */
  readonly metrics: GatewayMetrics | null
  /** The normalised request path the route matched (for the analytics' requested paths). */
  readonly requestPath: string
  readonly log: Logger
  /** The service's pool, or the picked target's (balanced services); null before a pick. */
  private pool: Pool | null
  /** A service balanced over an upstream's targets: a peer is picked per attempt. */
  private readonly balancer: ServiceBalancer | null
  /** The peer of the attempt in flight (−1: none), the peers tried before it, the request's hash. */
  private peer = -1
  private tried: number[] | null = null
  private hash = 0
  private attemptAt = 0
  /** The Host the last pick set (null before the first: the service's, which the proxy set). */
  private hostSent: string | null = null
  /** Set-Cookie for a consistent-hashing upstream that generated the request's hash cookie. */
  private hashCookie: string | null = null
  /** The identified consumer (id, else username or custom_id), for `hash_on: consumer`; set by the plugin runner. */
  consumerKey: string | null = null
  private opts: UpstreamRequestOptions
  private hooks: UpstreamCallHooks | null = null
  private phase = PHASE_IDLE
  private retriesLeft: number
  private readonly writeTimeout: number
  private abortUpstream: ((err?: Error) => void) | null = null
  private resumeUpstream: (() => void) | null = null
  private clientGone = false
  /** The upstream response could not be relayed (a header Node refuses): counted as an invalid response. */
  private invalidResponse = false
  /** onResponseStart answered RESPONSE_FAILED: not the upstream's fault. */
  private hooksFailed = false
  private drainListening = false
  private writeTimer: NodeJS.Timeout | null = null
  private writeBlocked = false
  /** The node's client timeouts (the plugin runner's body reads use them too). */
  readonly limits: ClientLimits
  /** --client-body-timeout: armed while undici reads the request body (not while it is paused by the upstream). */
  private bodyTimer: NodeJS.Timeout | null = null
  private bodyFlowing = false
  /** --client-send-timeout: armed while the client does not take the response's bytes. */
  private sendTimer: NodeJS.Timeout | null = null
  private sendBlocked = false
  /** Waiting for one of the pool's connections, all busy (bounded by connect_timeout). */
  private queueTimer: NodeJS.Timeout | null = null
  /** Most bytes of a streamed request body to forward (limitRequestBody); −1 for no limit. */
  private requestBodyLimit = -1
  private requestBodyBytes = 0
  /** Request body bytes counted as they stream (no content-length), for the metrics. */
  private bodyBytesIn = 0
  /** Response body bytes written to the client. */
  private bytesOut = 0
  /** performance.now() at the upstream's response headers (−1: none). */
  private upstreamHeadersAt = -1
  private status = 0
  private statusText = ''
  private headers: string[] | null = null

  constructor (req: IncomingMessage, res: ServerResponse, match: RouteMatch, opts: UpstreamRequestOptions, pool: Pool | null, balancer: ServiceBalancer | null, metrics: GatewayMetrics | null, log: Logger, receivedAt: number, limits: ClientLimits, requestPath: string) {
    this.requestPath = requestPath
    this.req = req
    this.limits = limits
    this.res = res
    this.match = match
    this.opts = opts
    this.pool = pool
    this.balancer = balancer
    this.metrics = metrics
    this.log = log
    this.receivedAt = receivedAt
    this.retriesLeft = match.service === null ? 0 : match.service.retries
    this.writeTimeout = match.service === null ? 0 : match.service.write_timeout
  }

  /** The upstream request as prepared by the proxy (the plugin runner edits a copy of it). */
  get request (): UpstreamRequestOptions {
    return this.opts
  }

  /** Request body bytes counted while streaming (a chunked body's size, for the hooks' owner's metrics). */
  get streamedBodyBytes (): number {
    return this.bodyBytesIn
  }

  /**
   * Before start: the most bytes of a streamed request body to forward. Over it the upstream call is
   * aborted and the client gets 413 ATRIUM_ERR_PROXY_REQUEST_SIZE_LIMIT (once the response started, a
   * cut connection). A body held in memory is the caller's to check.
   */
  limitRequestBody (limit: number): void {
    this.requestBodyLimit = limit
  }

  /** Sends `opts` (default: the request as prepared) upstream; `hooks` take part in the exchange. */
  start (hooks: UpstreamCallHooks | null = null, opts: UpstreamRequestOptions = this.opts): void {
    this.hooks = hooks
    this.opts = opts
    this.phase = PHASE_SENDING
    const req = this.req
    ;(this.res as WithCall)[kCall] = this
    this.res.on('close', UpstreamCall.onClientClose)
    if (this.match.service === null) {
      this.answerWithout('ATRIUM_ERR_PROXY_NO_SERVICE')
      return
    }
    if (this.balancer !== null) {
      if (this.balancer.hashes) {
        const h = this.balancer.hashOf({
          req,
          path: normalizePath(req.url as string) ?? '',
          query: splitQuery(req.url as string).slice(1),
          captures: this.match.captures,
          clientAddress: clientAddressOf(req.socket.remoteAddress),
          consumer: this.consumerKey
        })
        this.hash = h.hash
        this.hashCookie = h.setCookie
      }
      if (!this.pickPeer()) {
        this.answerWithout('ATRIUM_ERR_PROXY_NO_PEER')
        return
      }
    }
    const streamsBody = opts.body === req
    const bodyTimed = streamsBody && !req.complete && this.limits.bodyTimeoutMs > 0
    if ((opts.body !== null && this.writeTimeout > 0) || bodyTimed) {
      (req as WithCall)[kCall] = this
      req.on('pause', UpstreamCall.onBodyPause)
      req.on('resume', UpstreamCall.onBodyResume)
    }
    if (bodyTimed) req.prependListener('data', UpstreamCall.onBodyData)
    if (this.requestBodyLimit >= 0 && streamsBody) {
      (req as WithCall)[kCall] = this
      // Prepended, so each chunk is counted before undici writes it; prependListener (unlike `on`)
      // does not start the stream flowing: undici does, once the upstream socket is ready.
      req.prependListener('data', UpstreamCall.onBodyLimited)
    }
    if (this.metrics !== null && streamsBody && req.headers['content-length'] === undefined) {
      (req as WithCall)[kCall] = this
      req.prependListener('data', UpstreamCall.onBodyCounted)
    }
    this.dispatch()
  }

  /** Hands the request to its pool; when every connection of it is busy, the wait is bounded by connect_timeout. */
  private dispatch (): void {
    if ((this.pool as Pool).dispatch(this.opts as never, this) || this.phase !== PHASE_SENDING) return
    const wait = (this.match.service as ServiceConfig).connect_timeout
    if (this.queueTimer === null) this.queueTimer = setTimeout(UpstreamCall.onQueueTimeout, wait, this)
    else this.queueTimer.refresh()
  }

  /** For the hooks: answer with this status and header list instead of the upstream's. */
  replaceHead (status: number, headers: string[]): void {
    if (status !== this.status) this.statusText = ''
    this.status = status
    this.headers = headers
  }

  /** For the hooks: give up on the upstream (onError follows with the error's code). */
  abort (err: Error): void {
    this.abortUpstream?.(err)
  }

  // ---- undici handler (legacy API) ----

  onConnect (abort: (err?: Error) => void): void {
    if (this.queueTimer !== null) clearTimeout(this.queueTimer)
    // Given up while queued (answered 503 already), or the client left.
    if (this.phase === PHASE_DONE) {
      abort()
      return
    }
    this.abortUpstream = abort
    this.phase = PHASE_CONNECTED
    if (this.clientGone) abort()
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true
    if (statusCode > 599) {
      // Not an HTTP status (nginx answers 502 "upstream sent invalid status"): undici aborts on the throw, onError answers 502.
      this.invalidResponse = true
      throw new Error(`the upstream sent an invalid status ${statusCode}`)
    }
    if (this.metrics !== null || this.balancer !== null) this.upstreamHeadersAt = performance.now() // a clock read only when it is used
    if (this.balancer !== null && this.peer !== -1) this.balancer.answered(this.peer, statusCode)
    this.resumeUpstream = resume
    this.phase = PHASE_ANSWERED
    this.status = statusCode
    this.statusText = statusText
    this.headers = buildClientResponseHeaders(rawHeaders)
    if (this.hashCookie !== null) this.headers.push('set-cookie', this.hashCookie)
    // The upstream answered before the client finished sending its body (e.g. an early 401/413).
    // undici stops reading `req` once the response is complete, so the rest of the body would be
    // left in the connection: close it after this response instead of keeping it alive.
    if (this.opts.body !== null && !this.req.complete) this.res.shouldKeepAlive = false
    const hooks = this.hooks
    if (hooks !== null) {
      const mode = hooks.onResponseStart(this, statusCode, this.headers)
      if (mode === RESPONSE_HOLD) return true
      if (mode === RESPONSE_FAILED) {
        this.hooksFailed = true
        throw new Error('the upstream call\'s hooks failed on the response') // undici aborts; onError follows
      }
    }
    this.phase = PHASE_RELAYING
    return true
  }

  /** The relayed response's status and headers, with its first body byte or its end. Throws when Node refuses a header. */
  private writeHead (): void {
    try {
      // HTTP/2 has no reason phrase (Node warns when given one).
      this.res.writeHead(this.status, this.statusText === '' || this.req.httpVersionMajor === 2 ? undefined : this.statusText, this.headers as string[])
    } catch (err) {
      this.invalidResponse = true
      throw err
    }
    this.phase = PHASE_STREAMING
  }

  /**
   * An upgrade request (WebSocket) the upstream answered 101: undici hands over the socket. The
   * hooks see the 101 like any response head; then the client gets it and the tunnel opens.
   */
  onUpgrade (statusCode: number, rawHeaders: Buffer[], socket: Socket): void {
    if (this.phase === PHASE_DONE || this.clientGone) {
      socket.destroy()
      this.finish()
      return
    }
    if (this.metrics !== null || this.balancer !== null) this.upstreamHeadersAt = performance.now()
    if (this.balancer !== null && this.peer !== -1) this.balancer.answered(this.peer, statusCode)
    this.finish()
    this.status = statusCode
    this.headers = buildClientResponseHeaders(rawHeaders)
    if (this.hooks !== null && !this.hooks.onUpgrade(this, statusCode, this.headers)) {
      socket.destroy()
      this.hooks.onError(this, 'ATRIUM_ERR_PLUGIN_FAILED', true)
      return
    }
    const node = this.metrics?.node
    const ok = completeUpgrade(this.req, this.res, this.headers as string[], socket, (this.match.service as ServiceConfig).read_timeout,
      () => node?.tunnelOpened(), () => node?.tunnelClosed())
    if (ok) return
    // A header Node refuses to send: answered as any invalid upstream response.
    socket.destroy()
    this.invalidResponse = true
    if (this.hooks !== null) this.hooks.onError(this, 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE', true)
    else this.bytesOut += sendErrorResponse(this.res, 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE', true)
  }

  onData (chunk: Buffer): boolean {
    const hooks = this.hooks
    if (hooks !== null) {
      const keepReading = hooks.onResponseData(this, chunk)
      if (this.phase < PHASE_RELAYING) return keepReading
    }
    // A header Node refuses to send: undici aborts on the throw, onError answers 502 (nothing was sent).
    if (this.phase === PHASE_RELAYING) this.writeHead()
    this.bytesOut += chunk.length
    if (this.res.write(chunk)) return true
    if (!this.drainListening) {
      this.drainListening = true
      this.res.on('drain', UpstreamCall.onClientDrain)
    }
    const sendTimeout = this.limits.sendTimeoutMs
    if (sendTimeout > 0) {
      this.sendBlocked = true
      if (this.sendTimer === null) this.sendTimer = setTimeout(UpstreamCall.onSendTimeout, sendTimeout, this)
      else this.sendTimer.refresh()
    }
    return false
  }

  onComplete (): void {
    if (this.phase === PHASE_RELAYING) {
      try {
        this.writeHead()
      } catch {
        this.onError(new Error('the upstream response has a header the client cannot be sent'))
        return
      }
    }
    const streaming = this.phase === PHASE_STREAMING
    this.finish()
    if (this.hooks !== null) this.hooks.onResponseEnd(this)
    if (streaming) this.res.end()
  }

  onError (err: Error): void {
    if (this.phase === PHASE_DONE) return
    if (this.clientGone) {
      this.finish()
      return
    }
    const answered = this.phase >= PHASE_ANSWERED
    if (!this.hooksFailed && this.phase !== PHASE_STREAMING && (this.metrics !== null || this.balancer !== null)) {
      const kind = upstreamErrorKind(err, this.invalidResponse)
      if (kind !== -1) this.metrics?.upstreamError(this.match.routeIndex, kind)
      if (this.balancer !== null && this.peer !== -1 && !answered) this.balancer.failed(this.peer, kind)
    }
    if (!answered && !this.invalidResponse && this.retriesLeft > 0 && this.mayRetry(err)) {
      this.retriesLeft--
      this.phase = PHASE_SENDING
      this.abortUpstream = null
      process.nextTick(UpstreamCall.dispatchAgain, this)
      return
    }
    const streaming = this.phase === PHASE_STREAMING
    this.finish()
    if (streaming) {
      this.res.destroy()
      return
    }
    const code = classifyUpstreamError(err)
    if (!this.hooksFailed && this.log.isLevelEnabled('debug')) {
      this.log.debug({ err, code, route: this.match.route.name, service: this.match.service?.name }, 'upstream request failed')
    }
    // A half-read request body leaves the connection unusable for another request.
    const closeConnection = this.opts.body !== null && (!this.req.complete || this.req.destroyed)
    if (this.hooks !== null) this.hooks.onError(this, code, closeConnection)
    else this.bytesOut += sendErrorResponse(this.res, code, closeConnection)
  }

  // ---- internals ----

  /**
   * Nothing to proxy to: no service (Kong's 503 "no Service found with those values"), or no target
   * the upstream can pick (503 "failure to get a peer from the ring-balancer").
   */
  private answerWithout (code: 'ATRIUM_ERR_PROXY_NO_SERVICE' | 'ATRIUM_ERR_PROXY_NO_PEER' | 'ATRIUM_ERR_PROXY_UPSTREAM_BUSY'): void {
    this.finish()
    // The body was never read: the connection cannot carry another request.
    const closeConnection = this.opts.body !== null && !this.req.complete
    if (this.hooks !== null) this.hooks.onError(this, code, closeConnection)
    else this.bytesOut += sendErrorResponse(this.res, code, closeConnection)
  }

  /**
   * Balanced services: picks the attempt's target and points the request at it (pool, SNI, and the
   * Host the proxy set for the service, which becomes the target's unless the route preserves the
   * client's or a plugin replaced it). False when no target can be picked.
   */
  private pickPeer (): boolean {
    const balancer = this.balancer as ServiceBalancer
    let peer = balancer.pick(this.hash, this.tried)
    if (peer === -1 && this.tried !== null) {
      this.tried = null
      peer = balancer.pick(this.hash, null)
    }
    if (peer === -1) return false
    const target = balancer.peers[peer]!
    this.peer = peer
    this.pool = target.pool
    this.attemptAt = performance.now()
    const from = this.hostSent ?? balancer.serviceHost
    this.opts.retarget(target.servername, this.match.route.preserve_host ? null : from, target.hostHeader)
    this.hostSent = target.hostHeader
    return true
  }

  private mayRetry (err: Error): boolean {
    // The upstream's response did not parse: it would fail the same way again.
    if (err.name === 'HTTPParserError') return false
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && NOT_RETRIABLE.has(code)) return false
    // Nothing reached the upstream yet: any method may be retried.
    if (this.phase === PHASE_SENDING) return true
    return this.opts.body === null && this.opts.idempotent
  }

  private finish (): void {
    if (this.peer !== -1) {
      ;(this.balancer as ServiceBalancer).done(this.peer, this.upstreamHeadersAt < 0 ? -1 : this.upstreamHeadersAt - this.attemptAt)
      this.peer = -1
    }
    this.phase = PHASE_DONE
    if (this.writeTimer !== null) {
      clearTimeout(this.writeTimer)
      this.writeTimer = null
    }
    if (this.bodyTimer !== null) {
      clearTimeout(this.bodyTimer)
      this.bodyTimer = null
    }
    if (this.sendTimer !== null) {
      clearTimeout(this.sendTimer)
      this.sendTimer = null
    }
    if (this.queueTimer !== null) {
      clearTimeout(this.queueTimer)
      this.queueTimer = null
    }
  }

  /** Once per request, at res 'close'. The client leaving before any response is nginx's 499. */
  private record (): void {
    const metrics = this.metrics
    if (metrics === null) return
    const res = this.res
    const upstreamMs = this.upstreamHeadersAt < 0 ? -1 : this.upstreamHeadersAt - this.receivedAt
    metrics.record(this.match.routeIndex, res.headersSent ? res.statusCode : 499, performance.now() - this.receivedAt, upstreamMs,
      this.opts.body === null ? 0 : requestBodyBytes(this.req, this.bodyBytesIn), this.bytesOut, -1, this.req.method as string, this.requestPath)
  }

  // ---- shared listeners (no per-request closures) ----

  private static dispatchAgain (call: UpstreamCall): void {
    if (call.clientGone) {
      call.finish()
      return
    }
    // A balanced service retries on another target (all tried: round again, as Kong's wheel does).
    if (call.balancer !== null) {
      call.balancer.done(call.peer, -1)
      ;(call.tried ??= []).push(call.peer)
      call.peer = -1
      if (!call.pickPeer()) {
        call.finish()
        call.answerWithout('ATRIUM_ERR_PROXY_NO_PEER')
        return
      }
    }
    call.dispatch() // retries happen only on a dispatched call
  }

  /** Every connection of the pool stayed busy for connect_timeout: 503, and the queued request is dropped when it gets one. */
  private static onQueueTimeout (call: UpstreamCall): void {
    call.queueTimer = null
    if (call.phase !== PHASE_SENDING || call.clientGone) return
    call.answerWithout('ATRIUM_ERR_PROXY_UPSTREAM_BUSY')
  }

  private static onSendTimeout (call: UpstreamCall): void {
    if (call.sendBlocked && call.phase !== PHASE_DONE) call.res.destroy()
  }

  // --client-body-timeout: no body byte for that long while undici was ready to read one.
  private static onBodyData (this: IncomingMessage & WithCall): void {
    const call = this[kCall]
    if (call?.bodyTimer != null) call.bodyTimer.refresh()
  }

  private static onBodyTimeout (call: UpstreamCall): void {
    if (!call.bodyFlowing || call.req.complete || call.phase === PHASE_DONE) return
    if (call.abortUpstream !== null) call.abortUpstream(new ClientBodyTimeoutError())
  }

  /** The client connection closed (after the response, or not): record it; abort the upstream call unless the exchange already ended. */
  private static onClientClose (this: ServerResponse & WithCall): void {
    const call = this[kCall]
    if (call === undefined) return
    if (call.hooks === null) call.record()
    if (call.phase === PHASE_DONE) return
    call.clientGone = true
    if (call.abortUpstream !== null) call.abortUpstream()
  }

  private static onClientDrain (this: ServerResponse & WithCall): void {
    const call = this[kCall]
    if (call === undefined) return
    call.sendBlocked = false
    if (call.resumeUpstream !== null && call.phase !== PHASE_DONE) call.resumeUpstream()
  }

  // write_timeout: the longest time undici may keep the request body paused because the upstream
  // socket does not accept more bytes (nginx's proxy_send_timeout measures the same thing).
  private static onBodyPause (this: IncomingMessage & WithCall): void {
    const call = this[kCall]
    if (call === undefined || call.phase === PHASE_DONE) return
    call.bodyFlowing = false
    if (call.writeTimeout <= 0) return
    call.writeBlocked = true
    if (call.writeTimer === null) call.writeTimer = setTimeout(UpstreamCall.onWriteTimeout, call.writeTimeout, call)
    else call.writeTimer.refresh()
  }

  private static onBodyResume (this: IncomingMessage & WithCall): void {
    const call = this[kCall]
    if (call === undefined || call.phase === PHASE_DONE) return
    call.writeBlocked = false
    const ms = call.limits.bodyTimeoutMs
    if (ms <= 0 || this.complete || call.opts.body !== this) return
    call.bodyFlowing = true
    if (call.bodyTimer === null) call.bodyTimer = setTimeout(UpstreamCall.onBodyTimeout, ms, call)
    else call.bodyTimer.refresh()
  }

  private static onWriteTimeout (call: UpstreamCall): void {
    if (call.writeBlocked && call.phase !== PHASE_DONE && call.abortUpstream !== null) call.abortUpstream(new UpstreamWriteTimeoutError())
  }

  private static onBodyLimited (this: IncomingMessage & WithCall, chunk: Buffer): void {
    const call = this[kCall]
    if (call === undefined || call.phase === PHASE_DONE || call.requestBodyLimit < 0) return
    call.requestBodyBytes += chunk.length
    if (call.requestBodyBytes <= call.requestBodyLimit) return
    const limit = call.requestBodyLimit
    call.requestBodyLimit = -1
    this.pause()
    call.abortUpstream?.(new RequestBodyLimitError(limit))
  }

  private static onBodyCounted (this: IncomingMessage & WithCall, chunk: Buffer): void {
    const call = this[kCall]
    if (call !== undefined) call.bodyBytesIn += chunk.length
  }
}
