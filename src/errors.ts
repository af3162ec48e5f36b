// Every error code Atrium emits lives here, with its default HTTP status. Codes never change meaning:
// callers branch on `code`, never on messages.

export const ErrorCodes = {
  /** A declarative config failed validation; every problem is listed by path, e.g. `services[0].routes[2].paths[0]: invalid regex: …`. */
  ATRIUM_ERR_CONFIG_INVALID: { status: 400, message: 'configuration is invalid' },
  /** The configuration file could not be read (missing, unreadable). */
  ATRIUM_ERR_CONFIG_READ: { status: 400, message: 'configuration file could not be read' },
  /** The configuration file is neither valid YAML nor valid JSON. */
  ATRIUM_ERR_CONFIG_PARSE: { status: 400, message: 'configuration file could not be parsed' },
  /** A flag or environment value is invalid, or the command refuses to start as configured (e.g. a non-loopback `--admin-listen` without admin tokens, a listen address in use); the command exits 1 naming the flag. */
  ATRIUM_ERR_CLI_USAGE: { status: 400, message: 'invalid command line' },
  /** A listener (proxy, status, admin, cluster, portal, demo) could not open: port in use, no permission …; the command exits 1 naming the flag and the address. */
  ATRIUM_ERR_LISTEN: { status: 500, message: 'a listener could not be opened' },
  /** No route matched the request. */
  ATRIUM_ERR_PROXY_NO_ROUTE: { status: 404, message: 'no Route matched with those values' },
  /** A malformed request target (e.g. `%zz`), a request Node's HTTP parser refuses (malformed request line or header, headers too large), HTTP/1.1 without Host, or a request the upstream client refuses to send (e.g. an invalid header value). */
  ATRIUM_ERR_PROXY_BAD_REQUEST: { status: 400, message: 'Bad request' },
  /** The matched route has no service: its plugins ran, and there is nothing to proxy to (Kong's answer). */
  ATRIUM_ERR_PROXY_NO_SERVICE: { status: 503, message: 'no Service found with those values' },
  /** The service is balanced over an upstream that has no target to pick: none, or every one at weight 0 (Kong's answer). */
  ATRIUM_ERR_PROXY_NO_PEER: { status: 503, message: 'failure to get a peer from the ring-balancer' },
  /** The route allows only `https` and the request came over plain HTTP. */
  ATRIUM_ERR_PROXY_PROTOCOL: { status: 426, message: 'Please use HTTPS protocol' },
  /** The upstream refused, reset or closed the connection, or sent an invalid response. */
  ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE: { status: 502, message: 'An invalid response was received from the upstream server' },
  /** The service's `connect_timeout`, `read_timeout` or `write_timeout` expired. */
  ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT: { status: 504, message: 'The upstream server is timing out' },
  /** The upstream host name does not resolve. */
  ATRIUM_ERR_PROXY_NAME_RESOLUTION: { status: 503, message: 'name resolution failed' },
  /** The client sent its request headers or body too slowly: nothing for `--client-header-timeout` while the headers arrive, or for `--client-body-timeout` between two reads of the body; the connection is closed. */
  ATRIUM_ERR_PROXY_CLIENT_TIMEOUT: { status: 408, message: 'Request timeout' },
  /** Every connection the service's pool may open (`--upstream-max-connections`, or the service's or upstream's `max_connections`) stayed busy for the service's `connect_timeout` while the request waited for one. */
  ATRIUM_ERR_PROXY_UPSTREAM_BUSY: { status: 503, message: 'upstream connection limit reached' },
  /** The node has no configuration yet (no cache and no control plane reached). */
  ATRIUM_ERR_PROXY_NO_CONFIG: { status: 503, message: 'no configuration loaded' },
  /** An unexpected failure on the request path; logged as `proxy request failed unexpectedly`. */
  ATRIUM_ERR_PROXY_INTERNAL: { status: 500, message: 'An unexpected error occurred' },
  /** A request body a body-transforming plugin needs in memory is over the runner's bound (8 MiB: request-transformer editing it, key-auth's `key_in_body`); the connection is closed. */
  ATRIUM_ERR_PROXY_BODY_TOO_LARGE: { status: 413, message: 'Payload too large' },
  /** A streamed request body went over the limit a plugin set (request-size-limiting's limitRequestBody); the connection is closed, or cut if the upstream already answered. */
  ATRIUM_ERR_PROXY_REQUEST_SIZE_LIMIT: { status: 413, message: 'Request size limit exceeded' },
  /** A plugin threw in access or response; the body also carries this code, the log names the plugin. */
  ATRIUM_ERR_PLUGIN_FAILED: { status: 500, message: 'An unexpected error occurred' },
  /** A plugin's configure rejected its config while a config was applied; the config is not applied. */
  ATRIUM_ERR_PLUGIN_CONFIGURE: { status: 400, message: 'a plugin rejected its configuration' },
  /** The control plane's store could not be opened. */
  ATRIUM_ERR_STORE_OPEN: { status: 500, message: 'the store could not be opened' },
  /** Invalid fields (every one listed in `fields`), bad query parameters or cursors, NUL characters. */
  ATRIUM_ERR_ADMIN_INVALID: { status: 400, message: 'request is invalid' },
  /** The request body is not JSON. */
  ATRIUM_ERR_ADMIN_BAD_JSON: { status: 400, message: 'request body is not valid JSON' },
  /** Admin tokens are configured and the request has none or an unknown one. */
  ATRIUM_ERR_ADMIN_UNAUTHORIZED: { status: 401, message: 'a valid admin token is required' },
  /** A viewer token tried to write. */
  ATRIUM_ERR_ADMIN_FORBIDDEN: { status: 403, message: 'this token may not do that' },
  /** Unknown entity or endpoint. */
  ATRIUM_ERR_ADMIN_NOT_FOUND: { status: 404, message: 'not found' },
  /** The path exists, the method does not (the `Allow` header lists the methods). */
  ATRIUM_ERR_ADMIN_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed' },
  /** A duplicate name, slug, version or credential, or the delete of an entity still referenced. */
  ATRIUM_ERR_ADMIN_CONFLICT: { status: 409, message: 'conflict' },
  /** `PUT /runtime-groups/{rg}/config` would delete services that implement catalog versions; nothing is written. The body's `versions` lists them (`package_id`, `package`, `version_id`, `version`, `service_id`, `service`); `?detach_versions=true` (`atrium config apply --detach-versions`) applies the file and detaches them. */
  ATRIUM_ERR_CATALOG_IMPLEMENTATION_IN_USE: { status: 409, message: 'the change deletes services that implement catalog versions' },
  /** The request body is over 1 MiB (64 MiB for `/config`, 5 MiB for an API spec, 4 MiB for a document). */
  ATRIUM_ERR_ADMIN_BODY_TOO_LARGE: { status: 413, message: 'request body is too large' },
  /** The body is not `application/json` (or YAML, for `/config` and API specs). */
  ATRIUM_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported content type' },
  /** An unexpected failure while handling an Admin API request; the request changed nothing. */
  ATRIUM_ERR_ADMIN_INTERNAL: { status: 500, message: 'an unexpected error occurred' },
  /** A node connected without a data-plane token or with an unknown one; the WebSocket upgrade is answered 401. */
  ATRIUM_ERR_SYNC_UNAUTHORIZED: { status: 401, message: 'a valid data-plane token is required' },
  /** The node's data-plane token was revoked; the control plane closes its socket (close code 4001). */
  ATRIUM_ERR_SYNC_TOKEN_REVOKED: { status: 401, message: 'the data-plane token was revoked' },
  /** The node's first message was not a valid `hello`, or none came in time (close code 4003). */
  ATRIUM_ERR_SYNC_BAD_HELLO: { status: 400, message: 'the first message must be a valid hello' },
  /** The node's protocol or Atrium major version differs from the control plane's (close code 4002, `sync_status: version_incompatible`). */
  ATRIUM_ERR_SYNC_INCOMPATIBLE: { status: 400, message: 'the node is not compatible with this control plane' },
  /** A hybrid node cannot create or write its `--cache-dir`; the node does not start. */
  ATRIUM_ERR_DATA_PLANE_CACHE_DIR: { status: 500, message: 'the data-plane cache directory is not usable' }
} as const satisfies Record<string, { status: number, message: string }>

