import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { httpCall } from '../../support/http-client.js'
import { startPluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type EchoReply } from '../../support/upstream.js'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

async function nodeWith (t: TestContext, plugins: unknown[]): Promise<Awaited<ReturnType<typeof startPluginNode>>> {
  const upstream = await startUpstream(t, echoHandler)
  return await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }, { name: 'closed', paths: ['/closed'] }] }],
    plugins
  })
}

function upstreamHeader (body: string, name: string): string | string[] | undefined {
  return (JSON.parse(body) as EchoReply).headers[name.toLowerCase()]
}

test('with the defaults, the upstream gets Kong-Request-ID as <process uuid>#<counter>, and the client gets nothing', async (t) => {
  const node = await nodeWith(t, [{ name: 'correlation-id' }])
  const first = await node.get('/r/a')
  const second = await node.get('/r/b')
  const a = String(upstreamHeader(first.body, 'Kong-Request-ID'))
  const b = String(upstreamHeader(second.body, 'Kong-Request-ID'))
  assert.match(a, new RegExp(`^${UUID}#\\d+$`))
  assert.equal(a.split('#')[0], b.split('#')[0], 'one uuid per process')
  assert.equal(Number(b.split('#')[1]), Number(a.split('#')[1]) + 1, 'then a counter')
  assert.equal(first.headers['kong-request-id'], undefined)
})

test('a request that already has the header keeps its value; an empty one gets a new id', async (t) => {
  const node = await nodeWith(t, [{ name: 'correlation-id', config: { echo_downstream: true } }])
  const kept = await node.get('/r/a', { 'kong-request-id': 'trace-from-outside' })
  assert.equal(upstreamHeader(kept.body, 'kong-request-id'), 'trace-from-outside')
  assert.equal(kept.headers['kong-request-id'], 'trace-from-outside')
  const empty = await node.get('/r/a', { 'kong-request-id': '' })
  assert.match(String(upstreamHeader(empty.body, 'kong-request-id')), new RegExp(`^${UUID}#\\d+$`))
})

test('the uuid generator, a custom header name and echo_downstream', async (t) => {
  const node = await nodeWith(t, [{ name: 'correlation-id', config: { header_name: 'X-Request-ID', generator: 'uuid', echo_downstream: true } }])
  const res = await node.get('/r/a')
  const id = String(upstreamHeader(res.body, 'x-request-id'))
  assert.match(id, new RegExp(`^${UUID}$`))
  assert.equal(res.headers['x-request-id'], id)
  assert.equal(upstreamHeader(res.body, 'kong-request-id'), undefined)
  assert.notEqual(upstreamHeader((await node.get('/r/a')).body, 'x-request-id'), id)
})

test('the tracker generator names server address and port, process, connection and its request count, and time', async (t) => {
  const node = await nodeWith(t, [{ name: 'correlation-id', config: { generator: 'tracker' } }])
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.after(() => agent.destroy())
  const ids = []
  for (let i = 0; i < 2; i++) ids.push(String(upstreamHeader((await httpCall(`${node.url}/r/a`, { agent })).body, 'kong-request-id')))
  const port = node.dp.proxyAddress.port
  const pattern = new RegExp(`^127\\.0\\.0\\.1-${port}-${process.pid}-(\\d+)-(\\d+)-\\d+\\.\\d{3}$`)
  const [a, b] = ids.map((id) => pattern.exec(id))
  assert.ok(a !== null && b !== null, ids.join(' '))
  assert.equal(a[1], b[1], 'same connection')
  assert.deepEqual([a[2], b[2]], ['1', '2'])
})

test('echo_downstream also marks responses the gateway answers itself (an exit of a later plugin)', async (t) => {
  const node = await nodeWith(t, [
    { name: 'correlation-id', config: { echo_downstream: true } },
    { name: 'request-termination', route: 'closed' }
  ])
  const res = await node.get('/closed/x')
  assert.equal(res.status, 503)
  assert.match(String(res.headers['kong-request-id']), new RegExp(`^${UUID}#\\d+$`))
})
