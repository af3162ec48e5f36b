import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { startUpstream, type TestUpstream } from '../../support/upstream.js'

// proxy-cache through a real node. The upstream counts its requests and answers what the query
// asks for (?status=, ?type=, ?cc= for Cache-Control); every test uses its own dictionary so
// entries of one test never serve another (the memory store lives as long as the process).

function answering (req: IncomingMessage, res: ServerResponse): void {
  req.resume()
  const q = new URL(req.url ?? '/', 'http://x').searchParams
  const headers: Record<string, string> = { 'content-type': q.get('type') ?? 'application/json', 'x-up': 'yes', 'x-ratelimit-remaining-minute': '9' }
  if (q.get('cc') !== null) headers['cache-control'] = q.get('cc') as string
  res.writeHead(Number(q.get('status') ?? '200'), headers)
  res.end(JSON.stringify({ url: req.url, n: Date.now() }))
}

interface CacheNode {
  url: string
  upstream: TestUpstream
  get: (path: string, headers?: Record<string, string>) => Promise<{ status: number, headers: Record<string, string | string[] | undefined>, body: string }>
}

async function nodeWith (t: TestContext, config: Record<string, unknown>, handler = answering): Promise<CacheNode> {
  const upstream = await startUpstream(t, handler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'up', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'proxy-cache', route: 'r', config: { strategy: 'memory', ...config, memory: { dictionary_name: `test-${randomUUID()}`, ...(config.memory as object ?? {}) } } }]
  })
  return { url: node.url, upstream, get: async (path, headers = {}) => await node.get(path, headers) }
}

/** The entry is stored in the log phase, just after the response: wait until a request hits. */
async function untilHit (node: CacheNode, path: string, headers: Record<string, string> = {}): Promise<Awaited<ReturnType<CacheNode['get']>>> {
  for (let i = 0; i < 100; i++) {
    const res = await node.get(path, headers)
    if (res.headers['x-cache-status'] === 'Hit') return res
    await sleep(10)
  }
  throw new Error(`${path} never hit the cache`)
}

test('a miss goes upstream; the same request then hits without calling the upstream, with Age and the same key', async (t) => {
  const node = await nodeWith(t, {})
  const miss = await node.get('/r/a?x=1')
  assert.deepEqual([miss.status, miss.headers['x-cache-status'], miss.headers.age], [200, 'Miss', undefined])
  assert.match(String(miss.headers['x-cache-key']), /^[0-9a-f]{64}$/)
  const hit = await untilHit(node, '/r/a?x=1')
  assert.equal(node.upstream.requests, 1)
  assert.deepEqual([hit.status, hit.body, hit.headers['x-cache-key'], hit.headers['x-up'], hit.headers['content-type']], [200, miss.body, miss.headers['x-cache-key'], 'yes', 'application/json'])
  assert.equal(hit.headers.age, '0')
  assert.equal(hit.headers['content-length'], String(Buffer.byteLength(miss.body)))
  assert.equal(hit.headers['x-ratelimit-remaining-minute'], undefined, 'remaining rate limits are not replayed')
  for (let i = 0; i < 5; i++) assert.equal((await node.get('/r/a?x=1')).headers['x-cache-status'], 'Hit')
  assert.equal(node.upstream.requests, 1)
})

test('the key: query parameters in any order are one entry, other values or paths are others', async (t) => {
  const node = await nodeWith(t, {})
  await node.get('/r/a?x=1&y=2')
  await untilHit(node, '/r/a?y=2&x=1')
  assert.equal((await node.get('/r/a?x=1&y=3')).headers['x-cache-status'], 'Miss')
  assert.equal((await node.get('/r/b?x=1&y=2')).headers['x-cache-status'], 'Miss')
  assert.equal((await node.get('/r/A?x=1&y=2')).headers['x-cache-status'], 'Miss')
  const ignoreCase = await nodeWith(t, { ignore_uri_case: true })
  await ignoreCase.get('/r/Path')
  await untilHit(ignoreCase, '/r/pATH')
})

