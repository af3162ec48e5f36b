import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startPluginNode, type PluginNode } from '../../support/plugin-gateway.js'
import { startUpstream, type TestUpstream } from '../../support/upstream.js'

// An upstream that answers with its own Vary and Access-Control-Allow-Origin, and says which method it saw.
function upstreamHandler (req: IncomingMessage, res: ServerResponse): void {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/plain', vary: 'Accept-Encoding', 'access-control-allow-origin': 'https://upstream.example', 'x-upstream': 'yes' })
    res.end(`upstream saw ${req.method ?? ''}`)
  })
}

async function nodeWith (t: TestContext, config: Record<string, unknown>, extraPlugins: Array<Record<string, unknown>> = []): Promise<{ node: PluginNode, upstream: TestUpstream }> {
  const upstream = await startUpstream(t, upstreamHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'api', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'cors', route: 'r', config }, ...extraPlugins]
  })
  return { node, upstream }
}

function preflight (node: PluginNode, origin: string, headers: Record<string, string> = {}): ReturnType<PluginNode['request']> {
  return node.request('/r/x', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', ...headers } })
}

test('answers a preflight itself (200, empty body, upstream not called) with Kong\'s default headers', async (t) => {
  const { node, upstream } = await nodeWith(t, {})
  const res = await preflight(node, 'https://app.example.com', { 'access-control-request-headers': 'x-api-key,content-type' })
  assert.equal(res.status, 200)
  assert.equal(res.body, '')
  assert.equal(res.headers['content-length'], '0')
  assert.equal(res.headers['access-control-allow-origin'], '*')
  assert.equal(res.headers['access-control-allow-methods'], 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT')
  assert.equal(res.headers['access-control-allow-headers'], 'x-api-key,content-type')
  assert.equal(res.headers['access-control-max-age'], undefined)
  assert.equal(res.headers['access-control-allow-credentials'], undefined)
  assert.equal(res.headers.vary, undefined)
  assert.equal(upstream.requests, 0)
})

test('a preflight from an allowed origin gets it back with Vary, credentials, configured headers, methods and max age', async (t) => {
  const { node } = await nodeWith(t, {
    origins: ['https://app.example.com', 'https://admin.example.com'],
    methods: ['GET', 'POST'],
    headers: ['Authorization', 'X-Api-Key'],
    max_age: 600,
    credentials: true
  })
  const res = await preflight(node, 'https://admin.example.com', { 'access-control-request-headers': 'x-other' })
  assert.equal(res.status, 200)
  assert.equal(res.headers['access-control-allow-origin'], 'https://admin.example.com')
  assert.equal(res.headers.vary, 'Origin')
  assert.equal(res.headers['access-control-allow-credentials'], 'true')
  assert.equal(res.headers['access-control-allow-methods'], 'GET,POST')
  assert.equal(res.headers['access-control-allow-headers'], 'Authorization,X-Api-Key')
  assert.equal(res.headers['access-control-max-age'], '600')
})

test('a preflight from an origin not listed gets no Access-Control-Allow-Origin (still Vary: Origin), and is not proxied', async (t) => {
  const { node, upstream } = await nodeWith(t, { origins: ['https://app.example.com'] })
  const res = await preflight(node, 'https://evil.example.org')
  assert.equal(res.status, 200)
  assert.equal(res.headers['access-control-allow-origin'], undefined)
  assert.equal(res.headers.vary, 'Origin')
  assert.equal(upstream.requests, 0)
})

test('origins: exact entries ignore default ports; regex entries are anchored at both ends; entries without ":" match the host', async (t) => {
  const { node } = await nodeWith(t, { origins: ['https://app.example.com', 'http://localhost:3000', 'https://[a-z]+\\.example\\.com', '(.*\\.)?partner\\.test'] })
  const allowed = async (origin: string): Promise<string | undefined> => (await preflight(node, origin)).headers['access-control-allow-origin'] as string | undefined
  assert.equal(await allowed('https://app.example.com'), 'https://app.example.com')
  assert.equal(await allowed('https://app.example.com:443'), 'https://app.example.com')
  assert.equal(await allowed('http://app.example.com'), undefined)
  assert.equal(await allowed('https://app.example.com:8443'), undefined)
  assert.equal(await allowed('http://localhost:3000'), 'http://localhost:3000')
  assert.equal(await allowed('http://localhost:3001'), undefined)
  assert.equal(await allowed('https://shop.example.com'), 'https://shop.example.com')
  assert.equal(await allowed('https://shop.example.com.evil.org'), undefined)
  assert.equal(await allowed('https://a.b.example.com'), undefined)
  assert.equal(await allowed('http://shop.example.com'), undefined)
  assert.equal(await allowed('https://partner.test'), 'https://partner.test')
  assert.equal(await allowed('http://eu.partner.test:8080'), 'http://eu.partner.test:8080')
  assert.equal(await allowed('https://partner.test.evil.org'), undefined)
  assert.equal(await allowed('null'), undefined)
})

test('proxied responses get the origin (replacing the upstream\'s), Vary: Origin added to the upstream\'s Vary, exposed headers and credentials', async (t) => {
  const { node, upstream } = await nodeWith(t, { origins: ['https://app.example.com'], exposed_headers: ['X-Upstream', 'X-Request-Id'], credentials: true })
  const res = await node.get('/r/x', { origin: 'https://app.example.com' })
  assert.equal(res.status, 200)
  assert.equal(res.body, 'upstream saw GET')
  assert.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
  assert.equal(res.headers.vary, 'Accept-Encoding, Origin')
  assert.equal(res.headers['access-control-expose-headers'], 'X-Upstream,X-Request-Id')
  assert.equal(res.headers['access-control-allow-credentials'], 'true')
  const other = await node.get('/r/x', { origin: 'https://evil.example.org' })
  assert.equal(other.status, 200)
  assert.equal(other.headers['access-control-allow-origin'], undefined, 'the upstream\'s own value is removed for an origin not allowed')
  const none = await node.get('/r/x')
  assert.equal(none.headers['access-control-allow-origin'], undefined)
  assert.equal(none.headers.vary, 'Accept-Encoding, Origin')
  assert.equal(upstream.requests, 3)
})

test('with every origin allowed and credentials, the request\'s origin is echoed instead of "*"', async (t) => {
  const { node } = await nodeWith(t, { credentials: true })
  const res = await node.get('/r/x', { origin: 'https://any.example.net' })
  assert.equal(res.headers['access-control-allow-origin'], 'https://any.example.net')
  assert.equal(res.headers['access-control-allow-credentials'], 'true')
  assert.equal(res.headers.vary, 'Accept-Encoding, Origin')
  const pre = await preflight(node, 'https://any.example.net')
  assert.deepEqual([pre.headers['access-control-allow-origin'], pre.headers['access-control-allow-credentials'], pre.headers.vary], ['https://any.example.net', 'true', 'Origin'])
  const noOrigin = await node.get('/r/x')
  assert.equal(noOrigin.headers['access-control-allow-origin'], '*')
  assert.equal(noOrigin.headers['access-control-allow-credentials'], undefined)
})

test('preflight_continue proxies the preflight and adds nothing to the upstream\'s answer', async (t) => {
  const { node, upstream } = await nodeWith(t, { preflight_continue: true, origins: ['https://app.example.com'] })
  const res = await preflight(node, 'https://app.example.com')
  assert.equal(res.status, 200)
  assert.equal(res.body, 'upstream saw OPTIONS')
  assert.equal(res.headers['access-control-allow-origin'], 'https://upstream.example')
  assert.equal(res.headers['access-control-allow-methods'], undefined)
  assert.equal(res.headers.vary, 'Accept-Encoding')
  assert.equal(upstream.requests, 1)
  // An OPTIONS without Access-Control-Request-Method is no preflight: proxied, with CORS headers.
  const plain = await node.request('/r/x', { method: 'OPTIONS', headers: { origin: 'https://app.example.com' } })
  assert.equal(plain.headers['access-control-allow-origin'], 'https://app.example.com')
})

test('private_network answers Access-Control-Request-Private-Network: true, only when enabled', async (t) => {
  const on = await nodeWith(t, { private_network: true })
  assert.equal((await preflight(on.node, 'https://a.example.com', { 'access-control-request-private-network': 'true' })).headers['access-control-allow-private-network'], 'true')
  assert.equal((await preflight(on.node, 'https://a.example.com')).headers['access-control-allow-private-network'], undefined)
  const off = await nodeWith(t, {})
  assert.equal((await preflight(off.node, 'https://a.example.com', { 'access-control-request-private-network': 'true' })).headers['access-control-allow-private-network'], undefined)
})

test('allow_origin_absent: false leaves responses to requests without Origin alone', async (t) => {
  const { node } = await nodeWith(t, { allow_origin_absent: false })
  const none = await node.get('/r/x')
  assert.equal(none.headers['access-control-allow-origin'], 'https://upstream.example')
  const some = await node.get('/r/x', { origin: 'https://a.example.com' })
  assert.equal(some.headers['access-control-allow-origin'], '*')
})

test('another plugin\'s early answer (lower priority) gets the CORS headers too, so browsers can read the error', async (t) => {
  const { node, upstream } = await nodeWith(t, { origins: ['https://app.example.com'] }, [{ name: 'request-termination', route: 'r', config: { status_code: 403, message: 'closed' } }])
  const res = await node.get('/r/x', { origin: 'https://app.example.com' })
  assert.deepEqual([res.status, JSON.parse(res.body)], [403, { message: 'closed' }])
  assert.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
  assert.equal(res.headers.vary, 'Origin')
  // The preflight is answered by cors (priority 2000) before request-termination (2) runs.
  assert.equal((await preflight(node, 'https://app.example.com')).status, 200)
  assert.equal(upstream.requests, 0)
})
