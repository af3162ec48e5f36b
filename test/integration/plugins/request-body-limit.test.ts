import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { definePluginSpec } from '../../../src/plugins/spec.js'
import { definePluginHandler } from '../../../src/plugins/types.js'
import { Type } from '@sinclair/typebox'
import { handlerSet, loadConfig, startPluginGateway, withExtraPlugin } from '../../support/plugin-gateway.js'
import { startUpstream } from '../../support/upstream.js'
import { upload } from '../../support/upload.js'

// ctx.limitRequestBody: the proxy counts a streamed request body and stops at the limit a plugin
// set (the hook request-size-limiting uses for chunked bodies).

const limitSpec = definePluginSpec({
  name: 'test-body-limit',
  version: '1.0.0',
  priority: 950,
  description: 'test only',
  schema: Type.Object({ max: Type.Integer({ description: 'limit' }) }, { additionalProperties: false })
})
const limitHandler = definePluginHandler(limitSpec, {
  access (ctx, config) { ctx.limitRequestBody(config.max) }
})

interface Received { complete: number, aborted: number, bytes: number }

async function gateway (t: TestContext, max: number): Promise<{ url: string, received: Received }> {
  const received: Received = { complete: 0, aborted: 0, bytes: 0 }
  const upstream = await startUpstream(t, (req: IncomingMessage, res: ServerResponse) => {
    let length = 0
    req.on('data', (c: Buffer) => { length += c.length; received.bytes += c.length })
    req.on('aborted', () => { received.aborted++ })
    req.on('end', () => {
      received.complete++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ length }))
    })
  })
  const { config } = loadConfig({ _format_version: '3.0', services: [{ name: 's', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }] })
  const gw = await startPluginGateway(t, withExtraPlugin(config, { name: 'test-body-limit', config: { max } }), handlerSet(limitHandler))
  return { url: gw.url + '/r/upload', received }
}

test('a chunked body within the limit streams to the upstream whole', async (t) => {
  const { url, received } = await gateway(t, 64 * 1024)
  const res = await upload(url, 8, 8 * 1024)
  assert.deepEqual([res.status, JSON.parse(res.body)], [200, { length: 64 * 1024 }])
  assert.equal(received.complete, 1)
})

test('a chunked body over the limit: upstream call aborted, 413 "Request size limit exceeded", connection closed', async (t) => {
  const { url, received } = await gateway(t, 20 * 1024)
  const res = await upload(url, 200, 4 * 1024)
  assert.equal(res.status, 413)
  assert.deepEqual(JSON.parse(res.body), { message: 'Request size limit exceeded', code: 'ATRIUM_ERR_PROXY_REQUEST_SIZE_LIMIT' })
  assert.equal(res.headers.connection, 'close')
  assert.ok(res.sent < 200 * 4 * 1024, `the client stopped early (sent ${res.sent})`)
  assert.equal(received.complete, 0, 'the upstream never got a complete request')
  assert.ok(received.bytes <= 20 * 1024 + 4 * 1024, `at most the limit and one chunk reached the upstream (${received.bytes})`)
})

test('a content-length body is counted the same way', async (t) => {
  const { url, received } = await gateway(t, 10 * 1024)
  const res = await upload(url, 50, 1024, { 'content-length': String(50 * 1024) })
  assert.equal(res.status, 413)
  assert.equal(received.complete, 0)
  const ok = await upload(url, 10, 1024, { 'content-length': String(10 * 1024) })
  assert.deepEqual([ok.status, JSON.parse(ok.body)], [200, { length: 10 * 1024 }])
})

test('limitRequestBody rejects a limit that is not a non-negative integer (the plugin fails: 500)', async (t) => {
  const { url } = await gateway(t, -1)
  const res = await upload(url, 1, 10)
  assert.equal(res.status, 500)
  assert.equal(JSON.parse(res.body).code, 'ATRIUM_ERR_PLUGIN_FAILED')
})
