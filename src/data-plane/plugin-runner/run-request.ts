import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { ErrorCodes, type ErrorCode } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { GatewayMetrics } from '../metrics/node-metrics.js'
import { requestBodyBytes } from '../metrics/request-facts.js'
import { RESPONSE_FAILED, RESPONSE_HOLD, RESPONSE_STREAM, type HookedCall, type ResponseMode, type UpstreamCallHooks } from '../proxy/call-hooks.js'
import { errorBody, errorHeaders, JSON_TYPE, sendErrorResponse } from '../proxy/error-response.js'
import { endUnreadHttp2Request, isHttp2Response } from '../proxy/http2-request.js'
import type { UpstreamCall } from '../proxy/upstream-call.js'
import type { UpstreamRequestOptions } from '../proxy/upstream-request.js'
import type { RouteMatch } from '../../router/types.js'
import { readRequestBody, REQUEST_BODY_LIMIT } from './read-request-body.js'
import { RequestContext, ResponseState } from './request-context.js'
import type { PluginChain, PluginInstance } from './plugin-instance.js'

// One request on a route with plugins. Concurrency model: everything runs on the event loop in
// this order, and only an access handler's Promise can interleave other work:
//
//   access   the chain's plugins in priority order; a plugin may exit (→ answer), set a consumer
//            (→ continue with the consumer's chain after the current priority), or throw (→ 500).
//            Before the first plugin that declares `transformsRequestBody` (and wants this
//            request's), the request body is read whole (bounded: 413 beyond), then access goes on.
//   proxy    the request's UpstreamCall, started with the upstream request as edited and this run
//            as its hooks (UpstreamCallHooks): the call streams, retries and times out as on a
//            plugin-free route, and asks the run at the upstream's headers, body chunks, end and errors.
//   response on the upstream's headers, an exit, or a gateway error: the plugins that ran access,
//            in the same order (synchronous). When a plugin that ran declares `transformsBody`, the
//            upstream body is held (bounded: 502 beyond) and the response phase runs once it is in.
//   log      once the response is done (res 'close') and access has finished: every plugin that ran;
//            failures are logged only.
//
// "ran" is every plugin whose turn came in access (with or without an access handler), like Kong's
// collected plugins: the later phases run for exactly those.

/** Largest upstream body held for `transformsBody` plugins; more answers 502. */
export const TRANSFORM_BODY_LIMIT = 32 * 1024 * 1024

function isPromiseLike (v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function'
}

/** The plugin's transformsBody / transformsRequestBody declaration, evaluated for this request. */
function declares (flag: PluginInstance['handler']['transformsBody'], ctx: RequestContext, state: unknown): boolean {
  return flag === true || (typeof flag === 'function' && flag(ctx, state) === true)
}

const kRun = Symbol('atrium.pluginRun')

interface WithRun { [kRun]?: PluginRun }

// Module-level, so a request allocates no closure for it: the run is found on `res`.
function onResponseClose (this: ServerResponse & WithRun): void {
  this[kRun]?.responseClosed()
}

export class PluginRun implements UpstreamCallHooks {
  readonly ctx: RequestContext
  /**
   * The plugins that ran, in order: the first `#ranCount` of `#ranFrom` while the chain never
   * changed (no array per request); copied into an array of their own once a consumer's chain
   * takes over.
   */
  #ranFrom: readonly PluginInstance[]
  #ranCount = 0
  #ranOwn: PluginInstance[] | null = null
  /** Some plugin that ran wants the whole upstream body in its response phase. */
  transformsBody = false
  readonly #route: PluginChain
  #chain: readonly PluginInstance[]
  #consumerSeen: number | null = null
  readonly #req: IncomingMessage
  readonly #res: ServerResponse
  readonly #match: RouteMatch
  readonly #metrics: GatewayMetrics | null
  readonly #opts: UpstreamRequestOptions
  readonly #log: Logger
  /** The request's upstream call: started once access is done, with this run as its hooks. */
  readonly #call: UpstreamCall
  #closed = false
  #accessDone = false
  #logged = false
  #bodyRead = false
  /** A plugin failed in the response phase at the upstream's headers: the call's error answer is that failure. */
  #responseFailed = false
  /** The upstream body held for a `transformsBody` plugin (null: streamed, or given up over the bound). */
  #held: Buffer[] | null = null
  #heldBytes = 0

