import assert from 'node:assert/strict'
import { test } from 'node:test'
import { httpCall } from '../../support/http-client.js'
import { rawHttp } from '../../support/raw-http.js'
import { echoHandler, startUpstream, type EchoReply } from '../../support/upstream.js'
import { startGateway } from '../../support/gateway.js'

test('routes each request to its service with the Kong upstream path and the query unchanged', async (t) => {
  const a = await startUpstream(t, echoHandler)
  const b = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, {
    services: [
      { host: '127.0.0.1', port: a.port, path: '/base' },
      { host: '127.0.0.1', port: b.port }
    ],
    routes: [
      { service: 0, paths: ['/a'], strip_path: true },
      { service: 1, paths: ['/b'], strip_path: false }
    ]
  })
  const ra = await httpCall(`${gw.url}/a/x/y?q=1&r=%20two`)
  assert.equal(ra.status, 200)
  assert.equal((JSON.parse(ra.body) as EchoReply).url, '/base/x/y?q=1&r=%20two')
  assert.equal(a.requests, 1)

  const rb = await httpCall(`${gw.url}/b/z?flag`)
  assert.equal(rb.status, 200)
  assert.equal((JSON.parse(rb.body) as EchoReply).url, '/b/z?flag')
  assert.equal(b.requests, 1)
})

test('sends the service host as Host, with the port when it is not the default', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port }],
    routes: [{ paths: ['/'] }]
  })
  const r = await httpCall(`${gw.url}/`, { headers: { host: 'client.example.com' } })
  assert.equal((JSON.parse(r.body) as EchoReply).headers.host, `127.0.0.1:${up.port}`)
})

test('sends the client Host when the route preserves the host', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port }],
    routes: [{ paths: ['/'], preserve_host: true }]
  })
  const r = await httpCall(`${gw.url}/`, { headers: { host: 'Client.Example.com:8443' } })
  assert.equal((JSON.parse(r.body) as EchoReply).headers.host, 'Client.Example.com:8443')
})

test('sets X-Real-IP and every X-Forwarded-* header, overwriting client values and appending to X-Forwarded-For', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port }],
    routes: [{ paths: ['/api'], strip_path: true }]
  })
  const r = await httpCall(`${gw.url}/api/./v1//items?x=1`, {
    headers: {
      host: 'Shop.Example.com:9000',
      'x-forwarded-for': '203.0.113.7',
      'x-real-ip': '203.0.113.8',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-port': '1',
      'x-forwarded-path': '/evil',
      'x-forwarded-prefix': '/evil'
    }
  })
  const h = (JSON.parse(r.body) as EchoReply).headers
  assert.equal(h['x-forwarded-for'], '203.0.113.7, 127.0.0.1')
  assert.equal(h['x-real-ip'], '127.0.0.1')
  assert.equal(h['x-forwarded-proto'], 'http')
  assert.equal(h['x-forwarded-host'], 'shop.example.com')
  assert.equal(h['x-forwarded-port'], String(gw.port))
  // As received, not normalised (Kong: ctx.request_uri up to `?`).
  assert.equal(h['x-forwarded-path'], '/api/v1//items')
  assert.equal(h['x-forwarded-prefix'], '/api')
})

test('sets X-Forwarded-For to the client address alone and sends no X-Forwarded-Prefix when nothing was stripped', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port }],
    routes: [{ paths: ['/api'], strip_path: false }]
  })
  const r = await httpCall(`${gw.url}/api/v1`, { headers: { 'x-forwarded-prefix': '/evil' } })
  const h = (JSON.parse(r.body) as EchoReply).headers
  assert.equal(h['x-forwarded-for'], '127.0.0.1')
  assert.equal(h['x-forwarded-prefix'], undefined)
  assert.equal(h['x-forwarded-path'], '/api/v1')
})

test('drops hop-by-hop request headers and every header the Connection header names', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port }],
    routes: [{ paths: ['/'] }]
  })
  const r = await rawHttp(gw.port, [
    'POST / HTTP/1.1',
    'Host: gw.example',
    'Connection: keep-alive, X-Foo',
    'X-Foo: secret',
    'X-Bar: kept',
    'Keep-Alive: timeout=5',
    'Proxy-Authorization: Basic abc',
    'Proxy-Connection: keep-alive',
    'TE: trailers',
    'Trailer: X-Sum',
    'Upgrade: h2c',
    'Transfer-Encoding: chunked',
    '', '5', 'hello', '0', '', ''
  ].join('\r\n'))
  assert.equal(r.status, 200)
  const reply = JSON.parse(r.body) as EchoReply
  assert.equal(reply.bodyLength, 5)
  const names = reply.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())
  for (const dropped of ['x-foo', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding']) {
    assert.ok(!names.includes(dropped), `${dropped} must not reach the upstream`)
  }
  assert.equal(reply.headers['x-bar'], 'kept')
})

test('passes status, reason and headers through, several Set-Cookie included, without hop-by-hop headers', async (t) => {
  const up = await startUpstream(t, (_req, res) => {
    res.writeHead(201, 'Made It', [
      'Set-Cookie', 'a=1; Path=/',
      'Set-Cookie', 'b=2; HttpOnly',
      'X-Custom', 'yes',
      'Connection', 'X-Secret',
      'X-Secret', 'hidden',
      'Keep-Alive', 'timeout=5',
      'Proxy-Authenticate', 'Basic',
      'Content-Length', '2'
    ])
    res.end('ok')
  })
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port }],
    routes: [{ paths: ['/'] }]
  })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 201)
  assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly'])
  assert.equal(r.headers['x-custom'], 'yes')
  assert.equal(r.headers['x-secret'], undefined)
  assert.equal(r.headers['proxy-authenticate'], undefined)
  assert.equal(r.headers['content-length'], '2')
  assert.equal(r.body, 'ok')
})
