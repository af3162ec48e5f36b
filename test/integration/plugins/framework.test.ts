import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AnyPluginHandler, PluginRequestContext } from '../../../src/plugins/types.js'
import { handlerSet, loadConfig, startPluginGateway, withExtraPlugin, type LogLine } from '../../support/plugin-gateway.js'
import { echoHandler, refusedPort, startUpstream, type EchoReply } from '../../support/upstream.js'

// The plugin runner through the real proxy on real sockets, with plugins that exist only here
// (recorders, failing ones, a header-based stand-in for an authentication plugin).

/** Records its phases: access → upstream header `x-trace`, response → client header `x-trace`, log → `journal`. */
function recorder (name: string, priority: number, journal: string[] = []): AnyPluginHandler {
  return {
    name,
    version: '1.0.0',
    priority,
    access (ctx) { ctx.upstream.headers.add('x-trace', name) },
    response (ctx) { ctx.response?.headers.add('x-trace', name) },
    log (ctx) { journal.push(`${name}:${ctx.response?.status ?? '-'}`) }
  }
}

async function echoService (t: TestContext, extra: Record<string, unknown> = {}): Promise<{ doc: Record<string, unknown>, upstream: Awaited<ReturnType<typeof startUpstream>> }> {
  const upstream = await startUpstream(t, echoHandler)
  const doc = {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }, { name: 'plain', paths: ['/plain'] }] }],
    ...extra
  }
  return { doc, upstream }
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

function pluginErrors (logs: LogLine[]): Array<[unknown, unknown, unknown]> {
  return logs.filter((l) => l.msg === 'plugin failed').map((l) => [l.level, l.plugin, l.phase])
}

test('plugins run by priority, higher first, in access and in response; log runs once the response is done', async (t) => {
  const { doc } = await echoService(t)
  const journal: string[] = []
  let config = loadConfig(doc).config
  for (const [name, priority] of [['low', 10], ['high', 3000], ['mid', 500]] as const) config = withExtraPlugin(config, { name, route: 0 })
  const gw = await startPluginGateway(t, config, handlerSet(recorder('low', 10, journal), recorder('high', 3000, journal), recorder('mid', 500, journal)))
  const res = await gw.get('/r/x')
  assert.equal(res.status, 200)
  assert.equal((JSON.parse(res.body) as EchoReply).headers['x-trace'], 'high, mid, low')
  assert.equal(res.headers['x-trace'], 'high, mid, low')
  await waitFor('log phase', () => journal.length === 3)
  assert.deepEqual(journal, ['high:200', 'mid:200', 'low:200'])
  const plain = await gw.get('/plain/x')
  assert.equal(plain.headers['x-trace'], undefined, 'a route without plugins is untouched')
})

test('an async access can edit the upstream request: headers, path and query', async (t) => {
  const { doc } = await echoService(t)
  const rewriter: AnyPluginHandler = {
    name: 'rewriter',
    version: '1.0.0',
    priority: 100,
    async access (ctx: PluginRequestContext) {
      await sleep(5)
      ctx.upstream.headers.set('x-added', ctx.request.query.get('v') ?? 'none')
      ctx.upstream.headers.remove('x-remove')
      ctx.upstream.path = `/rewritten${ctx.upstream.path}`
      ctx.upstream.query = 'a=1&b=2'
    }
  }
  const gw = await startPluginGateway(t, withExtraPlugin(loadConfig(doc).config, { name: 'rewriter' }), handlerSet(rewriter))
  const res = await gw.get('/r/x?v=42', { 'x-remove': 'secret', 'x-keep': 'yes' })
  const echo = JSON.parse(res.body) as EchoReply
  assert.equal(echo.url, '/rewritten/x?a=1&b=2')
  assert.deepEqual([echo.headers['x-added'], echo.headers['x-remove'], echo.headers['x-keep']], ['42', undefined, 'yes'])
})

for (const mode of ['throws', 'rejects'] as const) {
  test(`a plugin that ${mode} in access answers 500 ATRIUM_ERR_PLUGIN_FAILED, logs its name, and the upstream is not called`, async (t) => {
    const { doc, upstream } = await echoService(t)
    const journal: string[] = []
    const failing: AnyPluginHandler = {
      name: 'failing',
      version: '1.0.0',
      priority: 100,
      access: mode === 'throws'
        ? () => { throw new Error('boom') }
        : async () => { await sleep(1); throw new Error('boom') }
    }
    const config = withExtraPlugin(withExtraPlugin(loadConfig(doc).config, { name: 'failing', route: 0 }), { name: 'before', route: 0 })
    const gw = await startPluginGateway(t, config, handlerSet(failing, recorder('before', 1000, journal)))
    const res = await gw.get('/r/x')
    assert.equal(res.status, 500)
    assert.match(String(res.headers['content-type']), /^application\/json/)
    assert.deepEqual(JSON.parse(res.body), { message: 'An unexpected error occurred', code: 'ATRIUM_ERR_PLUGIN_FAILED' })
    assert.equal(upstream.requests, 0)
    assert.deepEqual(pluginErrors(gw.logs), [[50, 'failing', 'access']])
    assert.equal(gw.logs.find((l) => l.msg === 'plugin failed')?.route, 'r')
    await waitFor('log phase', () => journal.length === 1)
    assert.deepEqual(journal, ['before:500'], 'the log phase still runs for the plugins that ran')
    assert.equal((await gw.get('/plain/x')).status, 200, 'other routes keep working')
  })
}

