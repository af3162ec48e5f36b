import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { startPluginNode, type PluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type TestUpstream } from '../../support/upstream.js'
import { rateHeaders, uniqueName, windowStartNow } from './rate-limit-kit.js'

// policy: local through a real node. Limits are counted per hour so a window does not end mid-test;
// the second and minute tests freeze the plugin's clock (Date) with node:test's mock timers.

async function nodeWith (t: TestContext, config: Record<string, unknown>): Promise<{ node: PluginNode, upstream: TestUpstream, route: string }> {
  const upstream = await startUpstream(t, echoHandler)
  const route = uniqueName('r')
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: route, paths: ['/r'] }] }],
    plugins: [{ name: 'rate-limiting', route, config: { limit_by: 'ip', ...config } }]
  })
  return { node, upstream, route }
}

test('counts requests per client IP with Kong\'s headers; over the limit: 429, Retry-After, upstream not called', async (t) => {
  const { node, upstream } = await nodeWith(t, { hour: 3 })
  for (let i = 1; i <= 3; i++) {
    const res = await node.get('/r/x')
    assert.equal(res.status, 200)
    const h = rateHeaders(res)
    assert.equal(h['x-ratelimit-limit-hour'], '3')
    assert.equal(h['x-ratelimit-remaining-hour'], String(3 - i))
    assert.equal(h['ratelimit-limit'], '3')
    assert.equal(h['ratelimit-remaining'], String(3 - i))
    const reset = Number(h['ratelimit-reset'])
    assert.ok(reset >= 1 && reset <= 3600, String(reset))
    assert.equal(h['retry-after'], undefined)
  }
  const refused = await node.get('/r/x')
  assert.equal(refused.status, 429)
  assert.deepEqual(JSON.parse(refused.body), { message: 'API rate limit exceeded' })
  const h = rateHeaders(refused)
  assert.equal(h['x-ratelimit-remaining-hour'], '0')
  assert.equal(h['ratelimit-remaining'], '0')
  assert.equal(h['retry-after'], h['ratelimit-reset'])
  assert.equal(upstream.requests, 3)
})

test('with several periods, each has its headers and RateLimit-* follows the one closest to its limit; a refusal uses up nothing', async (t) => {
  const { node, upstream } = await nodeWith(t, { minute: 2, hour: 10 })
  // Frozen 30 s into a minute: the requests share one minute window, however long they take.
  t.mock.timers.enable({ apis: ['Date'], now: windowStartNow(60_000) + 30_000 })
  const first = rateHeaders(await node.get('/r/x'))
  assert.deepEqual([first['x-ratelimit-limit-minute'], first['x-ratelimit-remaining-minute'], first['x-ratelimit-limit-hour'], first['x-ratelimit-remaining-hour']], ['2', '1', '10', '9'])
  assert.deepEqual([first['ratelimit-limit'], first['ratelimit-remaining']], ['2', '1'])
  assert.equal(first['ratelimit-reset'], '30')
  await node.get('/r/x')
  const refused = await node.get('/r/x')
  assert.equal(refused.status, 429)
  const h = rateHeaders(refused)
  // Kong: the refusing period shows 0; the others are not charged for the refused request.
  assert.deepEqual([h['x-ratelimit-remaining-minute'], h['x-ratelimit-remaining-hour']], ['0', '8'])
  assert.equal(h['retry-after'], '30')
  assert.equal(upstream.requests, 2)
})

test('error_code and error_message replace the refusal; hide_client_headers sends no rate headers at all', async (t) => {
  const { node } = await nodeWith(t, { hour: 1, error_code: 503, error_message: 'slow down', hide_client_headers: true })
  const ok = await node.get('/r/x')
  assert.equal(ok.status, 200)
  assert.deepEqual(rateHeaders(ok), {})
  const refused = await node.get('/r/x')
  assert.deepEqual([refused.status, JSON.parse(refused.body)], [503, { message: 'slow down' }])
  assert.deepEqual(rateHeaders(refused), {})
})

