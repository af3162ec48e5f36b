// The normalised gateway configuration: what the declarative file (and later the control plane)
// produces and what a data plane compiles. Every default is filled in; nested routes are flattened.
// Both planes import this; neither imports the other.

export type UpstreamProtocol = 'http' | 'https'
export type RouteProtocol = 'http' | 'https'

export interface ServiceConfig {
  /** Optional stable id (Kong entities may carry one); `name` is the usual reference. */
  id: string | null
  name: string | null
  protocol: UpstreamProtocol
  host: string
  port: number
  /** Upstream base path, always starting with `/`, or null for none. */
  path: string | null
  /** Milliseconds. */
  connect_timeout: number
  write_timeout: number
  read_timeout: number
  retries: number
  /** Verify the upstream's TLS certificate (https services). */
  tls_verify: boolean
  tags: string[]
}

export interface RouteConfig {
  id: string | null
  name: string | null
  /** Index into `GatewayConfig.services`. */
  service: number
  /** Prefix paths (`/foo`) and regex paths (`~/users/(?<id>\d+)$`), in the order given. */
  paths: string[]
  /** Upper-case HTTP methods. */
  methods: string[]
  /** Lower-case hosts: exact (`api.example.com`, optionally with `:port`), `*.example.com` or `example.*`. */
  hosts: string[]
  /** Lower-case header name → lower-case accepted values. */
  headers: Record<string, string[]>
  strip_path: boolean
  preserve_host: boolean
  regex_priority: number
  protocols: RouteProtocol[]
  tags: string[]
}

export interface GatewayConfig {
  services: ServiceConfig[]
  /** In declaration order: nested routes in file order of their services, then top-level routes. */
  routes: RouteConfig[]
}
