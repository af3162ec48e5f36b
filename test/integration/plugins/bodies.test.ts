import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AnyPluginHandler, PluginRequestContext } from '../../../src/plugins/types.js'
import { REQUEST_BODY_LIMIT } from '../../../src/data-plane/plugin-runner/read-request-body.js'
import { handlerSet, loadConfig, startPluginGateway, withExtraPlugin } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type EchoReply } from '../../support/upstream.js'

// The runner's body options through the real proxy: the request body buffered for a plugin that
// declares transformsRequestBody (bounded, content-length following a replaced body), the upstream
// method, transformsBody decided per response, and keepBody / bodyBytes for the log phase.

async function gatewayWith (t: TestContext, plugins: AnyPluginHandler[], upstreamHandler = echoHandler): Promise<Awaited<ReturnType<typeof startPluginGateway>> & { upstream: Awaited<ReturnType<typeof startUpstream>> }> {
  const upstream = await startUpstream(t, upstreamHandler)
  let { config } = loadConfig({
    _format_version: '3.0',
    services: [{ name: 's', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }]
  })
  for (const p of plugins) config = withExtraPlugin(config, { name: p.name })
  return { ...(await startPluginGateway(t, config, handlerSet(...plugins))), upstream }
}

async function waitFor<T> (what: string, check: () => T | undefined | null | false): Promise<T> {
  const deadline = Date.now() + 5000
  for (;;) {
    const v = check()
    if (v !== undefined && v !== null && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

test('a plugin declaring transformsRequestBody reads the whole body in access and may replace it; content-length follows', async (t) => {
  const seen: Array<string | null> = []
  const upper: AnyPluginHandler = {
    name: 'upper',
    version: '1.0.0',
    priority: 10,
    transformsRequestBody: true,
    access (ctx) {
      seen.push(ctx.request.body?.toString() ?? null)
      if (ctx.request.body !== null) ctx.upstream.body = Buffer.from(ctx.request.body.toString().toUpperCase() + '!!')
    }
  }
  const gw = await gatewayWith(t, [upper])
  const res = await gw.request('/r/x', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' })
  const echo = JSON.parse(res.body) as EchoReply
  assert.deepEqual([echo.bodyLength, echo.headers['content-length'], echo.headers['transfer-encoding']], [7, '7', undefined])
  assert.deepEqual(seen, ['hello'])
  // A request without a body is not read (body null), and nothing is sent.
  const get = JSON.parse((await gw.get('/r/x')).body) as EchoReply
  assert.deepEqual([get.bodyLength, get.headers['content-length'], seen[1]], [0, undefined, null])
})

test('a chunked request body is buffered for the plugin and sent upstream with a content-length', async (t) => {
  const tag: AnyPluginHandler = { name: 'tag', version: '1.0.0', priority: 10, transformsRequestBody: true, access () {} }
  const gw = await gatewayWith(t, [tag])
  const res = await new Promise<{ status: number, body: string }>((resolve, reject) => {
    const req = httpRequest(`${gw.url}/r/x`, { method: 'PUT', headers: { 'transfer-encoding': 'chunked' } }, (r) => {
      let body = ''
      r.setEncoding('utf8')
      r.on('data', (c: string) => { body += c })
      r.on('end', () => resolve({ status: r.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.write('abc')
    setTimeout(() => req.end('defg'), 10)
  })
  const echo = JSON.parse(res.body) as EchoReply
  assert.deepEqual([res.status, echo.bodyLength, echo.headers['content-length'], echo.headers['transfer-encoding']], [200, 7, '7', undefined])
})

test('transformsRequestBody as a function decides per request; other requests keep streaming', async (t) => {
  let calls = 0
  const jsonOnly: AnyPluginHandler = {
    name: 'json-only',
    version: '1.0.0',
    priority: 10,
    transformsRequestBody: (ctx: PluginRequestContext) => { calls++; return ctx.request.header('content-type') === 'application/json' },
    access (ctx) { ctx.upstream.headers.set('x-buffered', String(ctx.request.body !== null)) }
  }
  const gw = await gatewayWith(t, [jsonOnly])
  const json = JSON.parse((await gw.request('/r/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).body) as EchoReply
  const text = JSON.parse((await gw.request('/r/x', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'abc' })).body) as EchoReply
  assert.deepEqual([json.headers['x-buffered'], text.headers['x-buffered'], text.bodyLength], ['true', 'false', 3])
  assert.equal(calls, 2)
})

test('a request body over the bound is answered 413 without calling the upstream; the plugins that ran see it', async (t) => {
  const seen: number[] = []
  const probe: AnyPluginHandler = { name: 'probe', version: '1.0.0', priority: 100, response (ctx) { seen.push(ctx.response?.status ?? 0) } }
  const reader: AnyPluginHandler = { name: 'reader', version: '1.0.0', priority: 10, transformsRequestBody: true, access () { throw new Error('must not run') } }
  const gw = await gatewayWith(t, [probe, reader])
  // Declared too large: answered before reading anything.
  const declared = await new Promise<{ status: number, body: string, connection: string | undefined }>((resolve, reject) => {
    const req = httpRequest(`${gw.url}/r/x`, { method: 'POST', headers: { 'content-length': String(REQUEST_BODY_LIMIT + 1) } }, (r) => {
      let body = ''
      r.setEncoding('utf8')
      r.on('data', (c: string) => { body += c })
      r.on('end', () => resolve({ status: r.statusCode ?? 0, body, connection: r.headers.connection }))
    })
    req.on('error', reject)
    req.write('x')
  })
  assert.deepEqual([declared.status, JSON.parse(declared.body), declared.connection], [413, { message: 'Payload too large', code: 'ATRIUM_ERR_PROXY_BODY_TOO_LARGE' }, 'close'])
  // Chunked, found too large while reading.
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${gw.url}/r/x`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (r) => { r.resume(); resolve(r.statusCode ?? 0) })
    req.on('error', () => { /* the gateway closes the connection after its answer */ })
    // More than the bound, never ended: only the gateway's answer can settle this.
    const chunk = Buffer.alloc(1024 * 1024, 97)
    let sent = 0
    const pump = (): void => {
      if (sent > REQUEST_BODY_LIMIT + chunk.length) return
      sent += chunk.length
      if (req.write(chunk)) setImmediate(pump)
      else req.once('drain', pump)
    }
    pump()
    setTimeout(() => reject(new Error('no answer')), 5000).unref()
  })
  assert.equal(chunked, 413)
  assert.equal(gw.upstream.requests, 0)
  assert.deepEqual(seen, [413, 413])
  assert.equal(gw.logs.filter((l) => l.msg === 'request body too large for a body-transforming plugin; answered 413').length, 2)
})

test('a plugin may change the upstream method; an invalid one fails inside that plugin', async (t) => {
  const toPut: AnyPluginHandler = {
    name: 'to-put',
    version: '1.0.0',
    priority: 10,
    access (ctx) { ctx.upstream.method = ctx.request.header('x-method') ?? 'PUT' }
  }
  const gw = await gatewayWith(t, [toPut])
  assert.equal((JSON.parse((await gw.get('/r/x')).body) as EchoReply).method, 'PUT')
  const bad = await gw.get('/r/x', { 'x-method': 'BAD METHOD' })
  assert.equal(bad.status, 500)
})

test('transformsBody as a function buffers only the responses it asks for; the others stream', async (t) => {
  const seen: Array<string | null> = []
  const jsonBodies: AnyPluginHandler = {
    name: 'json-bodies',
    version: '1.0.0',
    priority: 10,
    transformsBody: (ctx: PluginRequestContext) => ctx.response?.headers.get('content-type') === 'application/json',
    response (ctx) { seen.push(ctx.response?.body?.toString() ?? null) }
  }
  const gw = await gatewayWith(t, [jsonBodies], (req, res) => {
    req.resume()
    const json = req.url?.includes('json') === true
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'text/plain' })
    res.end(json ? '{"a":1}' : 'plain')
  })
  assert.equal((await gw.get('/r/json')).body, '{"a":1}')
  assert.equal((await gw.get('/r/text')).body, 'plain')
  assert.deepEqual(seen, ['{"a":1}', null])
})

test('keepBody gives the log phase the body the client received, streamed or not, within its limit; bodyBytes counts it', async (t) => {
  const logged: Array<[string | null, number]> = []
  const keeper: AnyPluginHandler = {
    name: 'keeper',
    version: '1.0.0',
    priority: 10,
    response (ctx) { ctx.response?.keepBody(Number(ctx.request.header('x-limit') ?? '100')) },
    log (ctx) { logged.push([ctx.response?.body?.toString() ?? null, ctx.response?.bodyBytes ?? -1]) }
  }
  const gw = await gatewayWith(t, [keeper], (req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('part one, ')
    setTimeout(() => res.end('part two'), 5)
  })
  assert.equal((await gw.get('/r/x')).body, 'part one, part two')
  await waitFor('log', () => logged.length === 1)
  assert.equal((await gw.get('/r/x', { 'x-limit': '5' })).body, 'part one, part two')
  await waitFor('log', () => logged.length === 2)
  assert.deepEqual(logged, [['part one, part two', 18], [null, 18]])
})

test('without keepBody, a streamed upstream body is not visible in the log phase', async (t) => {
  const logged: Array<string | null> = []
  const plain: AnyPluginHandler = { name: 'plain', version: '1.0.0', priority: 10, log (ctx) { logged.push(ctx.response?.body?.toString() ?? null) } }
  const gw = await gatewayWith(t, [plain])
  assert.equal((await gw.get('/r/x')).status, 200)
  await waitFor('log', () => logged.length === 1)
  assert.deepEqual(logged, [null])
})
