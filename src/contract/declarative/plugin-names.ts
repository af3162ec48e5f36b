// Plugin protocols as Kong spells them. Which plugin names are valid is decided by the plugins
// Atrium bundles (src/plugins/schemas.ts), not by a list here.

/** Kong's plugin protocols; the default list is Kong's too. */
export const PLUGIN_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp', 'ws', 'wss'] as const
export const PLUGIN_DEFAULT_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https'] as const
