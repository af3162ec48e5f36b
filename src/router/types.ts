import type { IncomingHttpHeaders } from 'node:http'
import type { RouteConfig, ServiceConfig } from '../contract/index.js'

/** What the router looks at. `path` is already normalised (see normalize-path.ts) and has no query. */
export interface MatchInput {
  method: string
  /** Raw Host header value (may carry a port, any case), or undefined. */
  host: string | undefined
  path: string
  headers: IncomingHttpHeaders
  /**
   * The local port the request arrived on. A route host with a port (`x.com:8080`) is compared with
   * the Host header's port, or with this one when the Host header has none (Kong's net.dst.port).
   */
  port?: number
  /**
   * The request came over TLS (Kong's net.protocol "https"). Only then do route snis count: a
   * plain-HTTP request ignores them, as in Kong (sni-rule.ts). Absent: plain HTTP.
   */
  tls?: boolean
  /** TLSSocket.servername as Node gives it (any case; false or null without SNI). */
  sni?: string | false | null
}

/** Regex captures of the matched `~` path: by index (0 = whole match) and by name. */
export interface RouteCaptures {
  unnamed: string[]
  named: Record<string, string>
}

export interface RouteMatch {
  route: RouteConfig
  /** Null for a route without a service (answered 503 after its plugins). */
  service: ServiceConfig | null
  /** Index of the route in GatewayConfig.routes. */
  routeIndex: number
  /** The route path that matched (as written, `~` included), or null for a route without paths. */
  matchedPath: string | null
  /** The part of the request path consumed by the match: the prefix, or the whole regex match. */
  matchedPrefix: string
  captures: RouteCaptures | null
}

export interface Router {
  /**
   * The header names route criteria look at (lower-case), or null when no route has header criteria.
   * The caller then passes `collectMatchHeaders(req.rawHeaders, headerNames)` as `headers`.
   */
  readonly headerNames: ReadonlySet<string> | null
  /** Hot path: never throws, never compiles anything. */
  match (input: MatchInput): RouteMatch | null
}