test('vary_query_params keys on the listed parameters only; vary_headers adds request headers', async (t) => {
  const node = await nodeWith(t, { vary_query_params: ['page'], vary_headers: ['accept-language'] })
  await node.get('/r/list?page=1&utm=a', { 'accept-language': 'en' })
  await untilHit(node, '/r/list?page=1&utm=b', { 'accept-language': 'en' })
  assert.equal((await node.get('/r/list?page=2', { 'accept-language': 'en' })).headers['x-cache-status'], 'Miss')
  assert.equal((await node.get('/r/list?page=1', { 'accept-language': 'fr' })).headers['x-cache-status'], 'Miss')
})

test('responses with other statuses or content types are a Bypass and not stored', async (t) => {
  const node = await nodeWith(t, {})
  for (const [path, why] of [['/r/s?status=500', 'status'], ['/r/t?type=text/html', 'content type'], ['/r/u?status=201', 'status']]) {
    const first = await node.get(path)
    assert.equal(first.headers['x-cache-status'], 'Bypass', why)
    assert.match(String(first.headers['x-cache-key']), /^[0-9a-f]{64}$/)
    await sleep(20)
    assert.equal((await node.get(path)).headers['x-cache-status'], 'Bypass', why)
  }
  // A content type with parameters matches its media type; 404 is cached by default.
  await node.get('/r/c?type=application/json;%20charset=utf-8&status=404')
  const hit = await untilHit(node, '/r/c?type=application/json;%20charset=utf-8&status=404')
  assert.equal(hit.status, 404)
})

test('a non-cacheable method is a Bypass and never stored', async (t) => {
  const upstream = await startUpstream(t, answering)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'up', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'proxy-cache', route: 'r', config: { strategy: 'memory', memory: { dictionary_name: `test-${randomUUID()}` } } }]
  })
  for (let i = 0; i < 3; i++) {
    const res = await node.request('/r/p', { method: 'POST', body: 'x' })
    assert.deepEqual([res.status, res.headers['x-cache-status'], res.headers['x-cache-key']], [200, 'Bypass', undefined])
  }
  assert.equal(upstream.requests, 3)
})

test('an entry older than cache_ttl is refreshed from the upstream, then served again', async (t) => {
  const node = await nodeWith(t, { cache_ttl: 1, storage_ttl: 60 })
  const first = await node.get('/r/ttl')
  await untilHit(node, '/r/ttl')
  await sleep(2100)
  const refresh = await node.get('/r/ttl')
  assert.equal(refresh.headers['x-cache-status'], 'Refresh')
  assert.notEqual(refresh.body, first.body)
  const hit = await untilHit(node, '/r/ttl')
  assert.equal(hit.body, refresh.body)
  assert.equal(node.upstream.requests, 2)
})

test('with cache_control, the request\'s and the response\'s Cache-Control decide', async (t) => {
  const node = await nodeWith(t, { cache_control: true })
  // The response's max-age is the TTL; private / no-store / max-age=0 are not stored.
  await node.get('/r/cc?cc=max-age=60')
  await untilHit(node, '/r/cc?cc=max-age=60')
  for (const cc of ['private,%20max-age=60', 'no-store', 'max-age=0', 'no-cache']) {
    const res = await node.get(`/r/cc?cc=${cc}`)
    assert.equal(res.headers['x-cache-status'], 'Bypass', cc)
  }
  assert.equal((await node.get('/r/none')).headers['x-cache-status'], 'Bypass', 'no max-age, no Expires: TTL 0')
  // The request: no-cache and Authorization bypass; max-age=0 refreshes; only-if-cached on a miss is 504.
  assert.equal((await node.get('/r/cc?cc=max-age=60', { 'cache-control': 'no-cache' })).headers['x-cache-status'], 'Bypass')
  assert.equal((await node.get('/r/cc?cc=max-age=60', { authorization: 'Bearer x' })).headers['x-cache-status'], 'Bypass')
  await sleep(1100)
  assert.equal((await node.get('/r/cc?cc=max-age=60', { 'cache-control': 'max-age=0' })).headers['x-cache-status'], 'Refresh')
  assert.equal((await node.get('/r/other', { 'cache-control': 'only-if-cached' })).status, 504)
  // An Expires in the future works like max-age.
  const expires = new Date(Date.now() + 60_000).toUTCString()
  const withExpires = await nodeWith(t, { cache_control: true }, (req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/plain', expires })
    res.end('e')
  })
  await withExpires.get('/r/e')
  await untilHit(withExpires, '/r/e')
})

