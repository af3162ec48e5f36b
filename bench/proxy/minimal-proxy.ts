// Baseline (b): the smallest reasonable pass-through proxy: node:http + one undici Pool, Pool.stream,
// no routing, minimal hop-by-hop handling. Usage: node minimal-proxy.js <upstream port>
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'

const upstreamPort = Number(process.argv[2])
const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { keepAliveTimeout: 60_000, pipelining: 1 })
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection'])

function strip (headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const k in headers) if (!HOP.has(k) && headers[k] !== undefined) out[k] = headers[k] as string | string[]
  return out
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req: IncomingMessage, res: ServerResponse) => {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined
  pool.stream({ path: req.url ?? '/', method: req.method as 'GET', headers: strip(req.headers), body: hasBody ? req : null, opaque: res },
    ({ statusCode, headers, opaque }) => {
      const out = opaque as ServerResponse
      out.writeHead(statusCode, strip(headers))
      return out
    },
    (err) => {
      if (err !== null && !res.headersSent) { res.statusCode = 502; res.end() } else if (err !== null) res.destroy()
    })
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(); void pool.destroy(); process.exit(0) })
