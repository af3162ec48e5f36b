import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { Agent, request, type IncomingHttpHeaders } from 'node:http'
import { test } from 'node:test'
import { rawHttpUntilClose } from '../../support/raw-http.js'
import { echoHandler, startUpstream, type EchoReply } from '../../support/upstream.js'
import { startGateway } from '../../support/gateway.js'

const PAYLOAD = randomBytes(3 * 1024 * 1024 + 17)
const PAYLOAD_SHA = createHash('sha256').update(PAYLOAD).digest('hex')

interface BinaryResponse { status: number, headers: IncomingHttpHeaders, body: Buffer }

/** Sends `body` in 64 KiB writes: chunked unless a content-length is given. */
function send (url: string, method: string, body: Buffer | null, headers: Record<string, string> = {}): Promise<BinaryResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    if (body !== null) {
      for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536))
    }
    req.end()
  })
}

test('streams a content-length request body to the upstream byte for byte', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const r = await send(`${gw.url}/up`, 'POST', PAYLOAD, { 'content-length': String(PAYLOAD.length) })
  const reply = JSON.parse(r.body.toString()) as EchoReply
  assert.equal(reply.headers['content-length'], String(PAYLOAD.length))
  assert.equal(reply.bodyLength, PAYLOAD.length)
  assert.equal(reply.bodySha256, PAYLOAD_SHA)
})

test('streams a chunked request body to the upstream byte for byte', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const r = await send(`${gw.url}/up`, 'PUT', PAYLOAD)
  const reply = JSON.parse(r.body.toString()) as EchoReply
  assert.equal(reply.method, 'PUT')
  assert.equal(reply.headers['transfer-encoding'], 'chunked')
  assert.equal(reply.bodyLength, PAYLOAD.length)
  assert.equal(reply.bodySha256, PAYLOAD_SHA)
})

test('streams content-length and chunked response bodies back byte for byte', async (t) => {
  const up = await startUpstream(t, (req, res) => {
    if (req.url === '/fixed') res.writeHead(200, { 'content-length': String(PAYLOAD.length) })
    else res.writeHead(200)
    for (let i = 0; i < PAYLOAD.length; i += 100_000) res.write(PAYLOAD.subarray(i, i + 100_000))
    res.end()
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const fixed = await send(`${gw.url}/fixed`, 'GET', null)
  assert.equal(fixed.headers['content-length'], String(PAYLOAD.length))
  assert.equal(createHash('sha256').update(fixed.body).digest('hex'), PAYLOAD_SHA)
  const chunked = await send(`${gw.url}/chunked`, 'GET', null)
  assert.equal(chunked.headers['transfer-encoding'], 'chunked')
  assert.equal(createHash('sha256').update(chunked.body).digest('hex'), PAYLOAD_SHA)
})

test('sends no body for HEAD, 204 and 304 responses and keeps the connection usable', async (t) => {
  const up = await startUpstream(t, (req, res) => {
    if (req.url === '/204') { res.writeHead(204); res.end(); return }
    if (req.url === '/304') { res.writeHead(304, { etag: '"v1"' }); res.end(); return }
    res.writeHead(200, { 'content-length': '5', 'content-type': 'text/plain' })
    res.end(req.method === 'HEAD' ? undefined : 'hello')
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const head = await send(`${gw.url}/x`, 'HEAD', null)
  assert.equal(head.status, 200)
  assert.equal(head.headers['content-length'], '5')
  assert.equal(head.body.length, 0)
  const noContent = await send(`${gw.url}/204`, 'GET', null)
  assert.equal(noContent.status, 204)
  assert.equal(noContent.body.length, 0)
  const notModified = await send(`${gw.url}/304`, 'GET', null)
  assert.equal(notModified.status, 304)
  assert.equal(notModified.headers.etag, '"v1"')
  assert.equal(notModified.body.length, 0)
  // Two requests on one connection: the first response must be delimited correctly.
  const all = await rawHttpUntilClose(gw.port, 'HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
  assert.equal(all.split('HTTP/1.1 200 OK\r\n').length, 3)
  assert.ok(all.endsWith('\r\n\r\nhello'))
})

test('forwards an empty POST with content-length 0', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const r = await send(`${gw.url}/`, 'POST', Buffer.alloc(0), { 'content-length': '0' })
  const reply = JSON.parse(r.body.toString()) as EchoReply
  assert.equal(reply.method, 'POST')
  assert.equal(reply.bodyLength, 0)
  assert.equal(reply.headers['content-length'], '0')
})

test('closes the client connection when the upstream answers before the request body was sent, so the next request still works', async (t) => {
  const up = await startUpstream(t, (_req, res) => {
    res.writeHead(401, { 'content-length': '6' })
    res.end('denied')
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.after(() => agent.destroy())
  const call = (method: string, body: Buffer | null): Promise<{ status: number, connection: string | undefined }> =>
    new Promise((resolve, reject) => {
      const req = request(`${gw.url}/`, { agent, method }, (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }))
      })
      req.on('error', reject)
      req.end(body ?? undefined)
    })
  const early = await call('POST', Buffer.alloc(8 * 1024 * 1024))
  assert.deepEqual(early, { status: 401, connection: 'close' })
  const next = await call('GET', null)
  assert.deepEqual(next, { status: 401, connection: 'keep-alive' })
})

test('accepts a request sent with Expect: 100-continue and forwards its body without the Expect header', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const reply = await new Promise<EchoReply>((resolve, reject) => {
    const req = request(`${gw.url}/`, { method: 'POST', headers: { expect: '100-continue', 'content-length': '5' } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => resolve(JSON.parse(body) as EchoReply))
    })
    req.on('continue', () => req.end('hello'))
    req.on('error', reject)
    req.flushHeaders()
  })
  assert.equal(reply.bodyLength, 5)
  assert.equal(reply.headers.expect, undefined)
})