  constructor (route: PluginChain, call: UpstreamCall, path: string, tls: boolean) {
    this.#route = route
    this.#chain = route.base
    this.#ranFrom = route.base
    this.#call = call
    this.#req = call.req
    this.#res = call.res
    this.#match = call.match
    this.#metrics = call.metrics
    this.#opts = call.request
    this.#log = call.log
    // opts.headers was built for this request alone: the plugins edit it in place.
    this.ctx = new RequestContext(call.req, call.match, route.consumers, path, tls, this.#opts.body !== null, this.#opts.path, this.#opts.headers)
  }

  start (): void {
    (this.#res as WithRun)[kRun] = this
    this.#res.on('close', onResponseClose) // 'close' comes once; `once` would allocate a wrapper
    this.#accessFrom(0)
  }

  /** The response is done (res 'close'). */
  responseClosed (): void {
    this.#closed = true
    this.#maybeLog()
  }

  get ranCount (): number {
    return this.#ranOwn === null ? this.#ranCount : this.#ranOwn.length
  }

  /** The i-th plugin that ran (i < ranCount). */
  ranAt (i: number): PluginInstance {
    return this.#ranOwn === null ? this.#ranFrom[i] : this.#ranOwn[i]
  }

  #ranPush (instance: PluginInstance): void {
    if (this.#ranOwn === null) {
      if (this.#ranFrom === this.#chain && this.#ranFrom[this.#ranCount] === instance) {
        this.#ranCount++
        return
      }
      this.#ranOwn = this.#ranFrom.slice(0, this.#ranCount)
    }
    this.#ranOwn.push(instance)
  }

  // ---- access ----

  #accessFrom (i: number): void {
    while (i < this.#chain.length) {
      const instance = this.#chain[i]
      if (!this.#bodyRead && instance.handler.transformsRequestBody !== undefined && this.ctx.request.hasBody) {
        let wants: boolean
        try {
          wants = declares(instance.handler.transformsRequestBody, this.ctx, instance.state)
        } catch (err) {
          this.#ranPush(instance)
          this.#fail(instance, 'access', err)
          return
        }
        if (wants) {
          this.#readBody(i)
          return
        }
      }
      this.#ranPush(instance)
      const transforms = instance.handler.transformsBody
      if (transforms !== undefined && transforms !== false && instance.handler.response !== undefined) this.transformsBody = true
      if (instance.handler.access !== undefined) {
        let result: unknown
        try {
          result = instance.handler.access(this.ctx, instance.state)
        } catch (err) {
          this.#fail(instance, 'access', err)
          return
        }
        if (isPromiseLike(result)) {
          const at = i
          result.then(() => this.#resume(instance, at), (err: unknown) => this.#fail(instance, 'access', err))
          return
        }
      }
      if (this.ctx.exitRequest !== null) {
        this.#answerExit()
        return
      }
      i = this.#nextIndex(instance, i)
    }
    this.#callUpstream()
  }

  #resume (instance: PluginInstance, at: number): void {
    if (this.#closed) {
      this.#accessFinished() // the client went away while the plugin waited
      return
    }
    if (this.ctx.exitRequest !== null) {
      this.#answerExit()
      return
    }
    this.#accessFrom(this.#nextIndex(instance, at))
  }

  /**
   * The position after `instance`. When it identified a consumer (or changed it), the rest of the
   * request runs the consumer's chain: the plugins of lower priority than `instance`.
   */
  #nextIndex (instance: PluginInstance, at: number): number {
    const consumer = this.ctx.consumerIndex
    if (consumer === this.#consumerSeen) return at + 1
    this.#consumerSeen = consumer
    const next = this.#route.forConsumer(consumer)
    if (next === this.#chain) return at + 1
    this.#chain = next
    let j = 0
    while (j < next.length && next[j].priority >= instance.priority) j++
    return j
  }

  #accessFinished (): void {
    this.#accessDone = true
    this.#maybeLog()
  }

