import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'

// file-log through a real node, writing into a temp dir.

function tempDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-file-log-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function nodeWith (t: TestContext, config: Record<string, unknown>): Promise<Awaited<ReturnType<typeof startPluginNode>>> {
  const upstream = await startUpstream(t, echoHandler)
  return await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}/up`, routes: [{ name: 'logged', paths: ['/logged'] }, { name: 'quiet', paths: ['/quiet'] }] }],
    plugins: [{ name: 'file-log', route: 'logged', config }]
  })
}

function lines (file: string): Array<Record<string, any>> {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>)
}

async function waitForLines (file: string, n: number): Promise<Array<Record<string, any>>> {
  const deadline = Date.now() + 5000
  for (;;) {
    const found = lines(file)
    if (found.length >= n) return found
    if (Date.now() > deadline) throw new Error(`${file}: ${found.length} lines, expected ${n}`)
    await sleep(10)
  }
}

test('appends one JSON line per request in Kong\'s log format, credentials redacted', async (t) => {
  const file = join(tempDir(t), 'access.log')
  const node = await nodeWith(t, { path: file })
  const before = Date.now()
  const res = await node.get('/logged/x?a=1&a=2&flag', { authorization: 'Bearer secret', 'x-test': 'yes' })
  const after = Date.now()
  assert.equal(res.status, 200)
  await node.get('/quiet/x')
  const [entry] = await waitForLines(file, 1)
  assert.equal(entry.request.method, 'GET')
  assert.equal(entry.request.uri, '/logged/x?a=1&a=2&flag')
  assert.match(entry.request.url, /^http:\/\/127\.0\.0\.1:\d+\/logged\/x\?a=1&a=2&flag$/)
  assert.deepEqual(entry.request.querystring, { a: ['1', '2'], flag: true })
  assert.equal(entry.request.headers.authorization, 'REDACTED')
  assert.equal(entry.request.headers['x-test'], 'yes')
  assert.ok(entry.request.size > 50, String(entry.request.size))
  assert.equal(entry.upstream_uri, '/up/x?a=1&a=2&flag')
  assert.equal(entry.response.status, 200)
  assert.equal(entry.response.headers['content-type'], 'application/json')
  assert.ok(entry.response.size > Number(res.headers['content-length']), String(entry.response.size))
  assert.deepEqual(Object.keys(entry.latencies).sort(), ['kong', 'proxy', 'request'])
  assert.ok(entry.latencies.proxy >= 0 && entry.latencies.request >= entry.latencies.proxy, JSON.stringify(entry.latencies))
  assert.equal(entry.route.name, 'logged')
  assert.deepEqual(entry.route.paths, ['/logged'])
  assert.deepEqual(entry.route.service, { id: null, name: 'echo' })
  assert.equal(entry.service.name, 'echo')
  assert.equal(entry.service.path, '/up')
  assert.equal(entry.client_ip, '127.0.0.1')
  assert.ok(entry.started_at >= before && entry.started_at <= after, `started_at ${entry.started_at} is when the request arrived (between ${before} and ${after})`)
  assert.equal(entry.consumer, undefined)
  await sleep(50)
  assert.equal(lines(file).length, 1, 'the route without the plugin is not logged')
})

test('many concurrent requests are written in batches, one whole line each', async (t) => {
  const file = join(tempDir(t), 'burst.log')
  const node = await nodeWith(t, { path: file })
  await Promise.all(Array.from({ length: 60 }, async (_, i) => await node.get(`/logged/${i}`)))
  const found = await waitForLines(file, 60)
  assert.deepEqual(found.map((e) => e.request.uri).sort(), Array.from({ length: 60 }, (_, i) => `/logged/${i}`).sort())
})

test('SIGUSR1 reopens the file, so a rotated log (logrotate\'s move + signal) continues in a new file', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'rotated.log')
  const node = await nodeWith(t, { path: file })
  await node.get('/logged/before')
  await waitForLines(file, 1)
  renameSync(file, `${file}.1`)
  await node.get('/logged/moved') // still written to the open (moved) file
  await waitForLines(`${file}.1`, 2)
  process.kill(process.pid, 'SIGUSR1')
  await sleep(20)
  await node.get('/logged/after')
  const after = await waitForLines(file, 1)
  assert.deepEqual(after.map((e) => e.request.uri), ['/logged/after'])
  assert.deepEqual(lines(`${file}.1`).map((e) => e.request.uri), ['/logged/before', '/logged/moved'])
})

test('with reopen, every batch opens the file again: a moved file is followed without a signal', async (t) => {
  const file = join(tempDir(t), 'reopen.log')
  const node = await nodeWith(t, { path: file, reopen: true })
  await node.get('/logged/one')
  await waitForLines(file, 1)
  renameSync(file, `${file}.1`)
  await node.get('/logged/two')
  assert.deepEqual((await waitForLines(file, 1)).map((e) => e.request.uri), ['/logged/two'])
})

test('a file that cannot be opened is logged; requests are not affected', async (t) => {
  const file = join(tempDir(t), 'missing-dir', 'x.log')
  const node = await nodeWith(t, { path: file })
  for (let i = 0; i < 3; i++) assert.equal((await node.get('/logged/x')).status, 200)
  const deadline = Date.now() + 5000
  while (!node.logs.some((l) => l.msg === 'file-log could not open its file; lines dropped') && Date.now() < deadline) await sleep(10)
  const logged = node.logs.find((l) => l.msg === 'file-log could not open its file; lines dropped')
  assert.equal(logged?.path, file)
  assert.equal(logged?.level, 50)
})
