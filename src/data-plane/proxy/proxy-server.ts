import { createServer, type Server } from 'node:http'
import { createSecureServer, type Http2Session } from 'node:http2'
import type { TLSSocket } from 'node:tls'
import type { Logger } from '../../log.js'
import type { GatewayState } from '../compiled-gateway.js'
import { ErrorCodes, type ErrorCode } from '../../errors.js'
import { DEFAULT_CLIENT_LIMITS, type ClientLimits } from './client-limits.js'
import { errorBody, JSON_TYPE } from './error-response.js'
import { lingerOnClose } from './lingering-close.js'
import { createProxyRequestHandler } from './proxy-handler.js'
import type { RouteDebug } from './route-debug.js'
import { TLS_SETTINGS } from '../tls/certificate-selector.js'
import { closeTunnels, createUpgradeHandler } from './upgrade-request.js'

/** Idle client keep-alive connections are closed after this long (nginx/Kong: 60 s). */
const KEEP_ALIVE_TIMEOUT_MS = 60_000
/** How often Node checks connections against the header timeout: a slow client is cut within this of its limit. */
const HEADER_CHECK_INTERVAL_MS = 500
/** HTTP/2: streams one connection may have open at once (nginx's http2_max_concurrent_streams). */
export const HTTP2_MAX_CONCURRENT_STREAMS = 128
/** HTTP/2: the largest header list a request may send, HPACK-decoded (names, values, 32 bytes per field). */
export const HTTP2_MAX_HEADER_LIST_SIZE = 32 * 1024
/** HTTP/2: header fields per request, as many as HTTP/1.1 allows (Node's maxHeadersCount). */
const HTTP2_MAX_HEADER_PAIRS = 2000

export interface ProxyServerOptions {
  state: GatewayState
  logger: Logger
  /**
   * A TLS listener: each handshake gets the certificate the serving config picks for its server
   * name (state.current.certificates, so a new config applies to new handshakes at once), else
   * this default.
   */
  tls?: { defaultCertificate: { cert: string, key: string } }
  /** The node's client timeouts (default: nginx's 60 s each). */
  limits?: ClientLimits
  /** The route debug headers on demand (route-debug.ts); absent or null: off. */
  routeDebug?: RouteDebug | null
}

const kSessions = Symbol('atrium.http2Sessions')

interface WithSessions { [kSessions]?: Set<Http2Session> }

/**
 * A proxy listener, plain HTTP or TLS (not yet listening). requestTimeout is 0 so long uploads are
 * not cut off while they progress; slow clients are bounded by the client timeouts (client-limits.ts)
 * and idle connections by the keep-alive timeout.
 *
 * The TLS listener speaks HTTP/2 to clients that offer `h2` by ALPN and HTTP/1.1 to the others
 * (Node's allowHTTP1: the same server object runs both, with the HTTP/1.1 options set on it).
 */
export function createProxyServer (options: ProxyServerOptions): Server {
  const limits = options.limits ?? DEFAULT_CLIENT_LIMITS
  const http = {
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // --client-header-timeout. Node counts it from a request's first byte (from the connection for
    // the first request), so the keep-alive wait between two requests is not part of it.
    headersTimeout: limits.headerTimeoutMs,
    connectionsCheckingInterval: Math.min(HEADER_CHECK_INTERVAL_MS, limits.headerTimeoutMs),
    requestTimeout: 0,
    // The handler answers HTTP/1.1 without Host itself, with the gateway's JSON error (Node's own
    // answer is a bare 400).
    requireHostHeader: false
  }
  const handlers = createProxyRequestHandler({ ...options, limits })
  const tls = options.tls
  let server: Server
  if (tls === undefined) {
    server = createServer(http, handlers.http1)
    // A Connection: close answer to a request whose body is still arriving reaches the client intact.
    server.on('connection', lingerOnClose)
  } else {
    const secure = createSecureServer({
      ...TLS_SETTINGS,
      handshakeTimeout: limits.tlsHandshakeTimeoutMs,
      allowHTTP1: true,
      settings: { maxConcurrentStreams: HTTP2_MAX_CONCURRENT_STREAMS, maxHeaderListSize: HTTP2_MAX_HEADER_LIST_SIZE },
      maxHeaderListPairs: HTTP2_MAX_HEADER_PAIRS,
      // The default certificate (Kong's): for clients without SNI, and when SNICallback gives no context.
      cert: tls.defaultCertificate.cert,
      key: tls.defaultCertificate.key,
      SNICallback: (servername, cb) => {
        cb(null, options.state.current?.certificates?.contextFor(servername) ?? undefined)
      }
    }, (req, res) => {
      if (req.httpVersionMajor === 2) handlers.http2(req, res)
      else handlers.http1(req as never, res as never)
    })
    Object.assign(secure, http)
    const sessions = new Set<Http2Session>()
    ;(secure as WithSessions)[kSessions] = sessions
    secure.on('session', (session) => onSession(session, sessions))
    secure.on('secureConnection', (socket: TLSSocket) => {
      if (socket.alpnProtocol !== 'h2') lingerOnClose(socket)
    })
    server = secure as unknown as Server
  }
  // A client that resets mid-request must not crash the process.
  server.on('clientError', onClientError)
  // Requests with an Upgrade header (WebSocket handshakes) come here, not to the request listener.
  server.on('upgrade', createUpgradeHandler(handlers.http1))
  return server
}

