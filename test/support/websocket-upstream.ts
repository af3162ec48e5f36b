import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { WebSocketServer, type WebSocket } from 'ws'

export interface WebSocketUpstream {
  port: number
  /** The handshake requests received, in order. */
  handshakes: IncomingMessage[]
  /** The server side of each connection, in order. */
  sockets: WebSocket[]
  /** Plain HTTP requests (no upgrade) and what they carried. */
  plain: IncomingMessage[]
  server: Server
}

/**
 * A real WebSocket server on 127.0.0.1 (ws over node:http, or node:https with `tls`) that echoes
 * every message back (text as text, binary as binary), and answers 200 `plain` to requests that
 * do not upgrade. `refuse` answers every handshake with that status instead of 101.
 */
export async function startWebSocketUpstream (t: TestContext, options: { tls?: { cert: string, key: string }, refuse?: number } = {}): Promise<WebSocketUpstream> {
  const server = options.tls === undefined ? createServer() : createTlsServer(options.tls) as unknown as Server
  const upstream: WebSocketUpstream = { port: 0, handshakes: [], sockets: [], plain: [], server }
  const wss = new WebSocketServer({ noServer: true })
  server.on('request', (req, res) => {
    upstream.plain.push(req)
    req.resume()
    req.on('end', () => res.end('plain'))
  })
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    upstream.handshakes.push(req)
    if (options.refuse !== undefined) {
      socket.end(`HTTP/1.1 ${options.refuse} Refused\r\ncontent-length: 7\r\nconnection: close\r\n\r\nrefused`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      upstream.sockets.push(ws)
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  upstream.port = (server.address() as AddressInfo).port
  t.after(() => {
    for (const ws of upstream.sockets) ws.terminate()
    server.closeAllConnections()
    server.close()
  })
  return upstream
}