  /** Buffers the request body, then resumes access at the plugin that wanted it. */
  #readBody (at: number): void {
    this.#bodyRead = true
    readRequestBody(this.#req, REQUEST_BODY_LIMIT, this.#call.limits.bodyTimeoutMs, (outcome, body) => {
      if (this.#closed) {
        this.#accessFinished()
        return
      }
      if (outcome === 'ok') {
        this.ctx.request.body = body
        this.#accessFrom(at)
        return
      }
      if (outcome === 'too_large') this.#log.warn({ route: this.#match.route.name, limit: REQUEST_BODY_LIMIT }, 'request body too large for a body-transforming plugin; answered 413')
      this.#accessFinished()
      this.#answerGatewayError(outcome === 'too_large' ? 'ATRIUM_ERR_PROXY_BODY_TOO_LARGE' : outcome === 'timeout' ? 'ATRIUM_ERR_PROXY_CLIENT_TIMEOUT' : 'ATRIUM_ERR_PROXY_BAD_REQUEST', true)
    })
  }

  // ---- upstream ----

  #callUpstream (): void {
    if (this.#closed) {
      this.#accessFinished() // the client went away during access: nothing to proxy
      return
    }
    const opts = this.#opts
    const upstream = this.ctx.upstream
    const method = upstream.method
    // A body in memory (replaced by a plugin, or the client's buffered one) is sent with its length.
    const held = upstream.body ?? this.ctx.request.body
    const limit = this.ctx.requestBodyLimit
    if (limit !== null && this.ctx.request.body !== null && this.ctx.request.body.length > limit) {
      this.#accessFinished()
      this.#answerGatewayError('ATRIUM_ERR_PROXY_REQUEST_SIZE_LIMIT', false)
      return
    }
    if (held !== null) upstream.headers.set('content-length', String(held.length))
    const edited = opts.edited(upstream.target(), method, upstream.headers.list, held ?? opts.body)
    this.ctx.timings.upstreamStart = performance.now()
    this.#accessFinished()
    if (limit !== null) this.#call.limitRequestBody(limit) // enforced on a streamed body only (UpstreamCall.start)
    const consumer = this.ctx.consumer
    if (consumer !== null) this.#call.consumerKey = consumer.id ?? consumer.username ?? consumer.custom_id
    this.#call.start(this, edited)
  }

  // ---- the upstream call's hooks ----

  onResponseStart (call: HookedCall, status: number, headers: string[]): ResponseMode {
    this.ctx.timings.upstreamHeaders = performance.now()
    const response = new ResponseState('upstream', status, headers, null)
    this.ctx.response = response
    let hold: boolean
    try {
      hold = this.#wantsUpstreamBody()
    } catch {
      this.#responseFailed = true
      return RESPONSE_FAILED
    }
    if (hold) {
      this.#held = []
      return RESPONSE_HOLD
    }
    if (!this.#responsePhase()) {
      this.#responseFailed = true
      return RESPONSE_FAILED
    }
    call.replaceHead(response.status, response.headers.list)
    return RESPONSE_STREAM
  }

  onUpgrade (call: HookedCall, status: number, headers: string[]): boolean {
    this.ctx.timings.upstreamHeaders = performance.now()
    const response = new ResponseState('upstream', status, headers, null)
    this.ctx.response = response
    if (!this.#responsePhase()) {
      this.#responseFailed = true
      return false
    }
    // The status stays 101 whatever a plugin set: the tunnel opens either way.
    call.replaceHead(status, response.headers.list)
    return true
  }

  onResponseData (call: HookedCall, chunk: Buffer): boolean {
    const held = this.#held
    if (held === null) {
      this.ctx.response?.streamed(chunk)
      return true
    }
    this.#heldBytes += chunk.length
    if (this.#heldBytes > TRANSFORM_BODY_LIMIT) {
      this.#log.warn({ route: this.#match.route.name, limit: TRANSFORM_BODY_LIMIT }, 'upstream body too large for a body-transforming plugin; answered 502')
      this.#held = null
      call.abort(new Error(`upstream body exceeds ${TRANSFORM_BODY_LIMIT} bytes`))
      return false
    }
    held.push(chunk)
    return true
  }

  onResponseEnd (): void {
    const response = this.ctx.response
    const held = this.#held
    if (held === null) {
      response?.streamEnded()
      return
    }
    this.#held = null
    if (response === null) return
    response.body = Buffer.concat(held)
    if (!this.#responsePhase()) {
      this.#answerPluginFailure()
      return
    }
    this.#send(response, false)
  }

  onError (call: HookedCall, code: ErrorCode, closeConnection: boolean): void {
    if (this.#responseFailed) this.#answerPluginFailure()
    else this.#answerGatewayError(code, closeConnection)
  }

  // ---- response ----

  /**
   * The upstream's status and headers are in (`ctx.response` set): does a plugin that ran want the
   * whole body before its response phase? Throws (logged) when a plugin's predicate throws.
   */
  #wantsUpstreamBody (): boolean {
    if (!this.transformsBody) return false
    for (let i = 0, n = this.ranCount; i < n; i++) {
      const instance = this.ranAt(i)
      const flag = instance.handler.transformsBody
      if (flag === undefined || flag === false || instance.handler.response === undefined) continue
      try {
        if (declares(flag, this.ctx, instance.state)) return true
      } catch (err) {
        this.#logFailure(instance, 'response', err)
        throw err
      }
    }
    return false
  }

  /** Runs the response phase of every plugin that ran; false when one threw (already logged). */
  #responsePhase (): boolean {
    for (let i = 0, n = this.ranCount; i < n; i++) {
      const instance = this.ranAt(i)
      if (instance.handler.response === undefined) continue
      try {
        instance.handler.response(this.ctx, instance.state)
      } catch (err) {
        this.#logFailure(instance, 'response', err)
        return false
      }
    }
    return true
  }

  #answerExit (): void {
    const exit = this.ctx.exitRequest as NonNullable<RequestContext['exitRequest']>
    const headers: string[] = []
    let body: Buffer
    if (exit.body === undefined) body = Buffer.alloc(0)
    else if (typeof exit.body === 'string') body = Buffer.from(exit.body)
    else if (Buffer.isBuffer(exit.body)) body = exit.body
    else {
      body = Buffer.from(JSON.stringify(exit.body))
      headers.push('content-type', JSON_TYPE)
    }
    const response = new ResponseState('exit', exit.status, headers, body)
    try {
      for (const [name, value] of Object.entries(exit.headers ?? {})) response.headers.set(name, value)
    } catch (err) {
      this.#fail(this.ranAt(this.ranCount - 1), 'access', err)
      return
    }
    this.#accessFinished()
    this.#respond(response, false)
  }

  /** A gateway error (502, 504 …) after access: plugins see it like any response. */
  #answerGatewayError (code: ErrorCode, closeConnection: boolean): void {
    this.#respond(new ResponseState('gateway', ErrorCodes[code].status, errorHeaders(code, false), errorBody(code)), closeConnection)
  }

  /** Runs the response phase on a response held in memory and sends it (500 when a plugin throws). */
  #respond (response: ResponseState, closeConnection: boolean): void {
    this.ctx.response = response
    if (!this.#responsePhase()) {
      this.#answerPluginFailure()
      return
    }
    this.#send(response, closeConnection)
  }

  /** Writes a response whose body is in memory; content-length follows the body. */
  #send (response: ResponseState, closeConnection: boolean): void {
    const res = this.#res
    if (res.headersSent || res.destroyed) {
      res.destroy()
      return
    }
    const body = response.body ?? Buffer.alloc(0)
    const headers = response.headers
    const noBody = response.status === 204 || response.status === 304 || response.status < 200
    // The body is known here, so its length is the truth; only an upstream's answer to HEAD (whose
    // content-length describes a body never sent) keeps the upstream's header.
    if (!(response.source === 'upstream' && this.#req.method === 'HEAD')) {
      headers.remove('content-length')
      if (!noBody) headers.list.push('content-length', String(body.length))
    }
    const http2 = isHttp2Response(res)
    if (closeConnection && !http2) headers.set('connection', 'close')
    response.bodyBytes = noBody || this.#req.method === 'HEAD' ? 0 : body.length
    try {
      res.writeHead(response.status, headers.list)
    } catch (err) {
      // A header Node refuses (set by a plugin through a path that skipped validation): nothing was sent yet.
      this.#log.error({ err, route: this.#match.route.name }, 'response headers rejected; answered 500')
      this.#answerPluginFailure()
      return
    }
    res.end(noBody || this.#req.method === 'HEAD' ? undefined : body)
    if (closeConnection && http2) endUnreadHttp2Request(res)
  }

  // ---- failures ----

  /** 500 with ATRIUM_ERR_PLUGIN_FAILED, no response phase (the failure may be in it). */
  #answerPluginFailure (): void {
    this.#accessFinished()
    const res = this.#res
    if (res.headersSent || res.destroyed) {
      res.destroy()
      return
    }
    const code = 'ATRIUM_ERR_PLUGIN_FAILED'
    const response = new ResponseState('gateway', 500, errorHeaders(code, false), errorBody(code))
    this.ctx.response = response
    response.bodyBytes = sendErrorResponse(res, code, this.#opts.body !== null && !this.#req.complete)
  }

  #fail (instance: PluginInstance, phase: 'access' | 'response', err: unknown): void {
    this.#logFailure(instance, phase, err)
    this.#answerPluginFailure()
  }

  #logFailure (instance: PluginInstance, phase: string, err: unknown): void {
    this.#metrics?.node.pluginError(instance.name)
    this.#log.error({
      err,
      plugin: instance.name,
      plugin_id: instance.config.id,
      phase,
      route: this.#match.route.name,
      service: this.#match.service?.name
    }, 'plugin failed')
  }

  // ---- log ----

  /** Once per request, with the log phase: into the route's metric slot (when metrics are on). */
  #record (): void {
    const metrics = this.#metrics
    if (metrics === null) return
    const ctx = this.ctx
    const t = ctx.timings
    const response = ctx.response as ResponseState
    const upstreamMs = t.upstreamHeaders !== null && t.upstreamStart !== null ? t.upstreamHeaders - t.upstreamStart : -1
    const bytesIn = ctx.request.body !== null ? ctx.request.body.length : ctx.request.hasBody ? requestBodyBytes(this.#req, this.#call.streamedBodyBytes) : 0
    metrics.record(this.#match.routeIndex, this.#res.headersSent ? this.#res.statusCode : response.status, (t.finished as number) - t.received, upstreamMs, bytesIn, response.bodyBytes, ctx.consumerIndex ?? -1,
      this.#req.method as string, this.#call.requestPath)
  }

  #maybeLog (): void {
    if (!this.#closed || !this.#accessDone || this.#logged) return
    this.#logged = true
    const ctx = this.ctx
    ctx.timings.finished = performance.now()
    // The client went away before any response: nginx's 499 is what logs expect.
    ctx.response ??= new ResponseState('gateway', this.#res.headersSent ? this.#res.statusCode : 499, [], null)
    ctx.response.settleForLog()
    this.#record()
    for (let i = 0, n = this.ranCount; i < n; i++) {
      const instance = this.ranAt(i)
      if (instance.handler.log === undefined) continue
      try {
        const result = instance.handler.log(ctx, instance.state)
        if (isPromiseLike(result)) result.then(undefined, (err: unknown) => this.#logFailure(instance, 'log', err))
      } catch (err) {
        this.#logFailure(instance, 'log', err)
      }
    }
  }
}
