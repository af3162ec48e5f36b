// The plugin handler interface and the narrow context a plugin sees on the request path. A plugin
// never touches Node's req/res, the router or the pools: it reads the request, edits the upstream
// request and the response through these objects, and answers with `exit`. The data plane's plugin
// runner (src/data-plane/plugin-runner/) implements them.
//
// Phases, in order, for the plugins that apply to a request (most specific instance per name, see
// precedence.ts; higher priority first):
//   configure  once per config apply, per instance: compile patterns, build tables → the state the
//              other phases receive. Synchronous. Throwing rejects the whole config (the node keeps
//              serving the previous one).
//   access     after routing, before the upstream call. May return a Promise. May `exit`, edit
//              `upstream` (headers, path, query), identify a consumer (`setConsumer`).
//   response   once the response status and headers are known (from the upstream, an exit, or a
//              gateway error such as 502); may change them. Synchronous, like Kong's header_filter.
//              With `transformsBody`, it runs after the whole upstream body is buffered and may
//              replace `response.body`.
//   log        after the response finished (or the client went away). Never affects the response;
//              a throw or rejection is logged and otherwise ignored.
// A plugin that throws in access or response makes the request answer 500
// `{"message": …, "code": "ATRIUM_ERR_PLUGIN_FAILED"}`, logged with the plugin's name.

import type { IncomingHttpHeaders } from 'node:http'
import type { Static, TObject } from '@sinclair/typebox'
import type { ConsumerConfig, GatewayConfig, PluginConfig, RouteConfig, ServiceConfig } from '../contract/gateway-config.js'
import type { Logger } from '../log.js'
import type { PluginSpec } from './spec.js'

export type { PluginSpec, PluginConfigIssue } from './spec.js'

/** Case-insensitive access to the header list of a message the gateway sends. */
export interface HeaderEditor {
  /** The first value of `name`, or undefined. */
  get: (name: string) => string | undefined
  getAll: (name: string) => string[]
  has: (name: string) => boolean
  /** Replaces every value of `name`. Throws on a name or value HTTP does not allow. */
  set: (name: string, value: string | readonly string[]) => void
  /** Adds one more value of `name`. Throws on a name or value HTTP does not allow. */
  add: (name: string, value: string) => void
  remove: (name: string) => void
  /** [name, value] pairs in the order they will be sent. */
  entries: () => Array<[string, string]>
}

/** The client's request, read-only. */
export interface PluginClientRequest {
  readonly method: string
  /** The normalised path the router matched (no query; dot segments removed, unreserved escapes decoded). */
  readonly path: string
  /** The request target exactly as received (path and query). */
  readonly rawTarget: string
  /** The query string without `?` ('' when none), as received. */
  readonly rawQuery: string
  /** The query parsed (on first use). */
  readonly query: URLSearchParams
  /** Node's parsed headers: lower-case names, repeated headers joined with ", " (set-cookie is a list). */
  readonly headers: Readonly<IncomingHttpHeaders>
  /** One header by name (any case); the first value for a list. */
  header: (name: string) => string | undefined
  readonly scheme: 'http' | 'https'
  /** The Host header without port, lower-cased, or null. */
  readonly host: string | null
  /** The client address (IPv4-mapped IPv6 in dotted form), as X-Real-IP carries it. */
  readonly clientIp: string
  readonly clientPort: number
  /** The gateway's address and port this request came in on. */
  readonly serverAddress: string
  readonly serverPort: number
  /** Opaque identity of the client connection: the same object for every request of a keep-alive connection. */
  readonly connection: object
  /** True when the request has a body (content-length > 0 or chunked); the body itself streams to the upstream. */
  readonly hasBody: boolean
  /**
   * The whole request body, from the access phase of a plugin that declared `transformsRequestBody`
   * on (the runner buffered it, bounded); null otherwise (the body streams to the upstream).
   */
  readonly body: Buffer | null
}

/** The request the gateway will send upstream; plugins edit it in access. */
export interface PluginUpstreamRequest {
  /** Path after the route's strip_path and the service path; replace to send another one. */
  path: string
  /** Query string without `?` ('' for none); passed through unchanged unless replaced. */
  query: string
  /** Headers to send, already with Host and X-Forwarded-*; hop-by-hop ones are gone. */
  readonly headers: HeaderEditor
  /** The method to send (the client's unless replaced; an HTTP token). */
  method: string
  /**
   * A body to send instead of the client's (content-length follows it); null sends the client's
   * body as it is (streamed, or the buffered `request.body`).
   */
  body: Buffer | null
}

/** The response to the client, from the response phase on. */
export interface PluginResponse {
  /** Who produced it: the upstream, a plugin's `exit`, or the gateway itself (e.g. 502 when the upstream failed). */
  readonly source: 'upstream' | 'exit' | 'gateway'
  status: number
  readonly headers: HeaderEditor
  /**
   * The whole body when the gateway holds it in memory: always for `exit` and `gateway` responses;
   * for upstream responses only when a plugin of the chain declares `transformsBody` (else null,
   * the body streams). Replacing it changes what the client receives (content-length follows).
   * In the log phase: the body the client received when it was held in memory or kept
   * (`keepBody`), else null.
   */
  body: Buffer | null
  /** Bytes of body written to the client so far (final in the log phase). */
  readonly bodyBytes: number
  /**
   * Response phase: keep a copy of the body the client receives, up to `limit` bytes, for the log
   * phase (`body` there, when it was complete and within the limit; else null). A streamed body
   * keeps streaming; nothing is buffered before the client gets it.
   */
  keepBody: (limit: number) => void
}

