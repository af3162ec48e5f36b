// The normalised gateway configuration: what the declarative file (and later the control plane)
// produces and what a data plane compiles. Every default is filled in; nested routes and nested
// plugins are flattened. Both planes import this; neither imports the other.
//
// Every object normalize.ts builds has its keys in sorted order (config-hash.ts relies on it).

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
  /** Atrium's: connections its pool may open (absent: the upstream's, else the node's --upstream-max-connections). */
  max_connections?: number
  tags: string[]
  /**
   * Index into `GatewayConfig.upstreams` when `host` names an upstream: requests are balanced over
   * its targets and `port` is not used (as Kong). Absent otherwise, so such configs keep their hash.
   */
  upstream?: number
}

export interface RouteConfig {
  id: string | null
  name: string | null
  /**
   * Index into `GatewayConfig.services`, or null for a route without a service: its plugins run,
   * then the node answers 503 ATRIUM_ERR_PROXY_NO_SERVICE (as Kong).
   */
  service: number | null
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
  /**
   * A plain-HTTP request to a route without `http` in `protocols`: 301/302/307/308 redirect it to
   * https; absent means Kong's default, 426 (absent so configs without it keep their hash).
   */
  https_redirect_status_code?: 301 | 302 | 307 | 308
  /**
   * Lower-case TLS server names, unique, FQDN dot dropped: exact, `*.example.com`, `example.*` or
   * `*`. An HTTPS request then matches only with an SNI among them; a plain-HTTP one ignores them
   * (Kong). Absent when there are none, so configs without them keep their hash.
   */
  snis?: string[]
  tags: string[]
}

/** Kong's plugin protocols (Atrium proxies http and https; a plugin runs when the request's is listed). */
export type PluginProtocol = 'grpc' | 'grpcs' | 'http' | 'https' | 'tcp' | 'tls' | 'tls_passthrough' | 'udp' | 'ws' | 'wss'

/**
 * One enabled plugin instance (disabled ones are left out). Its scope is the combination of the
 * three indices that are set; all null is global. Which instance applies to a request is decided by
 * Kong's precedence (src/data-plane/plugin-runner/precedence.ts).
 */
export interface PluginConfig {
  /** A plugin Atrium bundles (src/plugins/schemas.ts). */
  name: string
  id: string | null
  instance_name: string | null
  /**
   * The plugin's config, valid for its schema: nulls dropped, every default filled in, keys sorted
   * at every level. The handler reads it as `Static<typeof schema>`.
   */
  config: Record<string, unknown>
  protocols: PluginProtocol[]
  /** Index into `GatewayConfig.services`, or null. */
  service: number | null
  /** Index into `GatewayConfig.routes`, or null. */
  route: number | null
  /** Index into `GatewayConfig.consumers`, or null. */
  consumer: number | null
  tags: string[]
}

/** A key-auth key, as its SHA-256: nodes look keys up by the hash of the presented value (credential-secrets.ts). */
export interface KeyAuthCredentialConfig {
  id: string | null
  /** Lower-case hex. */
  key_hash: string
  tags: string[]
}

/** A basic-auth login; never the password, only a verifier (`$scrypt$…`, or `$sha256$…` for a DB-less file's plaintext). */
export interface BasicAuthCredentialConfig {
  id: string | null
  password_hash: string
  tags: string[]
  username: string
}

export interface JwtSecretConfig {
  algorithm: 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384'
  id: string | null
  /** The value of the token's key claim (`iss` by default) that selects this secret. */
  key: string
  /** PEM public key (RS*, ES*), else null. */
  rsa_public_key: string | null
  /** HMAC secret (HS*), else null. */
  secret: string | null
  tags: string[]
}

export interface AclConfig {
  group: string
  id: string | null
  tags: string[]
}

/**
 * A consumer's credentials, by kind, named as Kong's declarative keys; each list is left out when
 * empty, so the hash of configs without that kind does not change (keys in sorted order, as every
 * object here). Data-plane auth plugins build their lookup tables from these lists in `configure`
 * and identify the consumer with `setConsumer(index)`.
 */
