import assert from 'node:assert/strict'
import { request } from 'node:http'
import { once } from 'node:events'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { httpCall } from '../../support/http-client.js'
import { rawHttp } from '../../support/raw-http.js'
import { echoHandler, refusedPort, startUpstream } from '../../support/upstream.js'
import { startGateway } from '../../support/gateway.js'

test('answers 503 no configuration loaded before a config is applied', async (t) => {
  const gw = await startGateway(t, null)
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 503)
  assert.match(String(r.headers['content-type']), /^application\/json/)
  assert.deepEqual(JSON.parse(r.body), { message: 'no configuration loaded', code: 'ATRIUM_ERR_PROXY_NO_CONFIG' })
})

test('answers 404 when no route matches', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/only'] }] })
  const r = await httpCall(`${gw.url}/other`)
  assert.equal(r.status, 404)
  assert.deepEqual(JSON.parse(r.body), { message: 'no Route matched with those values', code: 'ATRIUM_ERR_PROXY_NO_ROUTE' })
  assert.equal(up.requests, 0)
})

test('answers 400 Bad request for a malformed request path', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const r = await rawHttp(gw.port, 'GET /a%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  assert.equal(r.status, 400)
  assert.deepEqual(JSON.parse(r.body), { message: 'Bad request', code: 'ATRIUM_ERR_PROXY_BAD_REQUEST' })
  assert.equal(up.requests, 0)
})

test('answers 426 Please use HTTPS protocol on plain HTTP to an https-only route', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'], protocols: ['https'] }] })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 426)
  assert.deepEqual(JSON.parse(r.body), { message: 'Please use HTTPS protocol', code: 'ATRIUM_ERR_PROXY_PROTOCOL' })
  assert.equal(up.requests, 0)
})

test('answers 502 when the upstream refuses the connection', async (t) => {
  const port = await refusedPort()
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port, retries: 1 }], routes: [{ paths: ['/'] }] })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 502)
  assert.deepEqual(JSON.parse(r.body), { message: 'An invalid response was received from the upstream server', code: 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE' })
})

test('answers a POST with a body to a refused upstream with a 502 JSON response, not a reset', async (t) => {
  const port = await refusedPort()
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port, retries: 2 }], routes: [{ paths: ['/'] }] })
  const body = Buffer.alloc(256 * 1024, 'x')
  const r = await httpCall(`${gw.url}/upload`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: body.toString() })
  assert.equal(r.status, 502)
  assert.deepEqual(JSON.parse(r.body), { message: 'An invalid response was received from the upstream server', code: 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE' })
  // Same for a chunked body.
  const chunked = await rawHttp(gw.port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n')
  assert.equal(chunked.status, 502)
  assert.deepEqual(JSON.parse(chunked.body), { message: 'An invalid response was received from the upstream server', code: 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE' })
})

test('answers 502 when the upstream resets the connection before answering', async (t) => {
  const up = await startUpstream(t, (req) => { req.socket.destroy() })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port, retries: 0 }], routes: [{ paths: ['/'] }] })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 502)
})

test('answers 502 without retrying when the upstream sends an unparseable response', async (t) => {
  const up = await startUpstream(t, (req) => { req.socket.end('HTTP/1.1 abc nonsense\r\n\r\n') })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port, retries: 3 }], routes: [{ paths: ['/'] }] })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 502)
  assert.equal(up.requests, 1)
})

test('answers 503 name resolution failed when the upstream host does not resolve', async (t) => {
  const gw = await startGateway(t, { services: [{ host: 'no-such-host.invalid', port: 80, retries: 0 }], routes: [{ paths: ['/'] }] })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 503)
  assert.deepEqual(JSON.parse(r.body), { message: 'name resolution failed', code: 'ATRIUM_ERR_PROXY_NAME_RESOLUTION' })
})

test('answers 504 when the upstream does not answer within read_timeout', async (t) => {
  const arrived: string[] = []
  const up = await startUpstream(t, (req) => { arrived.push(req.url ?? '') /* never answers */ })
  const gw = await startGateway(t, {
    services: [
      { host: '127.0.0.1', port: up.port, read_timeout: 3_600_000, retries: 0 },
      { host: '127.0.0.1', port: up.port, read_timeout: 300, retries: 0 }
    ],
    routes: [{ paths: ['/patient'], service: 0 }, { paths: ['/short'], service: 1 }]
  })
  // The request with an hour's read_timeout goes first: if the gateway ignored read_timeout and
  // timed both out alike, it would time out before the short one, not after.
  let patientSettled = false
  const patient = httpCall(`${gw.url}/patient`).finally(() => { patientSettled = true })
  patient.catch(() => {}) // ends with the test, when the gateway closes its connections
  while (arrived.length === 0) await sleep(5)
  const r = await httpCall(`${gw.url}/short`)
  assert.equal(r.status, 504)
  assert.deepEqual(JSON.parse(r.body), { message: 'The upstream server is timing out', code: 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT' })
  assert.deepEqual(arrived, ['/', '/'], 'both requests reached the upstream')
  assert.equal(patientSettled, false, 'the request with the long read_timeout is still waiting')
})

test('answers 504 when the upstream accepts no request body bytes within write_timeout', async (t) => {
  // The upstream never reads the body: its socket buffers fill up and the gateway's upload stalls.
  const up = await startUpstream(t, (req) => { req.pause() })
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port, write_timeout: 500, read_timeout: 60_000, retries: 0 }],
    routes: [{ paths: ['/'] }]
  })
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${gw.url}/`, { method: 'POST' }, (res) => { res.resume(); resolve(res.statusCode ?? 0) })
    req.on('error', reject)
    const chunk = Buffer.alloc(64 * 1024)
    let sent = 0
    const pump = (): void => {
      while (sent < 64 * 1024 * 1024) {
        sent += chunk.length
        if (!req.write(chunk)) { req.once('drain', pump); return }
      }
      req.end()
    }
    pump()
  })
  assert.equal(status, 504)
})

test('destroys the client response when the upstream fails after the response started', async (t) => {
  const up = await startUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '1000' })
    res.write('partial')
    setTimeout(() => res.socket?.destroy(), 50)
  })
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  const outcome = await new Promise<string>((resolve) => {
    const req = request(`${gw.url}/`, (res) => {
      res.on('data', () => {})
      res.on('end', () => resolve('end'))
      res.on('error', () => resolve('error'))
      res.on('aborted', () => resolve('aborted'))
    })
    req.on('error', () => resolve('error'))
    req.end()
  })
  assert.notEqual(outcome, 'end')
})

test('answers 502 to an upstream status outside 100–599 (nginx\'s "upstream sent invalid status"), without retrying it', async (t) => {
  let answered = 0
  const raw = createNetServer((socket) => {
    socket.once('data', () => {
      answered++
      socket.end('HTTP/1.1 999 Weird\r\ncontent-length: 2\r\n\r\nok')
    })
  })
  raw.listen(0, '127.0.0.1')
  await once(raw, 'listening')
  t.after(() => raw.close())
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: (raw.address() as AddressInfo).port, retries: 3 }], routes: [{ paths: ['/'] }] })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 502)
  assert.equal(JSON.parse(r.body).code, 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE')
  assert.equal(answered, 1)
})
