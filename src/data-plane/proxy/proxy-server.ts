import { createServer, type Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { Logger } from '../../log.js'
import type { GatewayState } from '../compiled-gateway.js'
import { errorBody, JSON_TYPE } from './error-response.js'
import { lingerOnClose } from './lingering-close.js'
import { createProxyRequestHandler } from './proxy-handler.js'
import { TLS_SETTINGS } from '../tls/certificate-selector.js'
import { closeTunnels, createUpgradeHandler } from './upgrade-request.js'

/** Idle client keep-alive connections are closed after this long (nginx/Kong: 60 s). */
const KEEP_ALIVE_TIMEOUT_MS = 60_000
/** Must exceed the keep-alive timeout, or a slow first header on a reused connection is cut short. */
const HEADERS_TIMEOUT_MS = 65_000

export interface ProxyServerOptions {
  state: GatewayState
  logger: Logger
  /**
   * A TLS listener: each handshake gets the certificate the serving config picks for its server
   * name (state.current.certificates, so a new config applies to new handshakes at once), else
   * this default.
   */
  tls?: { defaultCertificate: { cert: string, key: string } }
}

/**
 * A proxy listener, plain HTTP or TLS (not yet listening). requestTimeout is 0 so long uploads are
 * not cut off; idle and stalled peers are bounded by the keep-alive and headers timeouts.
 */
export function createProxyServer (options: ProxyServerOptions): Server {
  const http = {
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: 0,
    // The handler answers HTTP/1.1 without Host itself, with the gateway's JSON error (Node's own
    // answer is a bare 400).
    requireHostHeader: false
  }
  const handler = createProxyRequestHandler(options)
  const tls = options.tls
  const server: Server = tls === undefined
    ? createServer(http, handler)
    : createTlsServer({
      ...http,
      ...TLS_SETTINGS,
      // The default certificate (Kong's): for clients without SNI, and when SNICallback gives no context.
      cert: tls.defaultCertificate.cert,
      key: tls.defaultCertificate.key,
      SNICallback: (servername, cb) => {
        cb(null, options.state.current?.certificates?.contextFor(servername) ?? undefined)
      }
    }, handler) as unknown as Server
  // A client that resets mid-request must not crash the process.
  server.on('clientError', onClientError)
  // Requests with an Upgrade header (WebSocket handshakes) come here, not to the request listener.
  server.on('upgrade', createUpgradeHandler(handler))
  // A Connection: close answer to a request whose body is still arriving reaches the client intact.
  server.on(tls === undefined ? 'connection' : 'secureConnection', lingerOnClose)
  return server
}

/** Built once: the answer to a request Node's parser refuses (malformed request line or header). */
const BAD_REQUEST_HEAD = Buffer.from('HTTP/1.1 400 Bad Request\r\ncontent-type: ' + JSON_TYPE +
  `\r\ncontent-length: ${errorBody('ATRIUM_ERR_PROXY_BAD_REQUEST').length}\r\nconnection: close\r\n\r\n`)

/**
 * Requests Node's parser refuses never reach the handler; they get the gateway's JSON error here
 * (`{"message","code"}`, the same body as the handler's 400). A client that resets mid-request must
 * not crash the process, and a socket no longer writable is just closed.
 */
function onClientError (err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
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
  try {
    await closed
  } finally {
    clearInterval(sweep)
  }
}