export interface ConsumerCredentials {
  acls?: AclConfig[]
  basicauth_credentials?: BasicAuthCredentialConfig[]
  jwt_secrets?: JwtSecretConfig[]
  keyauth_credentials?: KeyAuthCredentialConfig[]
}

export interface ConsumerConfig {
  id: string | null
  username: string | null
  custom_id: string | null
  tags: string[]
  credentials: ConsumerCredentials
}

export interface GatewayConfig {
  services: ServiceConfig[]
  /** In declaration order: nested routes in file order of their services, then top-level routes. */
  routes: RouteConfig[]
  /**
   * Enabled plugins: top-level ones in file order, then nested ones (services, their routes,
   * top-level routes, consumers). Absent when there are none, so a config without plugins keeps the
   * hash it had before plugins existed, and hand-built configs stay valid; read it as `plugins ?? []`.
   */
  plugins?: PluginConfig[]
  /** In file order; absent when there are none (see `plugins`). */
  consumers?: ConsumerConfig[]
  /** Kong's upstreams with their targets, in file order; absent when there are none (see `plugins`). */
  upstreams?: UpstreamConfig[]
  /** Kong's certificates with their SNIs, in file order; absent when there are none (see `plugins`). */
  certificates?: CertificateConfig[]
}

/** One TLS certificate of the proxy and the SNI names it serves (Kong's certificates and snis). */
export interface CertificateConfig {
  /** PEM: the certificate (then its chain), and its private key. */
  cert: string
  /** Another key type's pair (RSA next to ECDSA), or null. */
  cert_alt: string | null
  id: string | null
  key: string
  key_alt: string | null
  /** Lower-cased names: `host`, `*.suffix`, `prefix.*` or `*`, each unique across certificates. */
  snis: string[]
  tags: string[]
}

export type UpstreamAlgorithm = 'round-robin' | 'consistent-hashing' | 'least-connections' | 'latency'
export type UpstreamHashOn = 'none' | 'consumer' | 'ip' | 'header' | 'cookie' | 'path' | 'query_arg' | 'uri_capture'

/** One upstream target: an address and its weight (0 takes it out of the rotation). */
export interface TargetConfig {
  /** IP or hostname (IPv6 without brackets, lower-cased). */
  host: string
  id: string | null
  port: number
  tags: string[]
  /** `host:port` as Kong shows it (IPv6 in brackets). */
  target: string
  weight: number
}

/** Kong's healthchecks record, every default filled in (Kong's field names). */
export interface HealthchecksConfig {
  active: {
    concurrency: number
    headers: Record<string, string[]>
    healthy: { http_statuses: number[], interval: number, successes: number }
    http_path: string
    https_sni: string | null
    https_verify_certificate: boolean
    timeout: number
    type: 'tcp' | 'http' | 'https' | 'grpc' | 'grpcs'
    unhealthy: { http_failures: number, http_statuses: number[], interval: number, tcp_failures: number, timeouts: number }
  }
  passive: {
    healthy: { http_statuses: number[], successes: number }
    type: 'tcp' | 'http' | 'https' | 'grpc' | 'grpcs'
    unhealthy: { http_failures: number, http_statuses: number[], tcp_failures: number, timeouts: number }
  }
  threshold: number
}

export interface UpstreamConfig {
  /** After Kong's shorthands: a hash_on other than none means consistent-hashing. */
  algorithm: UpstreamAlgorithm
  hash_fallback: UpstreamHashOn
  hash_fallback_header: string | null
  hash_fallback_query_arg: string | null
  hash_fallback_uri_capture: string | null
  hash_on: UpstreamHashOn
  hash_on_cookie: string | null
  hash_on_cookie_path: string
  hash_on_header: string | null
  hash_on_query_arg: string | null
  hash_on_uri_capture: string | null
  healthchecks: HealthchecksConfig
  /** Host header sent to the targets; null: the service's host (the upstream's name), as Kong. */
  host_header: string | null
  id: string | null
  /** Atrium's: connections each address's pool may open (absent: the node's --upstream-max-connections). */
  max_connections?: number
  name: string
  slots: number
  tags: string[]
  /** Nested targets in file order, then top-level ones. */
  targets: TargetConfig[]
}
