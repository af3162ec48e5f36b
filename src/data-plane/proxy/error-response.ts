import type { ServerResponse } from 'node:http'
import { ErrorCodes, type ErrorCode } from '../../errors.js'

// Responses the gateway itself produces on the request path, Kong style: `{"message": "…"}` with the
// Kong status. Bodies are serialised once, at load time.

const BODIES = new Map<ErrorCode, Buffer>()
for (const code of Object.keys(ErrorCodes) as ErrorCode[]) {
  BODIES.set(code, Buffer.from(JSON.stringify({ message: ErrorCodes[code].message })))
}

const JSON_TYPE = 'application/json; charset=utf-8'

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
  const body = BODIES.get(code) as Buffer
  const status = ErrorCodes[code].status
  if (code === 'ATRIUM_ERR_PROXY_PROTOCOL') {
    // Kong's 426 names the protocol to switch to.
    res.writeHead(status, {
      'content-type': JSON_TYPE,
      'content-length': body.length,
      connection: closeConnection ? 'close, Upgrade' : 'Upgrade',
      upgrade: 'TLS/1.2, HTTP/1.1'
    })
  } else if (closeConnection) {
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': body.length, connection: 'close' })
  } else {
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': body.length })
  }
  res.end(body)
  return body.length
}
