import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'

async function nodeWith (t: TestContext, config: Record<string, unknown>): Promise<{ node: Awaited<ReturnType<typeof startPluginNode>>, upstream: Awaited<ReturnType<typeof startUpstream>> }> {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'request-termination', route: 'r', config }]
  })
  return { node, upstream }
}

test('by default answers 503 {"message":"Service unavailable"} without calling the upstream', async (t) => {
  const { node, upstream } = await nodeWith(t, {})
  const res = await node.get('/r/x')
  assert.equal(res.status, 503)
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  assert.deepEqual(JSON.parse(res.body), { message: 'Service unavailable' })
  assert.equal(upstream.requests, 0)
})

test('answers the configured status and message as JSON; a status without a default message gets {}', async (t) => {
  const { node } = await nodeWith(t, { status_code: 410, message: 'this API is retired' })
  const res = await node.get('/r/x')
  assert.deepEqual([res.status, JSON.parse(res.body)], [410, { message: 'this API is retired' }])
  const other = await nodeWith(t, { status_code: 418 })
  const teapot = await other.node.get('/r/x')
  assert.deepEqual([teapot.status, JSON.parse(teapot.body)], [418, {}])
  const notFound = await nodeWith(t, { status_code: 404 })
  assert.deepEqual(JSON.parse((await notFound.node.get('/r/x')).body), { message: 'Not found' })
})

test('answers a raw body with its content type (text/plain when none is given)', async (t) => {
  const { node } = await nodeWith(t, { status_code: 200, body: '<h1>maintenance</h1>', content_type: 'text/html' })
  const res = await node.get('/r/x')
  assert.deepEqual([res.status, res.headers['content-type'], res.body, res.headers['content-length']], [200, 'text/html', '<h1>maintenance</h1>', '20'])
  const plain = await nodeWith(t, { body: 'down' })
  const p = await plain.node.get('/r/x')
  assert.deepEqual([p.status, p.headers['content-type'], p.body], [503, 'text/plain; charset=utf-8', 'down'])
})

test('with a trigger, terminates only requests carrying that header or query parameter', async (t) => {
  const { node, upstream } = await nodeWith(t, { status_code: 403, message: 'triggered', trigger: 'X-Block' })
  assert.equal((await node.get('/r/x')).status, 200)
  assert.equal((await node.get('/r/x', { 'x-block': '1' })).status, 403)
  assert.equal((await node.get('/r/x?X-Block')).status, 403)
  assert.equal((await node.get('/r/x?other=1')).status, 200)
  assert.equal(upstream.requests, 2)
})

test('echo answers with a description of the request and the matched route and service', async (t) => {
  const { node } = await nodeWith(t, { status_code: 200, echo: true })
  const res = await node.get('/r/x?a=1&a=2&b=3', { 'x-test': 'yes' })
  const body = JSON.parse(res.body)
  assert.equal(res.status, 200)
  assert.equal(body.message, null)
  assert.deepEqual([body.request.method, body.request.path, body.request.scheme, body.request.headers['x-test']], ['GET', '/r/x', 'http', 'yes'])
  assert.deepEqual(body.request.query, { a: ['1', '2'], b: '3' })
  assert.equal(body.matched_route.name, 'r')
  assert.equal(body.matched_service.name, 'echo')
  assert.equal(body.kong.worker_pid, process.pid)
})

test('a HEAD request gets the status and headers, no body', async (t) => {
  const { node } = await nodeWith(t, { status_code: 410, message: 'gone' })
  const res = await node.request('/r/x', { method: 'HEAD' })
  assert.deepEqual([res.status, res.body, res.headers['content-length']], [410, '', String(JSON.stringify({ message: 'gone' }).length)])
})
