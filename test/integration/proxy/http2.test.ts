import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import type { IncomingMessage } from 'node:http'
import type { DataPlane } from '../../../src/data-plane/data-plane.js'
import { startTlsNode } from '../../support/tls-node.js'
import { httpCall } from '../../support/http-client.js'
import { selfSigned } from '../../support/tls-cert.js'
import { echoHandler, refusedPort, startUpstream, type EchoReply } from '../../support/upstream.js'

// HTTP/2 on the TLS listener, with a node:http2 client: chosen by ALPN (HTTP/1.1 for clients that
// do not offer h2, on the same port), the pseudo-headers mapped to Host/method/path, plugins,
// routing, metrics and gateway errors as over HTTP/1.1, bodies streamed both ways under flow
// control, a client's reset aborting the upstream call, and the advertised stream and header limits.

const certificate = selfSigned(['h2.example.test'])

interface H2Node { dp: DataPlane, port: number, statusPort: number }

async function startH2Node (t: TestContext, doc: Record<string, unknown>): Promise<H2Node> {
  const node = await startTlsNode(t, doc, { certificate })
  return { dp: node.dp, port: node.tlsPort, statusPort: node.dp.statusAddress.port }
}

async function session (t: TestContext, node: H2Node): Promise<ClientHttp2Session> {
  const s = connect(`https://127.0.0.1:${node.port}`, { ca: certificate.cert, servername: 'h2.example.test' })
  t.after(() => s.destroy())
  // The server's SETTINGS frame, so remoteSettings holds its limits.
  await once(s, 'remoteSettings')
  return s
}

interface H2Response { headers: IncomingHttpHeaders, body: Buffer }

async function h2 (s: ClientHttp2Session, headers: Record<string, string | string[]>, body?: Buffer | string): Promise<H2Response> {
  const stream = s.request(headers, { endStream: body === undefined })
  if (body !== undefined) stream.end(body)
  const [responseHeaders] = await once(stream, 'response') as [IncomingHttpHeaders]
  const chunks: Buffer[] = []
  stream.on('data', (c: Buffer) => chunks.push(c))
  await once(stream, 'end')
  return { headers: responseHeaders, body: Buffer.concat(chunks) }
}

function echo (res: H2Response): EchoReply {
  return JSON.parse(res.body.toString()) as EchoReply
}

test('a client offering h2 gets HTTP/2 and one offering only http/1.1 gets HTTP/1.1, on the same port; pseudo-headers become Host, method and path', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startH2Node(t, {
    _format_version: '3.0',
    services: [{
      name: 'api',
      url: `http://127.0.0.1:${upstream.port}/base`,
      routes: [
        { name: 'by-host', hosts: ['h2.example.test'], paths: ['/v1'], methods: ['POST'] },
        { name: 'other', paths: ['/'] }
      ]
    }]
  })
  const s = await session(t, node)
  assert.equal(s.alpnProtocol, 'h2')
  const res = await h2(s, { ':method': 'POST', ':path': '/v1/orders?x=1', ':authority': 'h2.example.test', cookie: ['a=1', 'b=2'], 'x-custom': 'yes' }, 'order body')
  assert.equal(res.headers[':status'], 200)
  const got = echo(res)
  assert.equal(got.method, 'POST')
  assert.equal(got.url, '/base/orders?x=1')
  assert.equal(got.headers.host, '127.0.0.1:' + String(upstream.port), 'the service host, not preserve_host')
  assert.equal(got.headers['x-forwarded-host'], 'h2.example.test', ':authority is the request\'s host')
  assert.equal(got.headers['x-forwarded-proto'], 'https')
  assert.equal(got.headers['x-forwarded-port'], String(node.port))
  assert.equal(got.headers.cookie, 'a=1; b=2', 'cookie fields are joined into one header for the HTTP/1.1 upstream')
  assert.equal(got.headers['x-custom'], 'yes')
  assert.equal(got.bodyLength, 'order body'.length)
  assert.equal(got.rawHeaders.filter((h) => h.startsWith(':')).length, 0, 'no pseudo-header reaches the upstream')
  // A GET without :authority matching only the catch-all route.
  const other = await h2(s, { ':method': 'GET', ':path': '/v1/orders' })
  assert.equal(echo(other).url, '/base/v1/orders', 'GET does not match the POST-only route')

  // HTTP/1.1 over TLS on the same listener.
  const viaH1 = await new Promise<IncomingMessage>((resolve, reject) => {
    const options = { host: '127.0.0.1', port: node.port, path: '/v1/x', method: 'POST', headers: { host: 'h2.example.test' }, ca: certificate.cert, servername: 'h2.example.test', ALPNProtocols: ['http/1.1'] }
    const req = httpsRequest(options as RequestOptions, resolve)
    req.on('error', reject)
    req.end('h1')
  })
  assert.equal(viaH1.httpVersion, '1.1')
  assert.equal(viaH1.statusCode, 200)
  viaH1.resume()
})

