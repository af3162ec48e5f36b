import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { refusedPort, startUpstream } from '../../support/upstream.js'

// response-transformer through a real node: an upstream that answers what the query asks for
// (?type=…&body=…), the plugin on route r.

function answering (req: IncomingMessage, res: ServerResponse): void {
  req.resume()
  const q = new URL(req.url ?? '/', 'http://x').searchParams
  const body = q.get('body') ?? '{"a":1,"secret":"s","old":"o","list":[1],"n":5,"keep":"k"}'
  res.writeHead(Number(q.get('status') ?? '200'), {
    'content-type': q.get('type') ?? 'application/json',
    'x-internal': 'yes',
    'x-old': 'one',
    server: 'upstream',
    vary: 'accept'
  })
  // Two writes: a streamed body must come out whole either way.
  res.write(body.slice(0, 5))
  setTimeout(() => res.end(body.slice(5)), 5)
}

async function nodeWith (t: TestContext, config: Record<string, unknown>, extraPlugins: unknown[] = []): Promise<Awaited<ReturnType<typeof startPluginNode>>> {
  const upstream = await startUpstream(t, answering)
  return await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'up', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'response-transformer', route: 'r', config }, ...extraPlugins]
  })
}

test('edits headers in Kong\'s order: remove, rename, replace (existing only), add (missing only), append', async (t) => {
  const node = await nodeWith(t, {
    remove: { headers: ['x-internal'] },
    rename: { headers: ['x-old:x-new'] },
    replace: { headers: ['server:atrium', 'x-absent:never'] },
    add: { headers: ['x-added:1', 'server:not-this'] },
    append: { headers: ['vary:origin'] }
  })
  const res = await node.get('/r/x')
  assert.equal(res.status, 200)
  assert.deepEqual(
    [res.headers['x-internal'], res.headers['x-old'], res.headers['x-new'], res.headers.server, res.headers['x-absent'], res.headers['x-added'], res.headers.vary],
    [undefined, undefined, 'one', 'atrium', undefined, '1', 'accept, origin']
  )
})

test('edits top-level fields of a JSON object body with json_types; content-length follows', async (t) => {
  const node = await nodeWith(t, {
    remove: { json: ['secret'] },
    rename: { json: ['old:renamed'] },
    replace: { json: ['n:42', 'absent:x'], json_types: ['number'] },
    add: { json: ['flag:true', 'keep:not-this', 'url:http://a/b'], json_types: ['boolean'] },
    append: { json: ['list:2', 'keep:more', 'fresh:v'], json_types: ['number'] }
  })
  const res = await node.get('/r/x')
  const body = JSON.parse(res.body) as Record<string, unknown>
  assert.deepEqual(body, { a: 1, renamed: 'o', list: [1, 2], n: 42, keep: ['k', 'more'], flag: true, url: 'http://a/b', fresh: ['v'] })
  assert.equal(res.headers['content-length'], String(Buffer.byteLength(res.body)))
})

test('a number type that does not parse skips the edit; a boolean is true only for "true"', async (t) => {
  const node = await nodeWith(t, { add: { json: ['x:abc', 'y:yes', 'z:1.5'], json_types: ['number', 'boolean', 'number'] } })
  assert.deepEqual(JSON.parse((await node.get('/r/x?body={}')).body), { y: false, z: 1.5 })
})

test('leaves non-JSON responses, JSON that does not parse and JSON that is not an object as they are (headers still edited)', async (t) => {
  const node = await nodeWith(t, { remove: { json: ['a'], headers: ['x-internal'] }, add: { json: ['b:1'] } })
  const text = await node.get('/r/x?type=text/plain&body={"a":1}')
  assert.deepEqual([text.body, text.headers['transfer-encoding'], text.headers['x-internal']], ['{"a":1}', 'chunked', undefined])
  assert.equal((await node.get('/r/x?body={"a":')).body, '{"a":')
  assert.equal((await node.get('/r/x?body=[1,2]')).body, '[1,2]')
  // A JSON content type with parameters is JSON.
  assert.deepEqual(JSON.parse((await node.get('/r/x?type=application/json;%20charset=utf-8&body={"a":1}')).body), { b: '1' })
})

test('applies to a plugin\'s early answer and to gateway errors too', async (t) => {
  const node = await nodeWith(t, { add: { headers: ['x-transformed:yes'], json: ['extra:1'] } }, [
    { name: 'request-termination', route: 'r', config: { status_code: 403, message: 'no' } }
  ])
  const res = await node.get('/r/x')
  assert.deepEqual([res.status, res.headers['x-transformed'], JSON.parse(res.body)], [403, 'yes', { message: 'no', extra: '1' }])
  const down = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'down', url: `http://127.0.0.1:${await refusedPort()}`, retries: 0, routes: [{ name: 'd', paths: ['/d'] }] }],
    plugins: [{ name: 'response-transformer', config: { add: { headers: ['x-transformed:yes'], json: ['extra:1'] } } }]
  })
  const failed = await down.get('/d')
  assert.deepEqual([failed.status, failed.headers['x-transformed'], JSON.parse(failed.body).extra], [502, 'yes', '1'])
})