test('second limits reset with the next second', async (t) => {
  const { node } = await nodeWith(t, { second: 2, hour: 100 })
  // The plugin reads Date.now(): frozen 100 ms into a second, the three requests share that second.
  t.mock.timers.enable({ apis: ['Date'], now: windowStartNow(1000) + 100 })
  const statuses = [(await node.get('/r/x')).status, (await node.get('/r/x')).status, (await node.get('/r/x')).status]
  assert.deepEqual(statuses, [200, 200, 429])
  t.mock.timers.tick(899)
  assert.equal((await node.get('/r/x')).status, 429, 'the last millisecond of that second')
  t.mock.timers.tick(1)
  const res = await node.get('/r/x')
  assert.equal(res.status, 200, 'the next second')
  assert.equal(rateHeaders(res)['x-ratelimit-limit-second'], '2')
  assert.equal(rateHeaders(res)['x-ratelimit-remaining-second'], '1')
})

test('limit_by header counts each value apart; without the header, the client IP', async (t) => {
  const { node } = await nodeWith(t, { hour: 1, limit_by: 'header', header_name: 'X-Client' })
  assert.equal((await node.get('/r/x', { 'x-client': 'a' })).status, 200)
  assert.equal((await node.get('/r/x', { 'x-client': 'a' })).status, 429)
  assert.equal((await node.get('/r/x', { 'x-client': 'b' })).status, 200)
  assert.equal((await node.get('/r/x')).status, 200)
  assert.equal((await node.get('/r/x')).status, 429)
  assert.equal((await node.get('/r/x', { 'x-client': 'c' })).status, 200)
})

test('limit_by path counts that path as one, whoever asks; other paths by client IP', async (t) => {
  const { node } = await nodeWith(t, { hour: 2, limit_by: 'path', path: '/r/login' })
  assert.equal((await node.get('/r/login')).status, 200)
  assert.equal((await node.get('/r/login', { 'x-forwarded-for': '10.0.0.9' })).status, 200)
  assert.equal((await node.get('/r/login')).status, 429)
  assert.equal((await node.get('/r/other')).status, 200)
  assert.equal((await node.get('/r/other')).status, 200)
  assert.equal((await node.get('/r/other')).status, 429)
})

test('limit_by service: a global instance counts each service apart, shared by its routes', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const a = uniqueName('svc-a')
  const b = uniqueName('svc-b')
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [
      { name: a, url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: `${a}-1`, paths: ['/a1'] }, { name: `${a}-2`, paths: ['/a2'] }] },
      { name: b, url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: `${b}-1`, paths: ['/b1'] }] }
    ],
    plugins: [{ name: 'rate-limiting', config: { hour: 2, limit_by: 'service' } }]
  })
  assert.equal((await node.get('/a1/x')).status, 200)
  assert.equal((await node.get('/a2/x')).status, 200)
  assert.equal((await node.get('/a1/x')).status, 429)
  assert.equal((await node.get('/a2/x')).status, 429)
  assert.equal((await node.get('/b1/x')).status, 200)
  assert.equal((await node.get('/b1/x')).status, 200)
  assert.equal((await node.get('/b1/x')).status, 429)
})

test('counters survive a config reload (a new config version does not reset anyone\'s limit)', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const route = uniqueName('r')
  const doc = (limit: number): Record<string, unknown> => ({
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: route, paths: ['/r'] }] }],
    plugins: [{ name: 'rate-limiting', route, config: { hour: limit, limit_by: 'ip' } }]
  })
  const node = await startPluginNode(t, doc(2))
  assert.equal((await node.get('/r/x')).status, 200)
  assert.equal((await node.get('/r/x')).status, 200)
  assert.equal((await node.reload(doc(3))).ok, true)
  const third = await node.get('/r/x')
  assert.deepEqual([third.status, rateHeaders(third)['x-ratelimit-remaining-hour']], [200, '0'])
  assert.equal((await node.get('/r/x')).status, 429)
})

test('a plugin on a route counts apart from the same plugin on another route (Kong\'s counter scope)', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const one = uniqueName('one')
  const two = uniqueName('two')
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: one, paths: ['/one'] }, { name: two, paths: ['/two'] }] }],
    plugins: [
      { name: 'rate-limiting', route: one, config: { hour: 1, limit_by: 'ip' } },
      { name: 'rate-limiting', route: two, config: { hour: 1, limit_by: 'ip' } }
    ]
  })
  assert.equal((await node.get('/one/x')).status, 200)
  assert.equal((await node.get('/one/x')).status, 429)
  assert.equal((await node.get('/two/x')).status, 200)
})
