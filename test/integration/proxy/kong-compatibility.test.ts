// Regressions for divergences from Kong 3.9 found while porting Kong's router specs (issue #13);
// the ported spec cases themselves live in test/conformance/kong/.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rawHttp } from '../../support/raw-http.js'
import { echoHandler, startUpstream, type EchoReply } from '../../support/upstream.js'
import { startGateway } from '../../support/gateway.js'

test('a dot segment left after strip_path never reaches the upstream, also percent-encoded', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port, path: '/service' }],
    routes: [{ paths: ['/route'], strip_path: true }]
  })
  for (const target of ['/route../req', '/route%2E%2E/req', '/route%2e%2E/req', '/route./req', '/route%2E/req']) {
    const res = await rawHttp(gw.port, `GET ${target}?q=1 HTTP/1.1\r\nHost: x.test\r\nConnection: close\r\n\r\n`)
    assert.equal(res.status, 200, target)
    assert.equal((JSON.parse(res.body) as EchoReply).url, '/service/req?q=1', target)
  }
})

test('route header matching sees every line of a repeated header, also one Node keeps only the first of', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, {
    services: [{ host: '127.0.0.1', port: up.port }],
    routes: [{ name: 'by-location', headers: { location: ['my-location-2'] }, paths: ['/'] }]
  })
  // Node's parser keeps only the first Location line in req.headers (its discard list).
  const hit = await rawHttp(gw.port, 'GET /x HTTP/1.1\r\nHost: x.test\r\nLocation: my-location-3\r\nLocation: my-location-2\r\nConnection: close\r\n\r\n')
  assert.equal(hit.status, 200, hit.body)
  const miss = await rawHttp(gw.port, 'GET /x HTTP/1.1\r\nHost: x.test\r\nLocation: my-location-3\r\nLocation: foo\r\nConnection: close\r\n\r\n')
  assert.equal(miss.status, 404)
})

test('a request Node\'s parser refuses gets the gateway\'s JSON 400', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/'] }] })
  for (const request of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x.test\r\nBad Header: x\r\n\r\n']) {
    const res = await rawHttp(gw.port, request)
    assert.equal(res.status, 400, JSON.stringify(request))
    assert.match(res.head, /\r\ncontent-type: application\/json; charset=utf-8/i)
    assert.deepEqual(JSON.parse(res.body), { message: 'Bad request', code: 'ATRIUM_ERR_PROXY_BAD_REQUEST' })
  }
  assert.equal(up.requests, 0)
})

test('X-Forwarded-Path is the path as received, without the query', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, { services: [{ host: '127.0.0.1', port: up.port }], routes: [{ paths: ['/a'] }] })
  const res = await rawHttp(gw.port, 'GET /a/./b/../%63?x=/y HTTP/1.1\r\nHost: x.test\r\nConnection: close\r\n\r\n')
  assert.equal(res.status, 200)
  const reply = JSON.parse(res.body) as EchoReply
  assert.equal(reply.headers['x-forwarded-path'], '/a/./b/../%63')
  assert.equal(reply.url, '/c?x=/y')
})

test('a route host with a port takes a Host header without a port when the request arrived on that port', async (t) => {
  const up = await startUpstream(t, echoHandler)
  const gw = await startGateway(t, null)
  await gw.apply({
    services: [{ host: '127.0.0.1', port: up.port }],
    routes: [{ name: 'this-port', hosts: [`x.test:${gw.port}`] }, { name: 'other-port', hosts: [`y.test:${gw.port + 1}`] }]
  })
  const hit = await rawHttp(gw.port, 'GET /p HTTP/1.1\r\nHost: x.test\r\nConnection: close\r\n\r\n')
  assert.equal(hit.status, 200)
  assert.equal(up.requests, 1)
  const miss = await rawHttp(gw.port, 'GET / HTTP/1.1\r\nHost: y.test\r\nConnection: close\r\n\r\n')
  assert.equal(miss.status, 404)
})
