import { createServer, type Server } from 'node:http'

/**
 * DEMO ONLY: a tiny upstream that answers every request with a JSON description of what it received,
 * so the quick start proxies something on a machine with no internet. `atrium start` runs it on
 * --demo-listen (DEFAULT_DEMO_LISTEN in src/defaults.ts); it is not part of the gateway.
 */
export function createEchoUpstream (): Server {
  return createServer((req, res) => {
    let bytes = 0
    req.on('data', (chunk: Buffer) => { bytes += chunk.length })
    req.on('end', () => {
      const body = JSON.stringify({
        service: 'atrium demo echo upstream',
        method: req.method,
        url: req.url,
        headers: req.headers,
        body_bytes: bytes
      }, null, 2) + '\n'
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    })
  })
}