test('a plugin that throws in the response phase answers 500 instead of the upstream response', async (t) => {
  const { doc, upstream } = await echoService(t)
  const failing: AnyPluginHandler = { name: 'failing', version: '1.0.0', priority: 100, response () { throw new Error('bad header logic') } }
  const gw = await startPluginGateway(t, withExtraPlugin(loadConfig(doc).config, { name: 'failing' }), handlerSet(failing))
  const res = await gw.get('/r/x')
  assert.equal(res.status, 500)
  assert.equal(JSON.parse(res.body).code, 'ATRIUM_ERR_PLUGIN_FAILED')
  assert.equal(upstream.requests, 1)
  assert.deepEqual(pluginErrors(gw.logs), [[50, 'failing', 'response']])
})

test('a plugin that throws or rejects in log never touches the response; the failure is logged', async (t) => {
  const { doc } = await echoService(t)
  const throwing: AnyPluginHandler = { name: 'log-throws', version: '1.0.0', priority: 100, log () { throw new Error('disk full') } }
  const rejecting: AnyPluginHandler = { name: 'log-rejects', version: '1.0.0', priority: 101, async log () { throw new Error('network down') } }
  const config = withExtraPlugin(withExtraPlugin(loadConfig(doc).config, { name: 'log-throws' }), { name: 'log-rejects' })
  const gw = await startPluginGateway(t, config, handlerSet(throwing, rejecting))
  const res = await gw.get('/r/x')
  assert.equal(res.status, 200)
  assert.equal((JSON.parse(res.body) as EchoReply).url, '/x')
  await waitFor('both log failures', () => pluginErrors(gw.logs).length === 2)
  assert.deepEqual(pluginErrors(gw.logs).sort(), [[50, 'log-rejects', 'log'], [50, 'log-throws', 'log']])
})

test('exit answers in access: later plugins do not run, the response phase of those that ran does', async (t) => {
  const { doc, upstream } = await echoService(t)
  const journal: string[] = []
  const gate: AnyPluginHandler = {
    name: 'gate',
    version: '1.0.0',
    priority: 1000,
    access (ctx) { ctx.exit(418, { denied: true }, { 'x-why': 'teapot' }) },
    response (ctx) { ctx.response?.headers.add('x-trace', `gate:${ctx.response.source}:${ctx.response.body?.toString() ?? ''}`) }
  }
  let config = loadConfig(doc).config
  for (const name of ['gate', 'before', 'after']) config = withExtraPlugin(config, { name })
  const gw = await startPluginGateway(t, config, handlerSet(gate, recorder('before', 2000, journal), recorder('after', 10, journal)))
  const res = await gw.get('/r/x')
  assert.equal(res.status, 418)
  assert.deepEqual(JSON.parse(res.body), { denied: true })
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  assert.equal(res.headers['content-length'], String(res.body.length))
  assert.equal(res.headers['x-why'], 'teapot')
  assert.equal(res.headers['x-trace'], 'before, gate:exit:{"denied":true}')
  assert.equal(upstream.requests, 0)
  await waitFor('log phase', () => journal.length === 1)
  assert.deepEqual(journal, ['before:418'])
})

