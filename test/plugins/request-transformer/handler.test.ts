import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { startUpstream } from '../../support/upstream.js'

// request-transformer through a real node; the upstream answers with what it received, body text
// included.

interface Seen { method: string, url: string, headers: Record<string, string | string[] | undefined>, body: string }

function mirror (req: IncomingMessage, res: ServerResponse): void {
  let body = ''
  req.setEncoding('utf8')
  req.on('data', (c: string) => { body += c })
  req.on('end', () => {
    const reply = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(reply)
  })
}

async function nodeWith (t: TestContext, config: Record<string, unknown>, route: Record<string, unknown> = { paths: ['/r'] }): Promise<(path: string, options?: { method?: string, headers?: Record<string, string>, body?: string }) => Promise<Seen & { status: number }>> {
  const upstream = await startUpstream(t, mirror)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'up', url: `http://127.0.0.1:${upstream.port}/base`, routes: [{ name: 'r', ...route }] }],
    plugins: [{ name: 'request-transformer', route: 'r', config }]
  })
  return async (path, options = {}) => {
    const res = await node.request(path, options)
    return res.status === 200 ? { status: 200, ...(JSON.parse(res.body) as Seen) } : { status: res.status, method: '', url: '', headers: {}, body: res.body }
  }
}

test('edits headers in Kong\'s order; add only when missing, replace only when present (Host always)', async (t) => {
  const call = await nodeWith(t, {
    remove: { headers: ['x-secret'] },
    rename: { headers: ['x-old:x-new'] },
    replace: { headers: ['x-present:replaced', 'x-absent:never', 'host:internal.example'] },
    add: { headers: ['x-added:1', 'x-present:not-this', 'host:nope'] },
    append: { headers: ['x-list:two'] }
  })
  const seen = await call('/r/x', { headers: { 'x-secret': 's', 'x-old': 'o', 'x-present': 'p', 'x-list': 'one' } })
  const h = seen.headers
  assert.deepEqual(
    [h['x-secret'], h['x-old'], h['x-new'], h['x-present'], h['x-absent'], h['x-added'], h['x-list'], h.host],
    [undefined, undefined, 'o', 'replaced', undefined, '1', 'one, two', 'internal.example']
  )
})

test('templates read the request as the client sent it: headers, query parameters, regex captures, with "or" fallbacks', async (t) => {
  const call = await nodeWith(t, {
    remove: { headers: ['x-user'] },
    add: {
      headers: ['x-who:$(headers.x_user)', 'x-from:$(query_params.from or "nowhere")', 'x-id:id-$(uri_captures.id)-$(uri_captures[1])', 'x-missing:[$(headers.absent)]'],
      querystring: ['user:$(headers["X-User"])']
    }
  }, { paths: ['~/r/(?<id>\\d+)$'] })
  const seen = await call('/r/42?a=1', { headers: { 'x-user': 'alice' } })
  assert.deepEqual(
    [seen.headers['x-user'], seen.headers['x-who'], seen.headers['x-from'], seen.headers['x-id'], seen.headers['x-missing'], seen.url],
    [undefined, 'alice', 'nowhere', 'id-42-42', '[]', '/base?a=1&user=alice']
  )
  assert.equal((await call('/r/7?from=mobile')).headers['x-from'], 'mobile')
})

test('replace.uri replaces the whole upstream path from captures; the query string stays', async (t) => {
  const call = await nodeWith(t, { replace: { uri: '/users/$(uri_captures.id)/profile' } }, { paths: ['~/u/(?<id>\\w+)$'] })
  assert.equal((await call('/u/bob?full=1')).url, '/users/bob/profile?full=1')
})

test('edits the query string: remove, rename, replace (present only), add (missing only), append', async (t) => {
  const call = await nodeWith(t, {
    remove: { querystring: ['debug'] },
    rename: { querystring: ['q:query'] },
    replace: { querystring: ['v:2', 'absent:x'] },
    add: { querystring: ['page:1', 'v:not-this'] },
    append: { querystring: ['tag:b'] }
  })
  const url = new URL((await call('/r/x?debug=1&q=term&v=1&tag=a')).url, 'http://x')
  assert.equal(url.pathname, '/base/x')
  assert.deepEqual([...url.searchParams], [['v', '2'], ['tag', 'a'], ['query', 'term'], ['page', '1'], ['tag', 'b']])
})

