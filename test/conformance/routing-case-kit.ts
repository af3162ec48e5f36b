// Builders for the routing conformance table: compact route/service/case constructors with every
// default filled in the way the declarative loader fills them.

import type { IncomingHttpHeaders } from 'node:http'
import type { GatewayConfig, RouteConfig, ServiceConfig } from '../../src/contract/index.js'

export interface CaseRequest {
  /** Raw request target (req.url), normalised by the test with normalizePath. */
  target: string
  method?: string
  host?: string
  headers?: IncomingHttpHeaders
  /** The local port the request arrived on (MatchInput.port). */
  port?: number
  /** Came over TLS (MatchInput.tls); absent: plain HTTP. */
  tls?: boolean
  /** The TLS server name the client sent (MatchInput.sni). */
  sni?: string
}

export interface CaseExpect {
  /** Route name, or null for "no route". */
  route: string | null
  matchedPath?: string | null
  matchedPrefix?: string
  unnamed?: string[]
  named?: Record<string, string>
  upstreamPath?: string
  /** normalizePath rejects the target (the proxy answers 400). */
  invalidTarget?: boolean
}

export interface RoutingCase {
  name: string
  config: GatewayConfig
  request: CaseRequest
  expect: CaseExpect
}

export function service (path: string | null, name = 'svc'): ServiceConfig {
  return {
    id: null, name, protocol: 'http', host: 'upstream.test', port: 80, path,
    connect_timeout: 60000, write_timeout: 60000, read_timeout: 60000, retries: 5, tls_verify: false, tags: []
  }
}

export function route (name: string, fields: Partial<Omit<RouteConfig, 'name'>> = {}): RouteConfig {
  return {
    id: null, name, service: 0, paths: [], methods: [], hosts: [], headers: {}, strip_path: true,
    preserve_host: false, regex_priority: 0, protocols: ['http', 'https'], tags: [], ...fields
  }
}

export function routingCase (name: string, routes: RouteConfig[], request: CaseRequest, expect: CaseExpect,
  services: ServiceConfig[] = [service(null)]): RoutingCase {
  return { name, config: { services, routes }, request, expect }
}