test('plugins, gateway errors and metrics behave as over HTTP/1.1', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startH2Node(t, {
    _format_version: '3.0',
    consumers: [{ username: 'alice', keyauth_credentials: [{ key: 'k1' }] }],
    services: [
      {
        name: 'api',
        url: `http://127.0.0.1:${upstream.port}`,
        routes: [{ name: 'guarded', paths: ['/guarded'] }],
        plugins: [{ name: 'key-auth' }, { name: 'response-transformer', config: { add: { headers: ['x-added:1'] } } }]
      },
      { name: 'down', url: `http://127.0.0.1:${await refusedPort()}`, retries: 0, routes: [{ name: 'down', paths: ['/down'] }] }
    ]
  })
  const s = await session(t, node)
  const refused = await h2(s, { ':path': '/guarded' })
  assert.equal(refused.headers[':status'], 401)
  assert.equal(JSON.parse(refused.body.toString()).message, 'No API key found in request')
  const ok = await h2(s, { ':path': '/guarded', apikey: 'k1' })
  assert.equal(ok.headers[':status'], 200)
  assert.equal(ok.headers['x-added'], '1')
  assert.equal(echo(ok).headers['x-consumer-username'], 'alice')

  const missing = await h2(s, { ':path': '/nowhere' })
  assert.equal(missing.headers[':status'], 404)
  assert.deepEqual(JSON.parse(missing.body.toString()), { message: 'no Route matched with those values', code: 'ATRIUM_ERR_PROXY_NO_ROUTE' })
  // A POST with a body to a refused upstream: over HTTP/1.1 this answer carries Connection: close,
  // which HTTP/2 forbids; the stream gets the 502 and the session stays usable.
  const down = await h2(s, { ':method': 'POST', ':path': '/down' }, Buffer.alloc(100_000, 1))
  assert.equal(down.headers[':status'], 502)
  assert.equal(down.headers.connection, undefined)
  assert.equal((await h2(s, { ':path': '/guarded', apikey: 'k1' })).headers[':status'], 200, 'the session still serves')

  const metrics = (await httpCall(`http://127.0.0.1:${node.statusPort}/metrics`)).body.split('\n')
  const count = (route: string, code: number): number => {
    const line = metrics.find((l) => l.startsWith('atrium_http_requests_total{') && l.includes(`route="${route}"`) && l.includes(`code="${code}"`))
    return line === undefined ? 0 : Number(line.split(' ').pop())
  }
  assert.equal(count('guarded', 401), 1)
  assert.equal(count('guarded', 200), 2)
  assert.equal(count('down', 502), 1)
})

