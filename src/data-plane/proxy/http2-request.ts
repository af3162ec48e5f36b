import { constants, type Http2ServerRequest, type ServerHttp2Stream } from 'node:http2'

// HTTP/2 requests (the TLS listener, by ALPN) take the HTTP/1.1 request path; upstream connections
// stay HTTP/1.1, as Kong's. Node's compatibility API gives them the IncomingMessage surface the
// proxy reads, except three things this maps, once per request, before the route match:
// - the pseudo-headers: `:authority` becomes Host (RFC 9113 §8.3.1: it replaces Host), `:method`
//   and `:path` are already req.method / req.url, and none of them is sent upstream;
// - the Cookie header, which HTTP/2 clients may split into several fields (RFC 9113 §8.2.3): joined
//   with "; " into one, as an HTTP/1.1 upstream expects;
// - a body: HTTP/2 frames it without Content-Length or chunked coding, so a request whose HEADERS
//   did not end the stream is marked `transfer-encoding: chunked` in req.headers — what the same
//   request of unknown length is in HTTP/1.1, and what the proxy and the metrics test for a body.
//   (undici then sends it chunked, or with the client's content-length when there is one.)

/** The request's header list as HTTP/1.1 would carry it (flat [name, value, …]); also sets req.headers.host. */
export function http1HeaderList (req: Http2ServerRequest): string[] {
  const raw = req.rawHeaders
  const headers = req.headers
  const out: string[] = []
  let cookies = 0
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.charCodeAt(0) === 58) continue // ':'
    if (name === 'cookie' && ++cookies > 1) continue
    out.push(name, name === 'cookie' ? String(headers.cookie) : raw[i + 1]!)
  }
  const authority = headers[':authority']
  if (headers.host === undefined && typeof authority === 'string') {
    headers.host = authority
    out.push('host', authority)
  }
  if (!req.stream.endAfterHeaders && headers['content-length'] === undefined) headers['transfer-encoding'] = 'chunked'
  return out
}

/**
 * Whether `res` answers an HTTP/2 stream: such a response carries no connection-specific header
 * (`Connection: close` is refused there; the stream ends on its own) and no reason phrase.
 */
export function isHttp2Response (res: object): boolean {
  return (res as { stream?: unknown }).stream !== undefined
}

/**
 * After a complete answer to an HTTP/2 request whose body was not read to its end (an early error,
 * a client timeout): over HTTP/1.1 the connection would close; here the stream is reset with
 * NO_ERROR once the answer is flushed (RFC 9113 §8.1), so the client stops sending and the stream
 * does not stay half-open (holding a graceful shutdown) for as long as the client keeps it.
 */
export function endUnreadHttp2Request (res: object): void {
  const stream = (res as { stream?: ServerHttp2Stream }).stream
  if (stream !== undefined && !stream.destroyed) stream.close(constants.NGHTTP2_NO_ERROR)
}