test('a consumer identified in access switches to its chain: consumer-scoped instances of lower priority apply (Kong precedence)', async (t) => {
  const { doc } = await echoService(t, {
    consumers: [{ username: 'alice' }, { username: 'bob' }, { username: 'carol' }],
    plugins: [
      { name: 'request-termination', consumer: 'alice', config: { status_code: 403, message: 'alice: consumer' } },
      { name: 'request-termination', consumer: 'bob', config: { status_code: 402, message: 'bob: consumer' } },
      { name: 'request-termination', consumer: 'bob', route: 'r', config: { status_code: 401, message: 'bob: route+consumer' } },
      { name: 'request-termination', service: 'echo', route: 'plain', config: { status_code: 409, message: 'route+service' } },
      { name: 'request-termination', consumer: 'carol', route: 'plain', config: { status_code: 410, message: 'carol: route+consumer' } }
    ]
  })
  /** Stands in for an authentication plugin: `x-user` names the consumer. */
  const auth: AnyPluginHandler = {
    name: 'test-auth',
    version: '1.0.0',
    priority: 1250,
    configure (_config, ctx) {
      return ctx.memo('by-username', () => new Map((ctx.gateway.consumers ?? []).map((c, i) => [c.username, i])))
    },
    access (ctx, byName: Map<string | null, number>) {
      const user = ctx.request.header('x-user')
      const index = user === undefined ? undefined : byName.get(user)
      if (index !== undefined) ctx.setConsumer(index, { id: null, identifier: user ?? null })
    }
  }
  const journal: string[] = []
  let config = withExtraPlugin(loadConfig(doc).config, { name: 'test-auth' })
  // Consumer-scoped but of higher priority than the authentication: it has already had its turn (Kong).
  config = withExtraPlugin(config, { name: 'early', consumer: 0 })
  const gw = await startPluginGateway(t, config, handlerSet(auth, recorder('early', 5000, journal)))
  const message = async (path: string, user?: string): Promise<string> => {
    const res = await gw.get(path, user === undefined ? {} : { 'x-user': user })
    return `${res.status} ${res.status === 200 ? (JSON.parse(res.body) as EchoReply).url : JSON.parse(res.body).message as string}`
  }
  assert.equal(await message('/r/x'), '200 /x')
  assert.equal(await message('/r/x', 'nobody'), '200 /x')
  assert.equal(await message('/r/x', 'alice'), '403 alice: consumer')
  assert.equal(await message('/r/x', 'bob'), '401 bob: route+consumer')
  assert.equal(await message('/plain/x', 'bob'), '409 route+service', 'route+service beats consumer')
  assert.equal(await message('/plain/x', 'carol'), '410 carol: route+consumer', 'route+consumer beats route+service')
  assert.equal(await message('/plain/x'), '409 route+service')
  assert.deepEqual(journal, [], 'a consumer-scoped plugin above the authentication priority never runs')
})

test('a gateway error after access (502) goes through the response phase', async (t) => {
  const port = await refusedPort()
  const { config } = loadConfig({ _format_version: '3.0', services: [{ name: 'down', url: `http://127.0.0.1:${port}`, retries: 0, routes: [{ paths: ['/'] }] }] })
  const seen: string[] = []
  const probe: AnyPluginHandler = { name: 'probe', version: '1.0.0', priority: 10, response (ctx) { seen.push(`${ctx.response?.source ?? ''} ${ctx.response?.status ?? 0}`); ctx.response?.headers.set('x-probe', 'yes') } }
  const gw = await startPluginGateway(t, withExtraPlugin(config, { name: 'probe' }), handlerSet(probe))
  const res = await gw.get('/x')
  assert.equal(res.status, 502)
  assert.deepEqual(JSON.parse(res.body), { message: 'An invalid response was received from the upstream server', code: 'ATRIUM_ERR_PROXY_UPSTREAM_UNAVAILABLE' })
  assert.equal(res.headers['x-probe'], 'yes')
  assert.deepEqual(seen, ['gateway 502'])
})

test('a plugin declaring transformsBody receives the whole upstream body and may replace it', async (t) => {
  const upstream = await startUpstream(t, (req, res) => {
    req.resume()
    res.writeHead(201, { 'content-type': 'text/plain', 'x-up': '1' })
    res.write('hello ')
    setTimeout(() => res.end('world'), 5)
  })
  const { config } = loadConfig({ _format_version: '3.0', services: [{ name: 's', url: `http://127.0.0.1:${upstream.port}`, routes: [{ paths: ['/'] }] }] })
  const shout: AnyPluginHandler = {
    name: 'shout',
    version: '1.0.0',
    priority: 10,
    transformsBody: true,
    response (ctx) {
      const r = ctx.response
      if (r === null || r.body === null) throw new Error('no body')
      r.body = Buffer.from(`${r.body.toString().toUpperCase()}!`)
      r.status = 200
    }
  }
  const gw = await startPluginGateway(t, withExtraPlugin(config, { name: 'shout' }), handlerSet(shout))
  const res = await gw.get('/x')
  assert.deepEqual([res.status, res.body, res.headers['content-length'], res.headers['x-up']], [200, 'HELLO WORLD!', '12', '1'])
})

test('a plugin that sets an invalid header value fails inside that plugin (500 naming it)', async (t) => {
  const { doc } = await echoService(t)
  const bad: AnyPluginHandler = { name: 'bad-header', version: '1.0.0', priority: 10, access (ctx) { ctx.upstream.headers.set('x-bad', 'line\r\nbreak') } }
  const gw = await startPluginGateway(t, withExtraPlugin(loadConfig(doc).config, { name: 'bad-header' }), handlerSet(bad))
  assert.equal((await gw.get('/r/x')).status, 500)
  assert.deepEqual(pluginErrors(gw.logs), [[50, 'bad-header', 'access']])
})
