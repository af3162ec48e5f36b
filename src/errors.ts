// Every error code Atrium emits lives here, with its default HTTP status. Codes never change meaning:
// callers branch on `code`, never on messages.

export const ErrorCodes = {
  ATRIUM_ERR_CONFIG_INVALID: { status: 400, message: 'configuration is invalid' },
  ATRIUM_ERR_CONFIG_READ: { status: 400, message: 'configuration file could not be read' },
  ATRIUM_ERR_CONFIG_PARSE: { status: 400, message: 'configuration file could not be parsed' },
  ATRIUM_ERR_CLI_USAGE: { status: 400, message: 'invalid command line' },
  ATRIUM_ERR_PROXY_NO_ROUTE: { status: 404, message: 'no Route matched with those values' },
  ATRIUM_ERR_PROXY_BAD_REQUEST: { status: 400, message: 'Bad request' },
  ATRIUM_ERR_PROXY_PROTOCOL: { status: 426, message: 'Please use HTTPS protocol' },
  ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE: { status: 502, message: 'An invalid response was received from the upstream server' },
  ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT: { status: 504, message: 'The upstream server is timing out' },
  ATRIUM_ERR_PROXY_NAME_RESOLUTION: { status: 503, message: 'name resolution failed' },
  ATRIUM_ERR_PROXY_NO_CONFIG: { status: 503, message: 'no configuration loaded' },
  ATRIUM_ERR_PROXY_INTERNAL: { status: 500, message: 'An unexpected error occurred' }
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
