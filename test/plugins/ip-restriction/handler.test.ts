import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { networkInterfaces } from 'node:os'
import { startPluginNode, type PluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type TestUpstream } from '../../support/upstream.js'

async function nodeWith (t: TestContext, config: Record<string, unknown>, host?: string): Promise<{ node: PluginNode, upstream: TestUpstream }> {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    plugins: [{ name: 'ip-restriction', route: 'r', config }]
  }, { host })
  return { node, upstream }
}

async function statusOf (node: PluginNode, headers: Record<string, string> = {}): Promise<number> {
  return (await node.get('/r/x', headers)).status
}

test('a denied address gets 403 {"message":"IP address not allowed: <address>"} and the upstream is not called', async (t) => {
  const { node, upstream } = await nodeWith(t, { deny: ['127.0.0.1'] })
  const res = await node.get('/r/x')
  assert.equal(res.status, 403)
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  assert.deepEqual(JSON.parse(res.body), { message: 'IP address not allowed: 127.0.0.1' })
  assert.equal(upstream.requests, 0)
})

test('deny ranges: an address inside a CIDR range is refused, one outside passes', async (t) => {
  assert.equal(await statusOf((await nodeWith(t, { deny: ['127.0.0.0/8'] })).node), 403)
  assert.equal(await statusOf((await nodeWith(t, { deny: ['127.0.0.2', '10.0.0.0/8', '::1'] })).node), 200)
  assert.equal(await statusOf((await nodeWith(t, { deny: ['0.0.0.0/0'] })).node), 403)
})

test('allow lists: only listed addresses and ranges pass', async (t) => {
  assert.equal(await statusOf((await nodeWith(t, { allow: ['127.0.0.1'] })).node), 200)
  assert.equal(await statusOf((await nodeWith(t, { allow: ['127.0.0.0/30'] })).node), 200)
  assert.equal(await statusOf((await nodeWith(t, { allow: ['10.0.0.0/8', '127.0.0.2'] })).node), 403)
})

test('deny wins over allow, as in Kong', async (t) => {
  const { node, upstream } = await nodeWith(t, { allow: ['127.0.0.0/8'], deny: ['127.0.0.1'] })
  assert.equal(await statusOf(node), 403)
  assert.equal(upstream.requests, 0)
  assert.equal(await statusOf((await nodeWith(t, { allow: ['127.0.0.0/8'], deny: ['127.0.0.2'] })).node), 200)
})

test('status and message replace the default refusal', async (t) => {
  const { node } = await nodeWith(t, { deny: ['127.0.0.1'], status: 401, message: 'not from here' })
  const res = await node.get('/r/x')
  assert.deepEqual([res.status, JSON.parse(res.body)], [401, { message: 'not from here' }])
})

test('the decision uses the connection\'s address: a client\'s own X-Forwarded-For or X-Real-IP changes nothing', async (t) => {
  const denied = await nodeWith(t, { deny: ['127.0.0.1'] })
  assert.equal(await statusOf(denied.node, { 'x-forwarded-for': '10.1.2.3', 'x-real-ip': '10.1.2.3' }), 403)
  const allowed = await nodeWith(t, { allow: ['10.0.0.0/8'] })
  assert.equal(await statusOf(allowed.node, { 'x-forwarded-for': '10.1.2.3', 'x-real-ip': '10.1.2.3' }), 403)
})

test('a route-scoped instance replaces the global one on its route only (Kong precedence)', async (t) => {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'open', paths: ['/open'] }, { name: 'closed', paths: ['/closed'] }] }],
    plugins: [
      { name: 'ip-restriction', config: { deny: ['127.0.0.0/8'] } },
      { name: 'ip-restriction', route: 'open', config: { allow: ['127.0.0.1'] } }
    ]
  })
  assert.equal((await node.get('/open/x')).status, 200)
  assert.equal((await node.get('/closed/x')).status, 403)
})

function hasIpv6Loopback (): boolean {
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv6' && i.address === '::1') === true)
}

test('IPv6 clients (a node listening on ::1): addresses and ranges match, refusals name the address', { skip: hasIpv6Loopback() ? false : 'this machine has no ::1' }, async (t) => {
  const allowed = await nodeWith(t, { allow: ['::1'] }, '::1')
  assert.equal(await statusOf(allowed.node), 200)
  assert.equal(await statusOf((await nodeWith(t, { allow: ['::1/128', '127.0.0.1'] }, '::1')).node), 200)
  assert.equal(await statusOf((await nodeWith(t, { allow: ['2001:db8::/32', '127.0.0.1'] }, '::1')).node), 403)
  assert.equal(await statusOf((await nodeWith(t, { deny: ['2001:db8::/32'] }, '::1')).node), 200)
  const denied = await nodeWith(t, { deny: ['::/0'] }, '::1')
  const res = await denied.node.get('/r/x')
  assert.deepEqual([res.status, JSON.parse(res.body)], [403, { message: 'IP address not allowed: ::1' }])
  assert.equal(denied.upstream.requests, 0)
  const both = await nodeWith(t, { allow: ['::/0'], deny: ['::1'] }, '::1')
  assert.equal(await statusOf(both.node), 403)
})
