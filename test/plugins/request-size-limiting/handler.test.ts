import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startPluginNode, type PluginNode } from '../../support/plugin-gateway.js'
import { startUpstream } from '../../support/upstream.js'
import { upload } from '../../support/upload.js'

interface Received { complete: number, bytes: number }

async function nodeWith (t: TestContext, config: Record<string, unknown>): Promise<{ node: PluginNode, received: Received }> {
  const received: Received = { complete: 0, bytes: 0 }
  const upstream = await startUpstream(t, (req: IncomingMessage, res: ServerResponse) => {
    let length = 0
    req.on('data', (c: Buffer) => { length += c.length; received.bytes += c.length })
    req.on('end', () => {
      received.complete++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ length }))
    })
  })
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'up', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'request-size-limiting', route: 'r', config }]
  })
  return { node, received }
}

test('a Content-Length over the limit gets 413 {"message":"Request size limit exceeded"} before any byte is proxied', async (t) => {
  const { node, received } = await nodeWith(t, { allowed_payload_size: 10, size_unit: 'kilobytes' })
  const res = await upload(node.url + '/r/x', 11, 1024, { 'content-length': String(11 * 1024) })
  assert.equal(res.status, 413)
  assert.deepEqual(JSON.parse(res.body), { message: 'Request size limit exceeded' })
  assert.equal(res.headers.connection, 'close')
  assert.deepEqual(received, { complete: 0, bytes: 0 })
})

test('a body at the limit (Content-Length or chunked) passes whole; units are Kong\'s (1 KB = 1024 bytes)', async (t) => {
  const { node, received } = await nodeWith(t, { allowed_payload_size: 10, size_unit: 'kilobytes' })
  const cl = await upload(node.url + '/r/x', 10, 1024, { 'content-length': String(10 * 1024) })
  assert.deepEqual([cl.status, JSON.parse(cl.body)], [200, { length: 10240 }])
  const chunked = await upload(node.url + '/r/x', 10, 1024)
  assert.deepEqual([chunked.status, JSON.parse(chunked.body)], [200, { length: 10240 }])
  assert.equal(received.complete, 2)
  const bytes = await nodeWith(t, { allowed_payload_size: 100, size_unit: 'bytes' })
  assert.equal((await upload(bytes.node.url + '/r/x', 1, 100, { 'content-length': '100' })).status, 200)
  assert.equal((await upload(bytes.node.url + '/r/x', 1, 101, { 'content-length': '101' })).status, 413)
  const mb = await nodeWith(t, { allowed_payload_size: 1 })
  assert.equal((await upload(mb.node.url + '/r/x', 1, 1024 * 1024, { 'content-length': String(1024 * 1024) })).status, 200)
  assert.equal((await upload(mb.node.url + '/r/x', 1, 1024 * 1024 + 1, { 'content-length': String(1024 * 1024 + 1) })).status, 413)
})

test('a chunked body over the limit is cut off as it streams: 413 and the upstream never gets a complete request', async (t) => {
  const { node, received } = await nodeWith(t, { allowed_payload_size: 16, size_unit: 'kilobytes' })
  const res = await upload(node.url + '/r/x', 500, 2048)
  assert.equal(res.status, 413)
  assert.deepEqual(JSON.parse(res.body), { message: 'Request size limit exceeded', code: 'ATRIUM_ERR_PROXY_REQUEST_SIZE_LIMIT' })
  assert.equal(res.headers.connection, 'close')
  assert.ok(res.sent < 500 * 2048, `the client was stopped early (sent ${res.sent})`)
  assert.equal(received.complete, 0)
  assert.ok(received.bytes <= 16 * 1024 + 2048, `no more than the limit and one chunk reached the upstream (${received.bytes})`)
})

test('require_content_length refuses a chunked body with 411; requests without a body pass', async (t) => {
  const { node, received } = await nodeWith(t, { allowed_payload_size: 1, require_content_length: true })
  const res = await upload(node.url + '/r/x', 3, 10)
  assert.deepEqual([res.status, JSON.parse(res.body)], [411, { message: 'A valid Content-Length header is required' }])
  assert.equal((await node.get('/r/x')).status, 200)
  assert.equal((await upload(node.url + '/r/x', 1, 10, { 'content-length': '10' })).status, 200)
  assert.equal(received.complete, 2)
})

test('Expect: 100-continue with a Content-Length over the limit gets 417, as in Kong', async (t) => {
  const { node, received } = await nodeWith(t, { allowed_payload_size: 10, size_unit: 'bytes' })
  const res = await upload(node.url + '/r/x', 1, 11, { 'content-length': '11', expect: '100-continue' })
  assert.deepEqual([res.status, JSON.parse(res.body)], [417, { message: 'Request size limit exceeded' }])
  assert.equal(received.complete, 0)
})

test('allowed_payload_size 0 admits only requests without a body', async (t) => {
  const { node } = await nodeWith(t, { allowed_payload_size: 0 })
  assert.equal((await node.get('/r/x')).status, 200)
  assert.equal((await upload(node.url + '/r/x', 1, 1, { 'content-length': '1' })).status, 413)
  assert.equal((await upload(node.url + '/r/x', 1, 1)).status, 413)
})
