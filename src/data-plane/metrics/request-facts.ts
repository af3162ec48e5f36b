import type { IncomingMessage } from 'node:http'
import { classifyUpstreamError } from '../proxy/upstream-errors.js'
import type { UpstreamErrorKind } from './route-slot.js'

/**
 * The kind of a failed upstream attempt, or −1 when it is not the upstream's fault (the client's
 * request undici refused, a request body over a plugin's limit). Error path only.
 */
export function upstreamErrorKind (err: Error, invalidResponse: boolean): UpstreamErrorKind | -1 {
  if (invalidResponse || err.name === 'HTTPParserError') return 3
  switch (classifyUpstreamError(err)) {
    case 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT': return 1
    case 'ATRIUM_ERR_PROXY_NAME_RESOLUTION': return 2
    case 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE': return 0
    default: return -1
  }
}

/**
 * Request body bytes: Content-Length when the client sent one, else what was counted as the body
 * streamed (`counted`, chunked bodies), else 0.
 */
export function requestBodyBytes (req: IncomingMessage, counted: number): number {
  const length = req.headers['content-length']
  if (length === undefined) return counted
  const n = Number(length)
  return n >= 0 ? n : 0
}
