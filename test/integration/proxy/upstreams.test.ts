import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { test } from 'node:test'
import { errors as undiciErrors } from 'undici'
import { systemResolver } from '../../../src/data-plane/balancer/target-resolver.js'
import { buildUpstreams } from '../../../src/data-plane/proxy/upstreams.js'
import { classifyUpstreamError, UpstreamWriteTimeoutError } from '../../../src/data-plane/proxy/upstream-errors.js'
import { httpCall } from '../../support/http-client.js'
import { gatewayConfig, startGateway } from '../../support/gateway.js'
import { selfSignedLocalhost } from '../../support/tls-cert.js'

test('shares one pool between services with the same origin and timeouts, and carries it over a rebuild', async () => {
  const first = buildUpstreams(gatewayConfig({
    services: [
      { host: '127.0.0.1', port: 9001 },
      { host: '127.0.0.1', port: 9001, read_timeout: 5, path: '/other' },
      { host: '127.0.0.1', port: 9002 },
      { host: '127.0.0.1', port: 9001, connect_timeout: 5 }
    ],
    routes: []
  }), null, systemResolver())
  assert.equal(first.size, 3)
  assert.equal(first.pool(0), first.pool(1))
  assert.notEqual(first.pool(0), first.pool(2))
  assert.notEqual(first.pool(0), first.pool(3))
  assert.equal(first.hostHeader(0), '127.0.0.1:9001')

  const second = buildUpstreams(gatewayConfig({
    services: [{ host: '127.0.0.1', port: 9002 }, { host: '127.0.0.1', port: 9003 }],
    routes: []
  }), first, systemResolver())
  assert.equal(second.pool(0), first.pool(2))
  const dropped = [first.pool(0), first.pool(3)]
  await first.retire(second)
  for (const pool of dropped) assert.equal(pool?.closed, true)
  assert.equal(second.pool(0)?.closed, false)
  await second.close()
  assert.equal(second.pool(1)?.closed, true)
})

test('omits the port from Host for the protocol default port and brackets IPv6 hosts', () => {
  const set = buildUpstreams(gatewayConfig({
    services: [
      { host: 'a.example', port: 80 },
      { host: 'a.example', port: 443, protocol: 'https' },
      { host: 'a.example', port: 443 },
      { host: '::1', port: 8080 }
    ],
    routes: []
  }), null, systemResolver())
  assert.deepEqual([0, 1, 2, 3].map((i) => set.hostHeader(i)), ['a.example', 'a.example', 'a.example:443', '[::1]:8080'])
  assert.equal(set.servername(1), 'a.example')
  assert.equal(set.servername(0), null)
  void set.destroy()
})

test('maps upstream failures to Kong statuses in one place', () => {
  const cases: Array<[unknown, string]> = [
    [Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE'],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE'],
    [new undiciErrors.SocketError('other side closed'), 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE'],
    [new undiciErrors.ConnectTimeoutError(), 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT'],
    [new undiciErrors.HeadersTimeoutError(), 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT'],
    [new undiciErrors.BodyTimeoutError(), 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT'],
    [new UpstreamWriteTimeoutError(), 'ATRIUM_ERR_PROXY_UPSTREAM_TIMEOUT'],
    [Object.assign(new Error('dns'), { code: 'ENOTFOUND' }), 'ATRIUM_ERR_PROXY_NAME_RESOLUTION'],
    [Object.assign(new Error('dns'), { code: 'EAI_AGAIN' }), 'ATRIUM_ERR_PROXY_NAME_RESOLUTION'],
    [new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE'],
    [new Error('anything else'), 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE']
  ]
  for (const [err, code] of cases) assert.equal(classifyUpstreamError(err), code, String(err))
})

async function startTlsUpstream (t: { after: (fn: () => void) => void }): Promise<{ port: number, seen: Array<{ servername: string | false | null, host: string | undefined }> }> {
  const seen: Array<{ servername: string | false | null, host: string | undefined }> = []
  const server = createHttpsServer(selfSignedLocalhost(), (req, res) => {
    seen.push({ servername: (req.socket as TLSSocket).servername, host: req.headers.host })
    res.end('secure')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => { server.closeAllConnections(); server.close() })
  return { port: (server.address() as AddressInfo).port, seen }
}

test('answers 502 when an https upstream certificate cannot be verified', async (t) => {
  const up = await startTlsUpstream(t)
  const gw = await startGateway(t, {
    services: [{ protocol: 'https', host: 'localhost', port: up.port, retries: 0 }],
    routes: [{ paths: ['/'] }]
  })
  const r = await httpCall(`${gw.url}/`)
  assert.equal(r.status, 502)
  assert.equal(up.seen.length, 0)
})

test('proxies to an https upstream without verification when tls_verify is false, with SNI = service host even when the Host is preserved', async (t) => {
  const up = await startTlsUpstream(t)
  const gw = await startGateway(t, {
    services: [{ protocol: 'https', host: 'localhost', port: up.port, tls_verify: false }],
    routes: [{ paths: ['/keep'], preserve_host: true }, { paths: ['/'] }]
  })
  const a = await httpCall(`${gw.url}/keep`, { headers: { host: 'client.example' } })
  assert.equal(a.status, 200)
  assert.equal(a.body, 'secure')
  const b = await httpCall(`${gw.url}/`, { headers: { host: 'client.example' } })
  assert.equal(b.status, 200)
  assert.deepEqual(up.seen, [
    { servername: 'localhost', host: 'client.example' },
    { servername: 'localhost', host: `localhost:${up.port}` }
  ])
})