test('large bodies stream both ways under flow control, intact', async (t) => {
  const size = 48 * 1024 * 1024
  const upstream = await startUpstream(t, (req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      let sent = 0
      const chunk = Buffer.alloc(64 * 1024)
      for (let i = 0; i < chunk.length; i++) chunk[i] = i % 253
      const pump = (): void => {
        while (sent < size) {
          sent += chunk.length
          if (!res.write(chunk)) { res.once('drain', pump); return }
        }
        res.end()
      }
      pump()
      return
    }
    echoHandler(req, res)
  })
  const node = await startH2Node(t, { _format_version: '3.0', services: [{ url: `http://127.0.0.1:${upstream.port}`, routes: [{ paths: ['/'] }] }] })
  const s = await session(t, node)

  // Upload: written in chunks as the stream accepts them.
  const upload = s.request({ ':method': 'PUT', ':path': '/up' })
  const expected = createHash('sha256')
  const piece = Buffer.alloc(256 * 1024)
  for (let sent = 0, n = 0; sent < size; sent += piece.length, n++) {
    piece.fill(n % 256)
    expected.update(piece)
    if (!upload.write(piece)) await once(upload, 'drain')
  }
  upload.end()
  const [uploadHeaders] = await once(upload, 'response') as [IncomingHttpHeaders]
  const chunks: Buffer[] = []
  upload.on('data', (c: Buffer) => chunks.push(c))
  await once(upload, 'end')
  assert.equal(uploadHeaders[':status'], 200)
  const reply = JSON.parse(Buffer.concat(chunks).toString()) as EchoReply
  assert.equal(reply.bodyLength, size)
  assert.equal(reply.bodySha256, expected.digest('hex'))

  // Download: read slowly at first, so flow control has to hold the upstream back.
  const download = s.request({ ':path': '/down' })
  const got = createHash('sha256')
  const want = createHash('sha256')
  const chunk = Buffer.alloc(64 * 1024)
  for (let i = 0; i < chunk.length; i++) chunk[i] = i % 253
  for (let sent = 0; sent < size; sent += chunk.length) want.update(chunk)
  let received = 0
  download.pause()
  await new Promise((resolve) => setTimeout(resolve, 300))
  download.on('data', (c: Buffer) => { received += c.length; got.update(c) })
  download.resume()
  await once(download, 'end')
  assert.equal(received, size)
  assert.equal(got.digest('hex'), want.digest('hex'))
})

test('a stream the client resets aborts its upstream call; the session goes on', async (t) => {
  let upstreamClosed: (() => void) | null = null
  const closed = new Promise<void>((resolve) => { upstreamClosed = resolve })
  const upstream = await startUpstream(t, (req, res) => {
    if (req.url === '/slow') {
      res.writeHead(200)
      res.write('first')
      res.on('close', () => upstreamClosed?.())
      return // never ends
    }
    echoHandler(req, res)
  })
  const node = await startH2Node(t, { _format_version: '3.0', services: [{ url: `http://127.0.0.1:${upstream.port}`, routes: [{ paths: ['/'] }] }] })
  const s = await session(t, node)
  const stream = s.request({ ':path': '/slow' })
  await once(stream, 'response')
  await once(stream, 'data')
  stream.close(constants.NGHTTP2_CANCEL)
  await closed
  assert.equal((await h2(s, { ':path': '/after' })).headers[':status'], 200)
})

test('the listener advertises its stream and header-list limits and serves many streams on one connection', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startH2Node(t, { _format_version: '3.0', services: [{ url: `http://127.0.0.1:${upstream.port}`, routes: [{ paths: ['/'] }] }] })
  const s = await session(t, node)
  assert.equal(s.remoteSettings.maxConcurrentStreams, 128)
  assert.equal(s.remoteSettings.maxHeaderListSize, 32 * 1024)
  const all = await Promise.all(Array.from({ length: 100 }, async (_, i) => await h2(s, { ':path': `/n/${i}` })))
  assert.deepEqual(all.map((r) => echo(r).url), Array.from({ length: 100 }, (_, i) => `/n/${i}`))

  // A header list over the limit is refused without reaching the upstream.
  const before = upstream.requests
  const big = s.request({ ':path': '/big', 'x-big': 'v'.repeat(40 * 1024) })
  const outcome = await new Promise<string>((resolve) => {
    big.on('response', (h) => resolve(`status ${String(h[':status'])}`))
    big.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? ''}`))
    big.on('close', () => resolve(`closed ${big.rstCode}`))
  })
  assert.ok(/^(status 431|error|closed)/.test(outcome), outcome)
  assert.equal(upstream.requests, before)
})
