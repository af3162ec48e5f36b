import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'

export interface TestUpstream {
  server: Server
  port: number
  /** Requests received so far. */
  requests: number
}

/**
 * A real node:http upstream on 127.0.0.1 (or another loopback address: targets whose name resolves
 * to several addresses), port 0 unless given, closed (connections too) when the test ends.
 */
export async function startUpstream (
  t: TestContext,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  at: { host?: string, port?: number } = {}
): Promise<TestUpstream> {
  const upstream: TestUpstream = { server: createServer(), port: 0, requests: 0 }
  upstream.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    upstream.requests++
    handler(req, res)
  })
  upstream.server.listen(at.port ?? 0, at.host ?? '127.0.0.1')
  await once(upstream.server, 'listening')
  upstream.port = (upstream.server.address() as AddressInfo).port
  t.after(async () => {
    upstream.server.closeAllConnections()
    upstream.server.close()
  })
  return upstream
}

export interface EchoReply {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  rawHeaders: string[]
  bodyLength: number
  bodySha256: string
}

/** An upstream that answers 200 with what it received: method, target, headers, body length and hash. */
export function echoHandler (req: IncomingMessage, res: ServerResponse): void {
  const hash = createHash('sha256')
  let length = 0
  req.on('data', (c: Buffer) => { hash.update(c); length += c.length })
  req.on('end', () => {
    const reply: EchoReply = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      bodyLength: length,
      bodySha256: hash.digest('hex')
    }
    const body = JSON.stringify(reply)
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export { freePort as refusedPort } from './free-port.js'
