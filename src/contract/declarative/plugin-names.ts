// Plugin names a declarative file may use: Kong's bundled plugins (3.x). Atrium stores and
// validates their shape now; running them comes with the plugin runner, so until then a data plane
// warns that they are not executed. A name outside this list is an error, as in Kong.

export const KNOWN_PLUGINS: ReadonlySet<string> = new Set([
  'acl', 'acme', 'ai-proxy', 'ai-prompt-decorator', 'ai-prompt-guard', 'ai-prompt-template',
  'ai-request-transformer', 'ai-response-transformer', 'aws-lambda', 'azure-functions',
  'basic-auth', 'bot-detection', 'correlation-id', 'cors', 'datadog', 'file-log',
  'grpc-gateway', 'grpc-web', 'hmac-auth', 'http-log', 'ip-restriction', 'jwt', 'key-auth',
  'ldap-auth', 'loggly', 'oauth2', 'opentelemetry', 'post-function', 'pre-function',
  'prometheus', 'proxy-cache', 'rate-limiting', 'redirect', 'request-size-limiting',
  'request-termination', 'request-transformer', 'response-ratelimiting', 'response-transformer',
  'session', 'standard-webhooks', 'statsd', 'syslog', 'tcp-log', 'udp-log', 'zipkin'
])

/** Kong's plugin protocols; the default list is Kong's too. */
export const PLUGIN_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp', 'ws', 'wss'] as const
export const PLUGIN_DEFAULT_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https'] as const
