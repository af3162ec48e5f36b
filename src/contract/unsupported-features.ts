// Kong features Atrium does not implement, in one table: the declarative loader rejects a file that
// uses one (check-unsupported.ts, check-plugins.ts, the log plugins' schemas), docs/configuration.md
// shows the table (generated), and the Kong-file corpus test names the features its files use.
// A feature here changes traffic when used, so accepting it and ignoring it would be a silent lie;
// fields without traffic effect (ids, timestamps, `_comment`) are accepted instead and are not here.

export interface UnsupportedFeature {
  /** Stable name, part of every error message about it. */
  readonly feature: string
  /** Where it appears in a declarative file (`[*]` is any index). */
  readonly fields: readonly string[]
  /** Why Atrium rejects it: what Atrium does instead. */
  readonly reason: string
}

export const UNSUPPORTED_FEATURES = [
  {
    feature: 'grpc-health-checks',
    fields: ['upstreams[*].healthchecks.active.type grpc or grpcs, with a probe interval'],
    reason: 'active probes are HTTP(S) GETs or TCP connections; gRPC health probes are not implemented'
  },
  {
    feature: 'srv-targets',
    fields: ['upstreams[*].use_srv_name: true'],
    reason: 'targets are resolved by A/AAAA records; SRV names are not used for the Host header or SNI'
  },
  {
    feature: 'ca-certificates',
    fields: ['ca_certificates', 'services[*].ca_certificates', 'services[*].tls_verify_depth'],
    reason: 'upstream certificates are verified against the node\'s CA store; per-service CA certificates and verify depth are not implemented'
  },
  {
    feature: 'client-certificate',
    fields: ['services[*].client_certificate', 'upstreams[*].client_certificate'],
    reason: 'mutual TLS to upstreams (a client certificate) is not implemented'
  },
  {
    feature: 'vaults',
    fields: ['vaults'],
    reason: 'vault references ({vault://...}) are not resolved'
  },
  {
    feature: 'keys',
    fields: ['keys', 'key_sets'],
    reason: 'key entities serve plugins Atrium does not bundle'
  },
  {
    feature: 'non-http-protocols',
    fields: ['services[*].protocol', 'routes[*].protocols'],
    reason: 'Atrium proxies http and https only (no grpc, grpcs, ws, wss, tcp, tls, tls_passthrough or udp)'
  },
  {
    feature: 'stream-routing',
    fields: ['routes[*].sources', 'routes[*].destinations'],
    reason: 'TCP/TLS stream routing by source or destination is not implemented; Atrium proxies HTTP only'
  },
  {
    feature: 'unbuffered-proxying',
    fields: ['routes[*].request_buffering: false', 'routes[*].response_buffering: false'],
    reason: 'switching request or response buffering off per route is not implemented'
  },
  {
    feature: 'consumer-groups',
    fields: ['consumers[*].groups', 'consumer_groups'],
    reason: 'consumer groups (Kong Enterprise) are not implemented'
  },
  {
    feature: 'unbundled-credentials',
    fields: ['consumers[*].hmacauth_credentials', 'consumers[*].oauth2_credentials', 'consumers[*].mtls_auth_credentials'],
    reason: 'credentials of hmac-auth, oauth2 and mtls-auth, plugins Atrium does not bundle'
  },
  {
    feature: 'plugin-ordering',
    fields: ['plugins[*].ordering'],
    reason: 'dynamic plugin ordering is not implemented; plugins run in their fixed priority order'
  },
  {
    feature: 'unbundled-plugins',
    fields: ['plugins[*].name of a plugin Atrium does not bundle (error "unknown plugin")'],
    reason: 'Atrium bundles the plugins listed in docs/plugins/README.md; others (oauth2, hmac-auth, opentelemetry, ...) are not implemented'
  },
  {
    feature: 'lua',
    fields: ['plugins pre-function and post-function', 'plugins[*].config.custom_fields_by_lua'],
    reason: 'Atrium runs no Lua code'
  }
] as const satisfies readonly UnsupportedFeature[]

export type UnsupportedFeatureName = typeof UNSUPPORTED_FEATURES[number]['feature']

/** The first words of every message about an unsupported feature. */
export const NOT_SUPPORTED = 'not supported by Atrium'

/** `not supported by Atrium (lua): Atrium runs no Lua code`, with an optional detail before the reason. */
export function unsupportedMessage (feature: UnsupportedFeatureName, detail?: string): string {
  const entry = UNSUPPORTED_FEATURES.find((f) => f.feature === feature) as UnsupportedFeature
  return `${NOT_SUPPORTED} (${feature}): ${detail === undefined ? '' : `${detail}; `}${entry.reason}`
}