const BODY_EDITS = {
  remove: { body: ['password'] },
  rename: { body: ['user:username'] },
  replace: { body: ['role:member', 'absent:x'] },
  add: { body: ['source:$(headers.x_source or "api")', 'role:not-this'] },
  append: { body: ['tags:new'] }
}

test('edits the top-level fields of a JSON body; content-length follows', async (t) => {
  const call = await nodeWith(t, BODY_EDITS)
  const seen = await call('/r/x', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'alice', password: 'p', role: 'admin', tags: ['old'], nested: { password: 'kept' } })
  })
  assert.deepEqual(JSON.parse(seen.body), { role: 'member', tags: ['old', 'new'], nested: { password: 'kept' }, username: 'alice', source: 'api' })
  assert.equal(seen.headers['content-length'], String(Buffer.byteLength(seen.body)))
  // A body-less JSON request gets the added and appended fields only.
  const empty = await call('/r/x', { method: 'POST', headers: { 'content-type': 'application/json', 'x-source': 'web' } })
  assert.deepEqual(JSON.parse(empty.body), { source: 'web', role: 'not-this', tags: ['new'] })
})

test('a JSON body that does not parse, or is not an object, is sent unchanged', async (t) => {
  const call = await nodeWith(t, BODY_EDITS)
  assert.equal((await call('/r/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":' })).body, '{"user":')
  assert.equal((await call('/r/x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2]' })).body, '[1,2]')
})

test('edits the fields of a form-urlencoded body', async (t) => {
  const call = await nodeWith(t, BODY_EDITS)
  const seen = await call('/r/x', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=alice&password=p&role=admin&tags=old' })
  assert.deepEqual([...new URLSearchParams(seen.body)], [['role', 'member'], ['tags', 'old'], ['username', 'alice'], ['source', 'api'], ['tags', 'new']])
  assert.equal(seen.headers['content-length'], String(seen.body.length))
})

test('other bodies are not buffered: the upstream gets the first bytes before the client sent the rest', async (t) => {
  let firstBytes: () => void = () => {}
  const arrived = new Promise<void>((resolve) => { firstBytes = resolve })
  const upstream = await startUpstream(t, (req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { body += c; firstBytes() })
    req.on('end', () => res.end(body))
  })
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'up', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'request-transformer', route: 'r', config: BODY_EDITS }]
  })
  const send = async (contentType: string): Promise<string> => await new Promise((resolve, reject) => {
    const req = httpRequest(`${node.url}/r/x`, { method: 'POST', headers: { 'content-type': contentType } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => resolve(body))
    })
    req.on('error', reject)
    req.write('first,')
    const timer = setTimeout(() => { req.destroy(); reject(new Error('the upstream saw nothing before the body ended: buffered')) }, 2000)
    void arrived.then(() => { clearTimeout(timer); req.end('second') })
  })
  assert.equal(await send('text/plain'), 'first,second')
})

test('http_method changes the method; for GET the fields of a form body join the query string', async (t) => {
  const toPost = await nodeWith(t, { http_method: 'POST' })
  assert.equal((await toPost('/r/x')).method, 'POST')
  const toGet = await nodeWith(t, { http_method: 'GET' })
  const seen = await toGet('/r/x?a=1', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=2&b=3' })
  assert.equal(seen.method, 'GET')
  assert.deepEqual([...new URL(seen.url, 'http://x').searchParams], [['a', '1'], ['a', '2'], ['b', '3']])
})

test('a template that renders a value no header may carry answers 400, not a plugin failure', async (t) => {
  const call = await nodeWith(t, { add: { headers: ['x-q:$(query_params.q)'] } })
  const res = await call('/r/x?q=a%0Ab')
  assert.deepEqual([res.status, JSON.parse(res.body)], [400, { message: 'Bad request' }])
  assert.equal((await call('/r/x?q=fine')).headers['x-q'], 'fine')
})
