// Bench upstream: a keep-alive node:http server answering every request with a small fixed body.
// Prints `{"port": N}` once listening on 127.0.0.1.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const BODY = Buffer.from('{"hello":"world","atrium":"bench"}')
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume()
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length })
  res.end(BODY)
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(); process.exit(0) })
