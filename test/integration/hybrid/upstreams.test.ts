import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { join } from 'node:path'
import { startUpstream } from '../../support/upstream.js'
import { expectStatus, groupWithConfig, servedBy, startControlPlaneProcess, startNodeProcess, tempDir, waitUntil, type Call, type NodeProcess } from './hybrid-kit.js'

// Load balancing through the control plane, end to end with real processes: upstreams and targets
// written with the Admin API reach a real node (as deltas), which balances over real target
// servers exactly by weight; a target added, re-weighted or removed changes the split; the node's
// view of target health shows on the control plane (GET …/upstreams/{u}/health, one row per
// node), a passive failure marks a target there, and Kong's PUT …/targets/{t}/unhealthy|healthy
// sent to the control plane steers the node's traffic.

const U = '/runtime-groups/prod/upstreams/orders.upstream'

async function split (node: NodeProcess, n: number): Promise<Record<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const counts: Record<string, number> = {}
  try {
    for (let i = 0; i < n; i++) {
      const r = await node.get('/lb', agent)
      assert.equal(r.status, 200, r.body)
      counts[r.body] = (counts[r.body] ?? 0) + 1
    }
  } finally {
    agent.destroy()
  }
  return counts
}

async function nodeRow (call: Call): Promise<Record<string, any>> {
  const r = await expectStatus(call, 200, 'GET', `${U}/health`)
  assert.equal(r.body.upstream.name, 'orders.upstream')
  assert.equal(r.body.data.length, 1, 'one row per node')
  return r.body.data[0]
}

function healthOf (row: Record<string, any>, target: string): string | undefined {
  return (row.targets as Array<{ target: string, health: string }>).find((t) => t.target === target)?.health
}

test('upstreams and targets written on the control plane balance a real node by weight; its target health shows on the control plane, and marks sent there steer it', async (t) => {
  const dir = tempDir(t)
  const failing = new Set<string>()
  const servers = await Promise.all(['a', 'b', 'c', 'd'].map(async (name) => await startUpstream(t, (req, res) => {
    req.resume()
    res.writeHead(failing.has(name) ? 500 : 200, { 'content-type': 'text/plain' })
    res.end(name)
  })))
  const addr = (i: number): string => `127.0.0.1:${servers[i].port}`
  const cp = await startControlPlaneProcess(t, join(dir, 'cp.db'))
  const [{ token }] = await groupWithConfig(cp.call, 'prod', {
    _format_version: '3.0',
    services: [{ name: 'orders', host: 'orders.upstream', routes: [{ name: 'lb', paths: ['/lb'] }] }]
  })
  await expectStatus(cp.call, 201, 'POST', '/runtime-groups/prod/upstreams', {
    name: 'orders.upstream',
    healthchecks: { passive: { unhealthy: { http_failures: 2 } } }
  })
  for (const [i, weight] of [[0, 10], [1, 10], [2, 5]]) await expectStatus(cp.call, 201, 'POST', `${U}/targets`, { target: addr(i), weight })

  const node = await startNodeProcess(t, cp.url, token, join(dir, 'node'))
  await servedBy(node, '/lb', 200)
  // Each write below reaches the node; the first request after it shows the new config is in.
  const reached = async (what: string, check: (counts: Record<string, number>) => boolean): Promise<void> => {
    await waitUntil(what, async () => check(await split(node, 25)))
  }

  // Weights 10/10/5: 25 requests are one whole cycle, exactly 10/10/5.
  await reached('the node balances over a, b, c', (c) => c.a === 10 && c.b === 10 && c.c === 5)
  assert.deepEqual(await split(node, 100), { a: 40, b: 40, c: 20 })

  const d = await expectStatus(cp.call, 201, 'POST', `${U}/targets`, { target: addr(3), weight: 25 })
  await reached('a target added on the control plane gets its share', (c) => c.d !== undefined)
  assert.deepEqual(await split(node, 50), { a: 10, b: 10, c: 5, d: 25 })
  await expectStatus(cp.call, 200, 'PATCH', `${U}/targets/${String(d.body.id)}`, { weight: 0 })
  await reached('weight 0 takes it out', (c) => c.d === undefined)
  await expectStatus(cp.call, 204, 'DELETE', `${U}/targets/${addr(2)}`)
  await reached('a deleted target gets nothing', (c) => c.c === undefined)
  assert.deepEqual(await split(node, 20), { a: 10, b: 10 }, 'weights 10/10 (and d at 0): any 20 requests in a row split 10/10')

  // The node's health view on the control plane.
  await waitUntil('the node reported its health for the current targets', async () => {
    const r = await nodeRow(cp.call)
    return r.health === 'HEALTHY' && r.targets.length === 3
  })
  let row = await nodeRow(cp.call)
  assert.equal(row.node.connected, true)
  // d has weight 0: no check applies to it (Kong's HEALTHCHECKS_OFF).
  assert.deepEqual(row.targets.map((x: any) => [x.target, x.health]), [[addr(0), 'HEALTHY'], [addr(1), 'HEALTHY'], [addr(3), 'HEALTHCHECKS_OFF']])
  assert.deepEqual(row.targets[0].data.addresses, [{ ip: '127.0.0.1', port: servers[0].port, weight: 10, health: 'HEALTHY' }])

  // Passive: b answers 500 twice in a row → unhealthy on the node, seen on the control plane.
  failing.add('b')
  await waitUntil('b is reported UNHEALTHY', async () => {
    await node.get('/lb')
    return healthOf(await nodeRow(cp.call), addr(1)) === 'UNHEALTHY'
  })
  failing.delete('b')
  assert.deepEqual(await split(node, 20), { a: 20 }, 'an unhealthy target gets no traffic')

  // Kong's marks, sent to the control plane and forwarded to the node.
  const marked = await cp.call('PUT', `${U}/targets/${addr(1)}/healthy`)
  assert.equal(marked.status, 204, marked.text)
  assert.equal(marked.headers['x-atrium-nodes-reached'], '1')
  await reached('b is healthy again', (c) => c.b !== undefined)
  const back = await split(node, 20)
  assert.ok(back.a + back.b === 20 && back.a >= 8 && back.b >= 8, JSON.stringify(back))
  assert.equal((await cp.call('PUT', `${U}/targets/${addr(0)}/127.0.0.1:${servers[0].port}/unhealthy`)).status, 204)
  await reached('a (its one address) is unhealthy', (c) => c.a === undefined)
  await waitUntil('the control plane shows a UNHEALTHY', async () => healthOf(await nodeRow(cp.call), addr(0)) === 'UNHEALTHY')
  row = await nodeRow(cp.call)
  assert.equal(row.targets[0].data.addresses[0].health, 'UNHEALTHY')

  assert.equal((await cp.call('PUT', `${U}/targets/127.0.0.9:1/healthy`)).status, 404, 'an unknown target')
  assert.equal((await cp.call('PUT', `${U}/targets/${addr(0)}/not-an-address/healthy`)).status, 400)
})
