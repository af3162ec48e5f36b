import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import nock from 'nock'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'

// http-log through a real node; the log endpoint is nock (the plugin uses undici's request() on the
// global dispatcher, which nock replaces). Requests to 127.0.0.1 (the node, its upstream) go
// through to the real sockets.

const ENDPOINT = 'http://logs.example.test'

nock.disableNetConnect()
nock.enableNetConnect('127.0.0.1')

async function nodeWith (t: TestContext, config: Record<string, unknown>): Promise<Awaited<ReturnType<typeof startPluginNode>>> {
  t.after(() => nock.cleanAll())
  const upstream = await startUpstream(t, echoHandler)
  return await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'logged', paths: ['/logged'] }] }],
    plugins: [{ name: 'http-log', route: 'logged', config: { http_endpoint: `${ENDPOINT}/ingest`, ...config } }]
  })
}

async function waitFor<T> (what: string, check: () => T | undefined | null | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = check()
    if (v !== undefined && v !== null && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

interface Received { headers: Record<string, string | string[] | undefined>, body: any }

/** Records what a scope's interceptors receive (headers, body parsed as JSON) into `into`. */
function recording (scope: nock.Scope, into: Received[]): Received[] {
  scope.on('request', (req: { headers: Headers }, _interceptor: unknown, body: string) => {
    into.push({ headers: Object.fromEntries(req.headers.entries()), body: JSON.parse(body) })
  })
  return into
}

/** An endpoint that answers `statuses` in turn (then 200) and records every request it received. */
function endpoint (statuses: number[] = [], method: 'post' | 'put' = 'post'): Received[] {
  let i = 0
  return recording(nock(ENDPOINT).persist()[method]('/ingest').reply(() => [statuses[i++] ?? 200, 'ok']), [])
}

test('sends one JSON object per request (Kong\'s log format) with the content type, custom headers and Basic auth from the URL', async (t) => {
  const received = endpoint()
  const node = await nodeWith(t, {
    http_endpoint: 'http://ingest:s%3Acret@logs.example.test/ingest',
    headers: { 'X-Api-Key': 'k1', 'Content-Type': 'text/plain' }
  })
  const res = await node.get('/logged/x?a=1', { authorization: 'Bearer client-secret' })
  assert.equal(res.status, 200)
  const [got] = await waitFor('one log request', () => received.length === 1 && received)
  assert.equal(got.headers['content-type'], 'application/json')
  assert.equal(got.headers['x-api-key'], 'k1')
  assert.equal(got.headers.authorization, `Basic ${Buffer.from('ingest:s:cret').toString('base64')}`)
  const entry = got.body
  assert.equal(Array.isArray(entry), false)
  assert.deepEqual([entry.request.method, entry.request.uri, entry.request.querystring, entry.request.headers.authorization], ['GET', '/logged/x?a=1', { a: '1' }, 'REDACTED'])
  assert.deepEqual([entry.response.status, entry.route.name, entry.service.name, entry.upstream_uri, entry.client_ip], [200, 'logged', 'echo', '/x?a=1', '127.0.0.1'])
  assert.equal(typeof entry.latencies.request, 'number')
  assert.equal(typeof entry.started_at, 'number')
})

test('method and content_type are Kong\'s options', async (t) => {
  const received = endpoint([], 'put')
  const node = await nodeWith(t, { method: 'PUT', content_type: 'application/json; charset=utf-8' })
  await node.get('/logged/x')
  const [got] = await waitFor('a PUT', () => received.length === 1 && received)
  assert.equal(got.headers['content-type'], 'application/json; charset=utf-8')
})

test('batches: max_batch_size entries leave at once as one JSON array; fewer wait for the batch to fill', async (t) => {
  const received = endpoint()
  // An hour's coalescing delay: what leaves during the test left because its batch was full.
  const node = await nodeWith(t, { queue: { max_batch_size: 3, max_coalescing_delay: 3600 } })
  await Promise.all([1, 2, 3].map(async (i) => await node.get(`/logged/${i}`)))
  const [full] = await waitFor('the full batch', () => received.length === 1 && received)
  assert.deepEqual(full.body.map((e: any) => e.request.uri).sort(), ['/logged/1', '/logged/2', '/logged/3'])
  await node.get('/logged/4')
  await node.get('/logged/5')
  assert.equal(received.length, 1, 'a partial batch waits')
  await node.get('/logged/6')
  await waitFor('the second full batch', () => received.length === 2)
  assert.deepEqual(received[1].body.map((e: any) => e.request.uri), ['/logged/4', '/logged/5', '/logged/6'], '4 and 5 waited for 6')
})

test('a partial batch leaves, as a JSON array, once max_coalescing_delay has passed', async (t) => {
  // When exactly it leaves is pinned with a fake clock in test/unit/plugins/http-log/queue.test.ts.
  const received = endpoint()
  const node = await nodeWith(t, { queue: { max_batch_size: 3, max_coalescing_delay: 0.05 } })
  await node.get('/logged/alone')
  const [partial] = await waitFor('the partial batch', () => received.length === 1 && received)
  assert.deepEqual(partial.body.map((e: any) => e.request.uri), ['/logged/alone'])
})

test('retries a failed batch with backoff (error statuses and network errors) until it is delivered', async (t) => {
  nock(ENDPOINT).post('/ingest').reply(500, 'down')
  nock(ENDPOINT).post('/ingest').replyWithError({ code: 'ECONNRESET', message: 'reset' })
  nock(ENDPOINT).post('/ingest').reply(503, 'still down')
  const received = recording(nock(ENDPOINT).post('/ingest').reply(201, 'ok'), [])
  const node = await nodeWith(t, { queue: { initial_retry_delay: 0.02, max_retry_delay: 0.05 } })
  const res = await node.get('/logged/retried')
  assert.equal(res.status, 200, 'the response never waits for the log')
  const [got] = await waitFor('the delivery', () => received.length === 1 && received)
  assert.equal(got.body.request.uri, '/logged/retried')
  const retries = node.logs.filter((l) => l.msg === 'log batch could not be sent; retrying')
  assert.deepEqual(retries.map((l) => [l.level, l.attempt]), [[40, 1], [40, 2], [40, 3]])
  assert.deepEqual(retries.map((l) => l.retry_in_ms), [20, 40, 50])
})

test('gives up on a batch after max_retry_time (logged at error) and goes on with the next', async (t) => {
  const received = endpoint([500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500])
  const node = await nodeWith(t, { queue: { max_retry_time: 0.15, initial_retry_delay: 0.05, max_retry_delay: 0.05 } })
  await node.get('/logged/lost')
  const gaveUp = await waitFor('giving up', () => node.logs.find((l) => l.msg === 'log batch could not be sent; giving up'))
  assert.equal(gaveUp.level, 50)
  assert.equal(gaveUp.entries, 1)
  // How many attempts fit in max_retry_time is pinned with a fake clock in test/unit/plugins/http-log/queue.test.ts.
  assert.equal(gaveUp.attempts, received.length, 'every attempt reached the endpoint')
  nock.cleanAll()
  const ok = endpoint()
  await node.get('/logged/next')
  await waitFor('the next batch', () => ok.length === 1)
  assert.equal(ok[0].body.request.uri, '/logged/next')
})

test('a request to the endpoint that takes longer than timeout is a failed attempt (a real endpoint on 127.0.0.1)', async (t) => {
  const bodies: string[] = []
  let firstAbandoned = false
  const slowThenFast = await startUpstream(t, (req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { body += c })
    req.on('end', () => {
      bodies.push(body)
      // The first request is never answered (until the test ends); the next ones at once.
      if (bodies.length === 1) res.on('close', () => { firstAbandoned = true })
      else res.end('ok')
    })
  })
  const node = await nodeWith(t, { http_endpoint: `http://127.0.0.1:${slowThenFast.port}/ingest`, timeout: 200, queue: { initial_retry_delay: 0.01 } })
  await node.get('/logged/slow')
  await waitFor('the retry after the timeout', () => bodies.length === 2)
  await waitFor('the node abandoning the first request', () => firstAbandoned)
  assert.deepEqual(bodies.map((b) => JSON.parse(b).request.uri), ['/logged/slow', '/logged/slow'])
  assert.ok(node.logs.some((l) => l.msg === 'log batch could not be sent; retrying'))
})

/** A log endpoint on 127.0.0.1 that records what arrives and answers only when `release` is called. */
async function heldEndpoint (t: TestContext): Promise<{ url: string, received: Received[], release: () => void }> {
  const received: Received[] = []
  const waiting: Array<() => void> = []
  let released = false
  const up = await startUpstream(t, (req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { body += c })
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(body) })
      if (released) res.end('ok')
      else waiting.push(() => res.end('ok'))
    })
  })
  return { url: `http://127.0.0.1:${up.port}/ingest`, received, release: () => { released = true; for (const w of waiting.splice(0)) w() } }
}