export type ErrorCode = keyof typeof ErrorCodes

/** A field-level problem: `path` is the offending field, e.g. `services[0].routes[2].paths[0]`. */
export interface FieldError {
  path: string
  message: string
}

export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly fields: FieldError[]
  /** More of the answer, beside `code`, `message` and `fields` (e.g. the `versions` of ATRIUM_ERR_CATALOG_IMPLEMENTATION_IN_USE). */
  readonly details: Record<string, unknown>

  constructor (code: ErrorCode, message?: string, options?: { cause?: unknown, fields?: FieldError[], details?: Record<string, unknown> }) {
    super(message ?? ErrorCodes[code].message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GatewayError'
    this.code = code
    this.statusCode = ErrorCodes[code].status
    this.fields = options?.fields ?? []
    this.details = options?.details ?? {}
  }
}

/**
 * The JSON body of an error answer, the same on every listener that answers JSON errors:
 * `{ code, message, fields: { path: reason } }` with the error's `details` beside them.
 */
export function errorBody (err: GatewayError): Record<string, unknown> {
  // A Map, not an object literal: a body's `__proto__` or `constructor` field is a path like any other.
  const fields = new Map<string, string>()
  for (const f of err.fields) fields.set(f.path, fields.has(f.path) ? `${fields.get(f.path) as string}; ${f.message}` : f.message)
  return { ...err.details, code: err.code, message: err.message, fields: Object.fromEntries(fields) }
}