test('the store is bounded: max_entries evicts the least recently used entry', async (t) => {
  const node = await nodeWith(t, { memory: { max_entries: 2 } })
  await node.get('/r/1')
  await untilHit(node, '/r/1')
  await node.get('/r/2')
  await untilHit(node, '/r/2')
  await untilHit(node, '/r/1') // 1 is now the most recently used
  await node.get('/r/3')
  await untilHit(node, '/r/3')
  assert.equal((await node.get('/r/1')).headers['x-cache-status'], 'Hit')
  assert.equal((await node.get('/r/2')).headers['x-cache-status'], 'Miss', '2 was evicted')
})

test('the store is bounded in bytes: a body larger than the dictionary is served but never stored', async (t) => {
  const big = 'x'.repeat(4096)
  const node = await nodeWith(t, { memory: { dictionary_size: 2048 } }, (req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end(req.url?.includes('big') === true ? big : 'small')
  })
  assert.equal((await node.get('/r/big')).body, big)
  await sleep(30)
  assert.equal((await node.get('/r/big')).headers['x-cache-status'], 'Miss')
  await node.get('/r/small')
  await untilHit(node, '/r/small')
})

test('a cacheable miss streams to the client (the body is kept while it streams); an unfinished body is not stored', async (t) => {
  let release: () => void = () => {}
  const node = await nodeWith(t, {}, (req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('first,')
    if (req.url?.includes('broken') === true) { setTimeout(() => res.destroy(), 20); return }
    release = () => res.end('second')
  })
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpRequest(`${node.url}/r/stream`, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { text += c; if (text === 'first,') release() })
      res.on('end', () => resolve(text))
    })
    req.on('error', reject)
    req.end()
    setTimeout(() => { req.destroy(); reject(new Error('the first bytes never came: buffered')) }, 3000).unref()
  })
  assert.equal(body, 'first,second')
  await untilHit(node, '/r/stream')
  await node.get('/r/broken').catch(() => null)
  await sleep(50)
  const again = await node.get('/r/broken').catch(() => null)
  assert.notEqual(again?.headers['x-cache-status'], 'Hit')
})

test('response_headers turns the cache\'s own headers off', async (t) => {
  const node = await nodeWith(t, { response_headers: { age: false, 'X-Cache-Status': false, 'X-Cache-Key': false } })
  await node.get('/r/q')
  await sleep(30)
  const res = await node.get('/r/q')
  assert.deepEqual([res.headers['x-cache-status'], res.headers['x-cache-key'], res.headers.age], [undefined, undefined, undefined])
  assert.equal(node.upstream.requests, 1)
})

test('two instances naming one dictionary with different sizes are refused when the config is applied', async (t) => {
  const upstream = await startUpstream(t, answering)
  await assert.rejects(startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'up', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'a', paths: ['/a'] }, { name: 'b', paths: ['/b'] }] }],
    plugins: [
      { name: 'proxy-cache', route: 'a', config: { strategy: 'memory', memory: { dictionary_name: 'shared', dictionary_size: 4096 } } },
      { name: 'proxy-cache', route: 'b', config: { strategy: 'memory', memory: { dictionary_name: 'shared', dictionary_size: 8192 } } }
    ]
  }), /dictionary "shared" is configured with two sizes/)
})