test('the queue is bounded: with the endpoint stalled, the oldest waiting entries are dropped with a warning', async (t) => {
  const ingest = await heldEndpoint(t)
  const node = await nodeWith(t, { http_endpoint: ingest.url, queue: { max_entries: 2 } })
  await node.get('/logged/0')
  await waitFor('the first batch in flight', () => ingest.received.length === 1) // the others wait in the queue
  for (const i of [1, 2, 3, 4]) assert.equal((await node.get(`/logged/${i}`)).status, 200)
  const warning = await waitFor('the warning', () => node.logs.find((l) => l.msg === 'log queue full; oldest entries dropped'))
  assert.equal(warning.level, 40)
  assert.equal(warning.max_entries, 2)
  ingest.release()
  await waitFor('the deliveries', () => ingest.received.length === 3)
  assert.deepEqual(ingest.received.map((r) => r.body.request.uri), ['/logged/0', '/logged/3', '/logged/4'])
})

test('an endpoint that is down never fails the requests', async (t) => {
  nock(ENDPOINT).persist().post('/ingest').replyWithError({ code: 'ECONNREFUSED', message: 'refused' })
  const node = await nodeWith(t, { queue: { initial_retry_delay: 0.01, max_retry_time: 5 } })
  for (let i = 0; i < 20; i++) assert.equal((await node.get(`/logged/${i}`)).status, 200)
  await waitFor('a failed delivery', () => node.logs.some((l) => l.msg === 'log batch could not be sent; retrying'))
})

test('an endpoint that does not answer never holds up the requests', async (t) => {
  const ingest = await heldEndpoint(t)
  const node = await nodeWith(t, { http_endpoint: ingest.url, timeout: 3_600_000 })
  await node.get('/logged/0')
  await waitFor('the first delivery in flight', () => ingest.received.length === 1)
  // Every response below is answered while the endpoint still holds the first delivery unanswered.
  for (let i = 1; i <= 20; i++) assert.equal((await node.get(`/logged/${i}`)).status, 200)
  assert.equal(ingest.received.length, 1, 'one batch at a time: the others wait behind the unanswered one')
})
