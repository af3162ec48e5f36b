import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ErrorCode } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { CompiledGateway } from '../compiled-gateway.js'
import { ProxyCall, type UpstreamRequestOptions } from '../proxy/proxy-handler.js'
import type { RouteMatch } from '../router/types.js'
import { buildClientResponseHeaders } from '../proxy/forward-headers.js'
import { upstreamErrorKind } from '../metrics/request-facts.js'
import type { UpstreamErrorKind } from '../metrics/route-slot.js'
import type { PluginRun } from './run-request.js'

/** Largest upstream body buffered for `transformsBody` plugins; more answers 502. */
export const TRANSFORM_BODY_LIMIT = 32 * 1024 * 1024

/**
 * The upstream call of a request on a route with plugins: ProxyCall (retries, timeouts, streaming,
 * client aborts) plus the response phase when the upstream's headers arrive, and gateway errors
 * answered through the plugins. When a plugin that ran declares `transformsBody`, the body is
 * buffered and the response phase runs once it is complete.
 */
export class PluginProxyCall extends ProxyCall {
  readonly run: PluginRun
  /** The PluginRun records the request (it knows exits, the consumer and the response phase's status). */
  override metered = false
  /** A response plugin threw: the error answer is the plugin failure, not an upstream error. */
  pluginFailed = false
  #chunks: Buffer[] | null = null
  #bytes = 0

  constructor (req: IncomingMessage, res: ServerResponse, match: RouteMatch, gateway: CompiledGateway, opts: UpstreamRequestOptions, log: Logger, run: PluginRun) {
    super(req, res, match, gateway, opts, log)
    this.run = run
  }

  override onHeaders (statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true
    this.resumeUpstream = resume
    const response = this.run.upstreamResponse(statusCode, buildClientResponseHeaders(rawHeaders))
    if (this.opts.body !== null && !this.req.complete) this.res.shouldKeepAlive = false
    // A response arrived: whatever happens next, no other attempt is made (as once headers are sent).
    this.invalidResponse = true
    let buffer: boolean
    try {
      buffer = this.run.wantsUpstreamBody()
    } catch (err) {
      this.pluginFailed = true
      throw err
    }
    if (buffer) {
      this.#chunks = []
      return true
    }
    if (!this.run.responsePhase()) {
      this.pluginFailed = true
      throw new Error('a plugin failed in the response phase')
    }
    this.res.writeHead(response.status, response.status === statusCode && statusText !== '' ? statusText : undefined, response.headers.list)
    this.responseStarted = true
    return true
  }

  override onData (chunk: Buffer): boolean {
    if (this.#chunks === null) {
      this.run.ctx.response?.streamed(chunk)
      return super.onData(chunk)
    }
    this.#bytes += chunk.length
    if (this.#bytes > TRANSFORM_BODY_LIMIT) {
      this.log.warn({ route: this.match.route.name, limit: TRANSFORM_BODY_LIMIT }, 'upstream body too large for a body-transforming plugin; answered 502')
      this.#chunks = null
      this.abortUpstream?.(new Error(`upstream body exceeds ${TRANSFORM_BODY_LIMIT} bytes`))
      return false
    }
    this.#chunks.push(chunk)
    return true
  }

  override onComplete (): void {
    if (this.#chunks === null) {
      this.run.ctx.response?.streamEnded()
      super.onComplete()
      return
    }
    this.finish()
    const response = this.run.ctx.response
    if (response === null) return
    response.body = Buffer.concat(this.#chunks)
    this.#chunks = null
    if (!this.run.responsePhase()) {
      this.run.answerPluginFailure()
      return
    }
    this.responseStarted = true
    this.run.send(response, false)
  }

  // invalidResponse is set for every response here (no retry once one arrived), so only a parse error counts as invalid.
  override upstreamErrorKind (err: Error): UpstreamErrorKind | -1 {
    return this.pluginFailed ? -1 : upstreamErrorKind(err, false)
  }

  override answerError (code: ErrorCode, closeConnection: boolean): void {
    if (this.pluginFailed) this.run.answerPluginFailure()
    else this.run.answerGatewayError(code, closeConnection)
  }
}