/** What an authentication plugin identified the consumer with. */
export interface AuthenticatedCredential {
  /** The credential's id, when it has one. */
  id: string | null
  /** What identifies it to the upstream (Kong's X-Credential-Identifier): e.g. the key's id or the basic-auth username. */
  identifier: string | null
}

export type ExitBody = string | Buffer | Record<string, unknown> | unknown[]

/** The request as plugins see it: one object per request, passed to every phase. */
export interface PluginRequestContext {
  readonly request: PluginClientRequest
  readonly upstream: PluginUpstreamRequest
  /** Null during access; set from the response phase on (and in log). */
  readonly response: PluginResponse | null
  readonly route: RouteConfig
  /** Null on a route without a service (answered 503 once access is done, as Kong). */
  readonly service: ServiceConfig | null
  /** Regex captures of the matched `~` path: by index (0 = whole match) and by name; null for prefix paths. */
  readonly captures: { unnamed: string[], named: Record<string, string> } | null
  /** The consumer identified so far (by an authentication plugin), or null. */
  readonly consumer: ConsumerConfig | null
  /** Its index in GatewayConfig.consumers, or null. */
  readonly consumerIndex: number | null
  readonly credential: AuthenticatedCredential | null
  /**
   * Identifies the consumer (`index` into GatewayConfig.consumers), in access: plugins that run
   * after this one (lower priority) then use their consumer-scoped instances where there are (Kong's
   * precedence). Call it again to replace the consumer; `null` clears it.
   */
  setConsumer: (index: number | null, credential?: AuthenticatedCredential | null) => void
  /** Per-request values shared between plugins and phases; prefix keys with the plugin name. */
  readonly vars: Map<string, unknown>
  /**
   * Answers the request now, in access, instead of calling the upstream: an object or array body is
   * sent as JSON (content-type application/json; charset=utf-8), a string or Buffer as is. Return
   * right after calling it; no later plugin's access runs, the response phase of the plugins that
   * ran does.
   */
  exit: (status: number, body?: ExitBody, headers?: Record<string, string>) => void
  /**
   * In access: forward at most `maxBytes` of the request body. A streamed body (chunked, without
   * content-length) is counted as it goes to the upstream; once over the limit the upstream call is
   * aborted and the client gets 413 {"message": "Request size limit exceeded"} with the connection
   * closed (or, if the upstream already started answering, the connection is cut). A body the runner
   * holds in memory is checked before the upstream call. The lowest limit set wins.
   */
  limitRequestBody: (maxBytes: number) => void
  readonly exited: boolean
  /** Date.now() when the request was received. */
  readonly startedAt: number
  /** performance.now() marks: received, upstream call started, upstream headers in, response finished (null until then). */
  readonly timings: PluginTimings
}

export interface PluginTimings {
  received: number
  upstreamStart: number | null
  upstreamHeaders: number | null
  finished: number | null
}

/** What `configure` gets besides its config. */
export interface PluginConfigureContext {
  /** The whole normalised config being applied (consumers for auth plugins, routes, services). */
  readonly gateway: GatewayConfig
  /** This instance: its scope (service/route/consumer indices), id, instance_name. */
  readonly plugin: PluginConfig
  /** Its index in `gateway.plugins`. */
  readonly index: number
  /** A child logger naming the plugin; keep it in the state to log from other phases. */
  readonly log: Logger
  /**
   * A value built once per config apply and shared by every instance of this plugin (e.g. a key →
   * consumer table built from `gateway.consumers`).
   */
  memo: <T>(key: string, build: () => T) => T
}

/**
 * A bundled plugin's request-path code. `C` is its config type (Static of its schema), `S` the
 * state `configure` returns (the config itself when there is no configure).
 */
export interface PluginHandler<C = Record<string, unknown>, S = C> {
  readonly name: string
  readonly version: string
  readonly priority: number
  /**
   * The response phase receives the whole upstream body (buffered in memory, bounded) in
   * `response.body`. A function decides per response, when the upstream's status and headers
   * arrived (before any response phase), so other responses keep streaming.
   */
  readonly transformsBody?: boolean | ((ctx: PluginRequestContext, state: S) => boolean)
  /**
   * The access phase receives the whole request body in `request.body`: the runner reads it (up to
   * a bound: beyond it, 413) before this plugin's access, only for requests that have a body. A
   * function decides per request (e.g. by content type); other requests keep streaming.
   */
  readonly transformsRequestBody?: boolean | ((ctx: PluginRequestContext, state: S) => boolean)
  configure?: (config: C, ctx: PluginConfigureContext) => S
  access?: (ctx: PluginRequestContext, state: S) => void | Promise<void>
  response?: (ctx: PluginRequestContext, state: S) => void
  log?: (ctx: PluginRequestContext, state: S) => void | Promise<void>
}

/** A handler of any plugin, as registries hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluginHandler = PluginHandler<any, any>

export type PluginPhases<C, S> = Omit<PluginHandler<C, S>, 'name' | 'version' | 'priority'>

/** A handler whose name, version and priority come from the plugin's spec (one source of truth). */
export function definePluginHandler<T extends TObject, S = Static<T>> (spec: PluginSpec<T>, phases: PluginPhases<Static<T>, S>): PluginHandler<Static<T>, S> {
  return { name: spec.name, version: spec.version, priority: spec.priority, ...phases }
}
