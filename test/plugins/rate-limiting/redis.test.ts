import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAtrium, type AtriumProcess } from '../../support/cli-process.js'
import { httpCall, type SimpleResponse } from '../../support/http-client.js'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { redisCommand, testRedis } from '../../support/redis.js'
import { echoHandler, refusedPort, startUpstream } from '../../support/upstream.js'
import { rateHeaders, uniqueName, windowStartNow } from './rate-limit-kit.js'

// policy: redis against a real Redis server (ATRIUM_TEST_REDIS_URL: the throwaway redis-server
// scripts/run-tests.mjs starts). Keys carry the route's name, unique per test, so tests never share
// counters even on a long-lived server.

function redisConfig (extra: Record<string, unknown> = {}): Record<string, unknown> {
  const redis = testRedis()
  return { policy: 'redis', redis_host: redis.host, redis_port: redis.port, limit_by: 'ip', ...extra }
}

function documentFor (upstreamPort: number, route: string, config: Record<string, unknown>): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstreamPort}`, routes: [{ name: route, paths: ['/r'] }] }],
    plugins: [{ name: 'rate-limiting', route, config }]
  }
}

/** A real `atrium data-plane` process serving `doc` (its own process: its own memory, its own Redis connection). */
async function dataPlaneProcess (t: TestContext, doc: Record<string, unknown>): Promise<{ proc: AtriumProcess, url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-rl-'))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify(doc))
  const proc = startAtrium(['data-plane', '--config', file, '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0'])
  t.after(async () => {
    await proc.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  const line = await proc.waitForLog((l) => l.msg === 'proxy listening')
  return { proc, url: `http://127.0.0.1:${line.port as number}` }
}

async function get (url: string, client = 'counted'): Promise<SimpleResponse> {
  return await httpCall(url + '/r/x', { headers: { 'x-client': client } })
}

/** Until the node's Redis connection is up (a loaded machine may take a while): requests of another client. */
async function warmUp (url: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (rateHeaders(await get(url, 'warm-up'))['x-ratelimit-limit-hour'] === undefined) {
    if (Date.now() > deadline) throw new Error('the node never reached Redis')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('two data-plane processes pointed at one Redis share the limit; with policy local each counts alone', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const route = uniqueName('shared')
  const doc = documentFor(upstream.port, route, redisConfig({ hour: 4, limit_by: 'header', header_name: 'X-Client' }))
  const [a, b] = await Promise.all([dataPlaneProcess(t, doc), dataPlaneProcess(t, doc)])
  await Promise.all([warmUp(a.url), warmUp(b.url)])
  const warmUps = upstream.requests
  const remaining: string[] = []
  for (const node of [a, b, a, b]) {
    const res = await get(node.url)
    assert.equal(res.status, 200)
    remaining.push(rateHeaders(res)['x-ratelimit-remaining-hour'] ?? '')
  }
  assert.deepEqual(remaining, ['3', '2', '1', '0'])
  for (const node of [a, b]) {
    const refused = await get(node.url)
    assert.deepEqual([refused.status, JSON.parse(refused.body)], [429, { message: 'API rate limit exceeded' }])
    assert.ok(Number(rateHeaders(refused)['retry-after']) >= 1)
  }
  assert.equal(upstream.requests - warmUps, 4)

  const localRoute = uniqueName('local')
  const localDoc = documentFor(upstream.port, localRoute, { hour: 2, limit_by: 'ip' })
  const [c, d] = await Promise.all([dataPlaneProcess(t, localDoc), dataPlaneProcess(t, localDoc)])
  const statuses: number[] = []
  for (const node of [c, d, c, d, c, d]) statuses.push((await get(node.url)).status)
  assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429])

  // An open Redis connection does not keep a stopping node alive: SIGTERM exits cleanly (0).
  assert.equal(await a.proc.stop(), 0)
})

test('counters are Kong-style keys in Redis, one per period, expiring with their window', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const route = uniqueName('keys')
  const node = await startPluginNode(t, documentFor(upstream.port, route, redisConfig({ minute: 5, hour: 10 })))
  // The plugin's clock (Date) frozen 30 s into a minute: both requests count in one minute window.
  t.mock.timers.enable({ apis: ['Date'], now: windowStartNow(60_000) + 30_000 })
  const res = await node.get('/r/x')
  assert.equal(res.status, 200)
  assert.deepEqual([rateHeaders(res)['x-ratelimit-remaining-minute'], rateHeaders(res)['x-ratelimit-remaining-hour']], ['4', '9'])
  const redis = testRedis()
  const keys = (await redisCommand(redis, 'KEYS', `ratelimit:${route}:*`)).split('\r\n').filter((l) => l.startsWith('ratelimit:')).sort()
  assert.equal(keys.length, 2, JSON.stringify(keys))
  assert.match(keys[0], new RegExp(`^ratelimit:${route}::127\\.0\\.0\\.1:\\d+:hour$`))
  assert.match(keys[1], new RegExp(`^ratelimit:${route}::127\\.0\\.0\\.1:\\d+:minute$`))
  assert.equal(await redisCommand(redis, 'GET', keys[1]), '$1\r\n1\r\n')
  const ttl = Number((await redisCommand(redis, 'TTL', keys[1])).slice(1))
  assert.ok(ttl >= 1 && ttl <= 31, `${ttl}: the 30 s left in the window, plus one`)
  // The counter is Redis's: another request is the second.
  assert.equal(rateHeaders(await node.get('/r/x'))['x-ratelimit-remaining-minute'], '3')
})

test('Redis unreachable: fault_tolerant (default) proxies without limiting or headers; fault_tolerant false answers 500', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const down = { policy: 'redis', redis_host: '127.0.0.1', redis_port: await refusedPort(), redis_timeout: 500, limit_by: 'ip', hour: 1 }
  const tolerant = await startPluginNode(t, documentFor(upstream.port, uniqueName('tolerant'), down))
  for (let i = 0; i < 3; i++) {
    const res = await tolerant.get('/r/x')
    assert.equal(res.status, 200)
    assert.deepEqual(rateHeaders(res), {})
  }
  assert.ok(tolerant.logs.some((l) => l.msg === 'redis connection failed' || l.msg === 'redis rate-limiting counter update failed'))
  const strict = await startPluginNode(t, documentFor(upstream.port, uniqueName('strict'), { ...down, fault_tolerant: false }))
  const res = await strict.get('/r/x')
  assert.deepEqual([res.status, JSON.parse(res.body)], [500, { message: 'An unexpected error occurred' }])
  assert.equal(upstream.requests, 3)
})

test('limit_by header and the error fields work the same through Redis', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, documentFor(upstream.port, uniqueName('hdr'), redisConfig({
    hour: 1, limit_by: 'header', header_name: 'X-Client', error_code: 403, error_message: 'quota'
  })))
  assert.equal((await node.get('/r/x', { 'x-client': 'a' })).status, 200)
  const refused = await node.get('/r/x', { 'x-client': 'a' })
  assert.deepEqual([refused.status, JSON.parse(refused.body)], [403, { message: 'quota' }])
  assert.equal((await node.get('/r/x', { 'x-client': 'b' })).status, 200)
})
