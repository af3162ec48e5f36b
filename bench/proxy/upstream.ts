// Bench upstream: a keep-alive node:http server answering every request with a small fixed body.
// Prints `{"port": N, "ports": [N, …]}` once listening on 127.0.0.1: one port, or as many as the
// first argument says (the same server on each: an upstream's targets without more processes).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const BODY = Buffer.from('{"hello":"world","atrium":"bench"}')
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  req.resume()
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length })
  res.end(BODY)
})
const count = Number(process.argv[2] ?? '1')
const ports: number[] = []
for (let i = 0; i < count; i++) {
  const extra = i === 0 ? server : createServer({ keepAliveTimeout: 60_000 }, (req, res) => server.emit('request', req, res))
  extra.listen(0, '127.0.0.1', () => {
    ports.push((extra.address() as AddressInfo).port)
    if (ports.length === count) process.stdout.write(`${JSON.stringify({ port: ports[0], ports })}\n`)
  })
}
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(); process.exit(0) })
