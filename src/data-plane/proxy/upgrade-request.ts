import { ServerResponse, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { sendErrorResponse } from './error-response.js'
import { endSocket, openTunnel } from './websocket-tunnel.js'

// Requests with an `Upgrade` header. Node hands them to the server's 'upgrade' listener with the raw
// socket instead of a response; this module gives them a ServerResponse on that socket so they take
// the same path as any request (route match, plugins on the handshake, metrics). The proxy asks
// undici to upgrade the upstream request; when the upstream answers 101, completeUpgrade relays it
// and turns the two sockets into a tunnel (websocket-tunnel.ts). Any other answer (a plugin's 401,
// the upstream's 403, a gateway 502) is an ordinary response, after which the connection closes:
// Node's HTTP parser left this socket, so it cannot carry another request.
//
// Only `Upgrade: websocket` is upgraded (Kong's runloop sets the upstream Upgrade header only for
// websocket); another protocol (h2c) is served as a plain request, its Upgrade header dropped as
// hop-by-hop. Node does not parse the body of a request it upgrades, so one that declares a body is
// refused with 400 rather than forwarded without it.

const kHead = Symbol('atrium.upgradeHead')
const kWebSocket = Symbol('atrium.webSocket')
const kTunnels = Symbol('atrium.tunnels')
const kTunnel = Symbol('atrium.upgraded')

interface UpgradeRequest extends IncomingMessage {
  [kHead]?: Buffer
  [kWebSocket]?: boolean
  /** The server's open tunnels (client sockets), which closeTunnels ends at shutdown. */
  [kTunnels]?: Set<Socket>
}

interface WithTunnels { [kTunnels]?: Set<Socket> }

/** A WebSocket handshake the proxy must upgrade upstream too. */
export function isWebSocketHandshake (req: IncomingMessage): boolean {
  return (req as UpgradeRequest)[kWebSocket] === true
}

interface UpgradeResponse extends ServerResponse {
  [kTunnel]?: boolean
}

function isWebSocket (upgrade: string | undefined): boolean {
  return upgrade !== undefined && upgrade.trim().toLowerCase() === 'websocket'
}

/** The server's 'upgrade' listener, serving the request through `handler`. */
export function createUpgradeHandler (handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return function onUpgrade (this: WithTunnels, req: IncomingMessage, duplex: Duplex, head: Buffer): void {
    const socket = duplex as Socket
    // Until a tunnel reads them, bytes after the request head stay in the socket (no listener reads
    // it any more: Node removed its parser).
    socket.pause()
    const res = new ServerResponse(req) as UpgradeResponse
    res.shouldKeepAlive = false
    res.assignSocket(socket)
    res.on('finish', onResponseFinish)
    socket.on('error', onSocketError)
    const headers = req.headers
    if (headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0')) {
      sendErrorResponse(res, 'ATRIUM_ERR_PROXY_BAD_REQUEST', true)
      return
    }
    ;(req as UpgradeRequest)[kWebSocket] = isWebSocket(headers.upgrade)
    ;(req as UpgradeRequest)[kHead] = head
    ;(req as UpgradeRequest)[kTunnels] = this[kTunnels] ??= new Set()
    handler(req, res)
  }
}

/** The response was not a 101: once it is written, the connection closes (res 'close' follows). */
function onResponseFinish (this: UpgradeResponse): void {
  if (this[kTunnel] === true) return
  if (this.socket !== null) endSocket(this.socket as Socket)
}

function onSocketError (this: Socket): void {
  this.destroy()
}

/**
 * The upstream answered 101: writes it to the client (`headers` the client response headers,
 * without the hop-by-hop ones, which this adds back), ends the handshake's response (res 'close',
 * so metrics and the log phase count the handshake now, not when the tunnel ends) and opens the
 * tunnel. `opened`/`closed` bracket the tunnel's life. False when Node refuses the headers (nothing
 * written; the caller answers an error).
 */
export function completeUpgrade (req: IncomingMessage, res: ServerResponse, headers: string[], upstream: Socket, idleMs: number, opened: () => void, closed: () => void): boolean {
  const socket = res.socket as Socket | null
  if (socket === null || socket.destroyed) {
    upstream.destroy()
    return true
  }
  headers.push('connection', 'upgrade', 'upgrade', 'websocket')
  try {
    res.writeHead(101, headers)
  } catch {
    return false
  }
  ;(res as UpgradeResponse)[kTunnel] = true
  res.end()
  res.detachSocket(socket)
  socket.removeListener('error', onSocketError)
  res.emit('close')
  const head = (req as UpgradeRequest)[kHead] ?? Buffer.alloc(0)
  const tunnels = (req as UpgradeRequest)[kTunnels]
  tunnels?.add(socket)
  opened()
  openTunnel(socket, upstream, head, idleMs, () => {
    tunnels?.delete(socket)
    closed()
  })
  return true
}

/**
 * Shutdown: the server stopped accepting; its tunnels would hold it open as long as their peers
 * talk, so each is ended now (what was written is flushed first; the tunnel then closes its
 * upstream side too).
 */
export function closeTunnels (server: object): void {
  for (const socket of (server as WithTunnels)[kTunnels] ?? []) endSocket(socket)
}
