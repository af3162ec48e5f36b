// Every error code Atrium emits lives here, with its default HTTP status. Codes never change meaning:
// callers branch on `code`, never on messages.

export const ErrorCodes = {
  ATRIUM_ERR_CONFIG_INVALID: { status: 400, message: 'configuration is invalid' },
  ATRIUM_ERR_CONFIG_READ: { status: 400, message: 'configuration file could not be read' },
  ATRIUM_ERR_CONFIG_PARSE: { status: 400, message: 'configuration file could not be parsed' },
  ATRIUM_ERR_CLI_USAGE: { status: 400, message: 'invalid command line' },
  /** A listener (proxy, status, admin, cluster, portal, demo) could not open: port in use, no permission … */
  ATRIUM_ERR_LISTEN: { status: 500, message: 'a listener could not be opened' },
  ATRIUM_ERR_PROXY_NO_ROUTE: { status: 404, message: 'no Route matched with those values' },
  ATRIUM_ERR_PROXY_BAD_REQUEST: { status: 400, message: 'Bad request' },
  ATRIUM_ERR_PROXY_PROTOCOL: { status: 426, message: 'Please use HTTPS protocol' },
  ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE: { status: 502, message: 'An invalid response was received from the upstream server' },
  ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT: { status: 504, message: 'The upstream server is timing out' },
  ATRIUM_ERR_PROXY_NAME_RESOLUTION: { status: 503, message: 'name resolution failed' },
  ATRIUM_ERR_PROXY_NO_CONFIG: { status: 503, message: 'no configuration loaded' },
  ATRIUM_ERR_PROXY_INTERNAL: { status: 500, message: 'An unexpected error occurred' },
  /** A request body a body-transforming plugin needs in memory is over the runner's bound. */
  ATRIUM_ERR_PROXY_BODY_TOO_LARGE: { status: 413, message: 'Payload too large' },
  /** A streamed request body went over the limit a plugin set (request-size-limiting's limitRequestBody). */
  ATRIUM_ERR_PROXY_REQUEST_SIZE_LIMIT: { status: 413, message: 'Request size limit exceeded' },
  /** A plugin threw in access or response; the body also carries this code, the log names the plugin. */
  ATRIUM_ERR_PLUGIN_FAILED: { status: 500, message: 'An unexpected error occurred' },
  /** A plugin's configure rejected its config while a config was applied; the config is not applied. */
  ATRIUM_ERR_PLUGIN_CONFIGURE: { status: 400, message: 'a plugin rejected its configuration' },
  ATRIUM_ERR_STORE_OPEN: { status: 500, message: 'the store could not be opened' },
  ATRIUM_ERR_ADMIN_INVALID: { status: 400, message: 'request is invalid' },
  ATRIUM_ERR_ADMIN_BAD_JSON: { status: 400, message: 'request body is not valid JSON' },
  ATRIUM_ERR_ADMIN_UNAUTHORIZED: { status: 401, message: 'a valid admin token is required' },
  ATRIUM_ERR_ADMIN_FORBIDDEN: { status: 403, message: 'this token may not do that' },
  ATRIUM_ERR_ADMIN_NOT_FOUND: { status: 404, message: 'not found' },
  ATRIUM_ERR_ADMIN_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed' },
  ATRIUM_ERR_ADMIN_CONFLICT: { status: 409, message: 'conflict' },
  ATRIUM_ERR_ADMIN_BODY_TOO_LARGE: { status: 413, message: 'request body is too large' },
  ATRIUM_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported content type' },
  ATRIUM_ERR_ADMIN_INTERNAL: { status: 500, message: 'an unexpected error occurred' },
  ATRIUM_ERR_SYNC_UNAUTHORIZED: { status: 401, message: 'a valid data-plane token is required' },
  ATRIUM_ERR_SYNC_TOKEN_REVOKED: { status: 401, message: 'the data-plane token was revoked' },
  ATRIUM_ERR_SYNC_BAD_HELLO: { status: 400, message: 'the first message must be a valid hello' },
  ATRIUM_ERR_SYNC_INCOMPATIBLE: { status: 400, message: 'the node is not compatible with this control plane' },
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

  constructor (code: ErrorCode, message?: string, options?: { cause?: unknown, fields?: FieldError[] }) {
    super(message ?? ErrorCodes[code].message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'GatewayError'
    this.code = code
    this.statusCode = ErrorCodes[code].status
    this.fields = options?.fields ?? []
  }
}
