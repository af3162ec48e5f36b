import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { ConsumerConfig, RouteConfig, ServiceConfig } from '../../contract/index.js'
import type {
  AuthenticatedCredential, ExitBody, PluginClientRequest, PluginRequestContext, PluginResponse, PluginTimings, PluginUpstreamRequest
} from '../../plugins/types.js'
import { clientAddressOf, hostWithoutPort } from '../proxy/forward-headers.js'
import type { RouteMatch } from '../../router/types.js'
import { HeaderList, lowerName } from './header-list.js'

// The objects a plugin sees for one request (the interfaces in src/plugins/types.ts). Built only on
// the plugin path; values are computed on first read where that costs something (query, host).

class ClientRequestView implements PluginClientRequest {
  readonly #req: IncomingMessage
  readonly path: string
  readonly scheme: 'http' | 'https'
  readonly hasBody: boolean
  /** Set by the runner once it buffered the body for a `transformsRequestBody` plugin. */
  body: Buffer | null = null
  #query: URLSearchParams | null = null

  constructor (req: IncomingMessage, path: string, tls: boolean, hasBody: boolean) {
    this.#req = req
    this.path = path
    this.scheme = tls ? 'https' : 'http'
    this.hasBody = hasBody
  }

  get method (): string { return this.#req.method as string }
  get rawTarget (): string { return this.#req.url as string }
  get rawQuery (): string {
    const target = this.#req.url as string
    const q = target.indexOf('?')
    return q < 0 ? '' : target.slice(q + 1)
  }

  get query (): URLSearchParams {
    this.#query ??= new URLSearchParams(this.rawQuery)
    return this.#query
  }

  get headers (): Readonly<IncomingHttpHeaders> { return this.#req.headers }
  header (name: string): string | undefined {
    const v = this.#req.headers[lowerName(name)]
    return Array.isArray(v) ? v[0] : v
  }

  get host (): string | null { return hostWithoutPort(this.#req.headers.host) }
  get clientIp (): string { return clientAddressOf(this.#req.socket.remoteAddress) }
  get clientPort (): number { return this.#req.socket.remotePort ?? 0 }
  get serverAddress (): string { return clientAddressOf(this.#req.socket.localAddress) }
  get serverPort (): number { return this.#req.socket.localPort ?? 0 }
  get connection (): object { return this.#req.socket }
}

const SAFE_TARGET = /^[^\s#\u0000-\u001f\u007f]*$/
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

class UpstreamView implements PluginUpstreamRequest {
  readonly headers: HeaderList
  #path: string
  #query: string
  #method: string
  #body: Buffer | null = null

  constructor (path: string, query: string, headers: string[], method: string) {
    this.#path = path
    this.#query = query
    this.headers = new HeaderList(headers)
    this.#method = method
  }

  get method (): string { return this.#method }
  set method (value: string) {
    if (typeof value !== 'string' || !METHOD_TOKEN.test(value)) throw new TypeError(`upstream method must be an HTTP token: ${JSON.stringify(value)}`)
    this.#method = value
  }

  get body (): Buffer | null { return this.#body }
  set body (value: Buffer | null) {
    if (value !== null && !Buffer.isBuffer(value)) throw new TypeError('upstream body must be a Buffer or null')
    this.#body = value
  }

  get path (): string { return this.#path }
  set path (value: string) {
    if (typeof value !== 'string' || !value.startsWith('/') || !SAFE_TARGET.test(value)) {
      throw new TypeError(`upstream path must start with / and contain no spaces, control characters or #: ${JSON.stringify(value)}`)
    }
    this.#path = value
  }

  get query (): string { return this.#query }
  set query (value: string) {
    if (typeof value !== 'string' || !SAFE_TARGET.test(value)) throw new TypeError(`upstream query must contain no spaces, control characters or #: ${JSON.stringify(value)}`)
    this.#query = value.startsWith('?') ? value.slice(1) : value
  }

  /** The request target undici sends. */
  target (): string {
    return this.#query === '' ? this.#path : `${this.#path}?${this.#query}`
  }
}

export class ResponseState implements PluginResponse {
  readonly source: 'upstream' | 'exit' | 'gateway'
  status: number
  readonly headers: HeaderList
  body: Buffer | null
  bodyBytes = 0
  /** keepBody: the largest body kept for the log phase (0: none), the chunks so far, whether it ended. */
  #keepLimit = 0
  #kept: Buffer[] | null = null
  #keptComplete = false

  constructor (source: 'upstream' | 'exit' | 'gateway', status: number, headers: string[], body: Buffer | null) {
    this.source = source
    this.status = status
    this.headers = new HeaderList(headers)
    this.body = body
  }

  keepBody (limit: number): void {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`keepBody limit must be a non-negative integer, got ${String(limit)}`)
    if (limit > this.#keepLimit) this.#keepLimit = limit
  }

  /** A chunk of a streamed body was written to the client. */
  streamed (chunk: Buffer): void {
    this.bodyBytes += chunk.length
    if (this.#keepLimit === 0) return
    if (this.bodyBytes > this.#keepLimit) {
      this.#keepLimit = 0 // too large: nothing is kept
      this.#kept = null
      return
    }
    (this.#kept ??= []).push(chunk)
  }

  /** The streamed body ended completely (not on an error). */
  streamEnded (): void {
    this.#keptComplete = true
  }

  /**
   * Before the log phase: an upstream body is visible there only when it was held in memory or
   * kept whole within the limit a plugin asked for; everything else in memory stays.
   */
  settleForLog (): void {
    if (this.source !== 'upstream') return
    if (this.#keepLimit === 0) {
      this.body = null
    } else if (this.body !== null) {
      if (this.body.length > this.#keepLimit) this.body = null // buffered for a transforming plugin, too large to keep
    } else if (this.#keptComplete) {
      this.body = this.#kept === null ? Buffer.alloc(0) : Buffer.concat(this.#kept, this.bodyBytes)
    }
    this.#kept = null
  }
}

export interface ExitRequest {
  status: number
  body: ExitBody | undefined
  headers: Record<string, string> | undefined
}

export class RequestContext implements PluginRequestContext {
  readonly request: ClientRequestView
  readonly upstream: UpstreamView
  response: ResponseState | null = null
  readonly route: RouteConfig
  /** Null on a route without a service (the request is answered 503 after access). */
  readonly service: ServiceConfig | null
  readonly captures: RouteMatch['captures']
  consumerIndex: number | null = null
  credential: AuthenticatedCredential | null = null
  readonly startedAt = Date.now()
  readonly timings: PluginTimings = { received: performance.now(), upstreamStart: null, upstreamHeaders: null, finished: null }
  /** Set by exit(); read by the runner after the plugin returns. */
  exitRequest: ExitRequest | null = null
  /** Set by limitRequestBody(); the runner hands it to the upstream call. */
  requestBodyLimit: number | null = null
  readonly #consumers: readonly ConsumerConfig[]
  #vars: Map<string, unknown> | null = null

  constructor (req: IncomingMessage, match: RouteMatch, consumers: readonly ConsumerConfig[], path: string, tls: boolean, hasBody: boolean, upstreamTarget: string, upstreamHeaders: string[]) {
    this.request = new ClientRequestView(req, path, tls, hasBody)
    const q = upstreamTarget.indexOf('?')
    this.upstream = new UpstreamView(q < 0 ? upstreamTarget : upstreamTarget.slice(0, q), q < 0 ? '' : upstreamTarget.slice(q + 1), upstreamHeaders, req.method as string)
    this.route = match.route
    this.service = match.service
    this.captures = match.captures
    this.#consumers = consumers
  }

  get vars (): Map<string, unknown> {
    this.#vars ??= new Map()
    return this.#vars
  }

  get consumer (): ConsumerConfig | null {
    return this.consumerIndex === null ? null : this.#consumers[this.consumerIndex]
  }

  get exited (): boolean {
    return this.exitRequest !== null
  }

  setConsumer (index: number | null, credential: AuthenticatedCredential | null = null): void {
    if (this.response !== null) throw new Error('setConsumer() is only allowed in the access phase')
    if (index !== null && !(Number.isInteger(index) && index >= 0 && index < this.#consumers.length)) {
      throw new RangeError(`no consumer at index ${String(index)} (the config has ${this.#consumers.length})`)
    }
    this.consumerIndex = index
    this.credential = index === null ? null : credential
  }

  limitRequestBody (maxBytes: number): void {
    if (this.response !== null) throw new Error('limitRequestBody() is only allowed in the access phase')
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`request body limit must be a non-negative integer, got ${String(maxBytes)}`)
    if (this.requestBodyLimit === null || maxBytes < this.requestBodyLimit) this.requestBodyLimit = maxBytes
  }

  exit (status: number, body?: ExitBody, headers?: Record<string, string>): void {
    if (this.response !== null) throw new Error('exit() is only allowed in the access phase')
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`exit status must be an integer from 100 to 599, got ${String(status)}`)
    this.exitRequest = { status, body, headers }
  }
}
