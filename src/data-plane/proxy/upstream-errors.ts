import type { ErrorCode } from '../../errors.js'

// The one place where a failed upstream call becomes a client-facing status (Kong's mapping):
//   connect refused / reset / socket closed / bad response / TLS failure → 502
//   connect timeout, headers or body timeout, write timeout             → 504
//   DNS failure                                                          → 503 name resolution failed
// Anything unrecognised is treated as an unusable upstream (502).

/** Raised by the proxy when the upstream accepted no request body bytes for write_timeout ms. */
export class UpstreamWriteTimeoutError extends Error {
  readonly code = 'ATRIUM_UPSTREAM_WRITE_TIMEOUT'
  constructor () {
    super('upstream write timeout')
    this.name = 'UpstreamWriteTimeoutError'
  }
}

/** Raised by the proxy when the client sent no request body byte for --client-body-timeout while the gateway was reading. */
export class ClientBodyTimeoutError extends Error {
  readonly code = 'ATRIUM_CLIENT_BODY_TIMEOUT'
  constructor () {
    super('client body timeout')
    this.name = 'ClientBodyTimeoutError'
  }
}

/** Raised by the proxy when a streamed request body goes over the limit a plugin set (ProxyCall.requestBodyLimit). */
export class RequestBodyLimitError extends Error {
  readonly code = 'ATRIUM_REQUEST_BODY_LIMIT'
  constructor (limit: number) {
    super(`request body exceeds ${limit} bytes`)
    this.name = 'RequestBodyLimitError'
  }
}

const BY_CODE: Record<string, ErrorCode> = {
  ATRIUM_CLIENT_BODY_TIMEOUT: 'ATRIUM_ERR_PROXY_CLIENT_TIMEOUT',
  ATRIUM_REQUEST_BODY_LIMIT: 'ATRIUM_ERR_PROXY_REQUEST_SIZE_LIMIT',
  UND_ERR_CONNECT_TIMEOUT: 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT',
  ATRIUM_UPSTREAM_WRITE_TIMEOUT: 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT',
  ETIMEDOUT: 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT',
  ENOTFOUND: 'ATRIUM_ERR_PROXY_NAME_RESOLUTION',
  EAI_AGAIN: 'ATRIUM_ERR_PROXY_NAME_RESOLUTION',
  EAI_NONAME: 'ATRIUM_ERR_PROXY_NAME_RESOLUTION',
  EAI_NODATA: 'ATRIUM_ERR_PROXY_NAME_RESOLUTION',
  // undici rejected the request itself (e.g. a header it refuses to send): the client's input.
  UND_ERR_INVALID_ARG: 'ATRIUM_ERR_PROXY_BAD_REQUEST',
  UND_ERR_NOT_SUPPORTED: 'ATRIUM_ERR_PROXY_BAD_REQUEST'
}

/** Maps an error from undici (or the socket under it) to the gateway error code to answer with. */
export function classifyUpstreamError (err: unknown): ErrorCode {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string') {
    const mapped = BY_CODE[code]
    if (mapped !== undefined) return mapped
  }
  // A connect error may be wrapped (AggregateError for multi-address hosts).
  const inner = (err as { errors?: unknown[] } | null)?.errors
  if (Array.isArray(inner) && inner.length > 0) return classifyUpstreamError(inner[0])
  return 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE'
}

