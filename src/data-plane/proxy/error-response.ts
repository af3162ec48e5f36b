import type { ServerResponse } from 'node:http'
import { ErrorCodes, type ErrorCode } from '../../errors.js'
import { endUnreadHttp2Request, isHttp2Response } from './http2-request.js'

// Responses the gateway itself produces on the request path: one JSON shape for every one of them,
// `{"message": "<Kong's text>", "code": "ATRIUM_ERR_…"}` with Kong's status. Clients written for Kong
// read `message`; `code` is the stable machine-readable name (docs/errors.md). Bodies are serialised
// once, at load time.

const BODIES = new Map<ErrorCode, Buffer>()
for (const code of Object.keys(ErrorCodes) as ErrorCode[]) {
  BODIES.set(code, Buffer.from(JSON.stringify({ message: ErrorCodes[code].message, code })))
}

export const JSON_TYPE = 'application/json; charset=utf-8'

/** The JSON body of the gateway's error `code` (shared, never modify it). */
export function errorBody (code: ErrorCode): Buffer {
  return BODIES.get(code) as Buffer
}

/**
 * The header list of the gateway's error `code` (content-type, and for 426 Kong's Upgrade headers);
 * `closeConnection` adds `Connection: close`. Content-length is the writer's.
 */
export function errorHeaders (code: ErrorCode, closeConnection: boolean): string[] {
  if (code === 'ATRIUM_ERR_PROXY_PROTOCOL') {
    // Kong's 426 names the protocol to switch to.
    return ['content-type', JSON_TYPE, 'connection', closeConnection ? 'close, Upgrade' : 'Upgrade', 'upgrade', 'TLS/1.2, HTTP/1.1']
  }
  return closeConnection ? ['content-type', JSON_TYPE, 'connection', 'close'] : ['content-type', JSON_TYPE]
}

/**
 * Sends the JSON error for `code`. `closeConnection` asks the client to close its connection, for
 * when the request body was left half-read and the connection cannot carry another request.
 * A response that already started cannot be turned into an error: it is destroyed instead.
 * Returns the body bytes sent (for the metrics).
 */
export function sendErrorResponse (res: ServerResponse, code: ErrorCode, closeConnection = false): number {
  if (res.headersSent || res.destroyed) {
    res.destroy()
    return 0
  }
  const body = errorBody(code)
  const http2 = isHttp2Response(res)
  const headers = errorHeaders(code, closeConnection && !http2)
  headers.push('content-length', String(body.length))
  res.writeHead(ErrorCodes[code].status, headers)
  res.end(body)
  if (closeConnection && http2) endUnreadHttp2Request(res)
  return body.length
}