/**
 * An HTTP/2 connection: kept in `sessions` (closed gracefully at shutdown), and closed once it has
 * had no stream open and no frame for the keep-alive timeout, as an idle HTTP/1.1 connection is.
 */
function onSession (session: Http2Session, sessions: Set<Http2Session>): void {
  sessions.add(session)
  let open = 0
  session.on('stream', (stream) => {
    open++
    stream.once('close', () => { open-- })
  })
  session.setTimeout(KEEP_ALIVE_TIMEOUT_MS, () => {
    if (open === 0) session.close()
  })
  // A protocol error or a reset connection: the session is destroyed; nothing to answer.
  session.on('error', () => {})
  session.once('close', () => sessions.delete(session))
}

/** Built once: the answer to a request Node's parser refuses (malformed request line or header), or that came too slowly. */
function rawErrorHead (code: ErrorCode, reason: string): Buffer {
  return Buffer.from(`HTTP/1.1 ${ErrorCodes[code].status} ${reason}\r\ncontent-type: ${JSON_TYPE}` +
    `\r\ncontent-length: ${errorBody(code).length}\r\nconnection: close\r\n\r\n`)
}
const BAD_REQUEST_HEAD = rawErrorHead('ATRIUM_ERR_PROXY_BAD_REQUEST', 'Bad Request')
const TIMEOUT_HEAD = rawErrorHead('ATRIUM_ERR_PROXY_CLIENT_TIMEOUT', 'Request Timeout')

/**
 * Requests Node's parser refuses never reach the handler; they get the gateway's JSON error here
 * (`{"message","code"}`, the same body as the handler's 400). A client that resets mid-request must
 * not crash the process, and a socket no longer writable is just closed.
 */
function onClientError (err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  // A failed TLS handshake (the HTTP/2 server reports tlsClientError here): nothing HTTP to answer.
  const code = err.code ?? ''
  if (code === 'ECONNRESET' || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || !socket.writable) {
    socket.destroy()
    return
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    // --client-header-timeout: the request line and headers did not arrive in time (nginx's 408).
    socket.write(TIMEOUT_HEAD)
    socket.end(errorBody('ATRIUM_ERR_PROXY_CLIENT_TIMEOUT'))
    return
  }
  // Oversized headers too: nginx answers those with 400 as well.
  socket.write(BAD_REQUEST_HEAD)
  socket.end(errorBody('ATRIUM_ERR_PROXY_BAD_REQUEST'))
}

/** How often, while closing, connections that finished their last request are closed. */
const CLOSE_IDLE_INTERVAL_MS = 50

/**
 * Stops accepting connections, closes idle keep-alive connections and resolves once the in-flight
 * requests have finished and their connections closed. Node's server.close() closes only the
 * connections idle at the time of the call; a connection whose request finishes later would stay
 * open until the keep-alive timeout, so idle connections are swept until the server has closed.
 */
export async function closeProxyServer (server: Server): Promise<void> {
  if (!server.listening) return
  const closed = new Promise<void>((resolve, reject) => {
    server.close((err) => { if (err === undefined) resolve(); else reject(err) })
  })
  const sweep = setInterval(() => server.closeIdleConnections(), CLOSE_IDLE_INTERVAL_MS)
  server.closeIdleConnections()
  closeTunnels(server)
  // HTTP/2: GOAWAY, then each connection closes once its open streams are done.
  for (const session of (server as WithSessions)[kSessions] ?? []) session.close()
  try {
    await closed
  } finally {
    clearInterval(sweep)
  }
}
