import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startUpstream } from '../../support/upstream.js'
import {
  currentConfig, expectStatus, freePort, groupWithConfig, kill, kongDoc, listedNodes, servedBy, startControlPlaneProcess,
  startNodeProcess, tempDir, waitUntil, type NodeProcess
} from './hybrid-kit.js'

interface LoopResult { ok: number, failures: string[] }

/** Requests `path` on every node, one after another per node, until stopped; any non-`body` answer is a failure. */
function requestLoop (nodes: NodeProcess[], path: string, body: string): { stop: () => Promise<LoopResult> } {
  const result: LoopResult = { ok: 0, failures: [] }
  let running = true
  const loops = nodes.map(async (node) => {
    while (running) {
      try {
        const res = await node.get(path)
        if (res.status === 200 && res.body === body) result.ok++
        else result.failures.push(`${node.proxy}${path}: ${res.status} ${res.body.slice(0, 200)}`)
      } catch (err) {
        result.failures.push(`${node.proxy}${path}: ${(err as Error).message}`)
      }
    }
  })
  return {
    async stop () {
      running = false
      await Promise.all(loops)
      return result
    }
  }
}

test('nodes serve every request across a CP kill, a node restarted meanwhile serves from its cache, and a change made in the store meanwhile reaches both nodes when the CP is back on its address', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'cp.db')
  const clusterPort = await freePort()
  const upstream = await startUpstream(t, (req, res) => { req.resume(); res.end('up') })
  const cp = await startControlPlaneProcess(t, db, clusterPort)
  const [token] = await groupWithConfig(cp.call, 'production', kongDoc([{ name: 'svc', port: upstream.port, paths: ['/v1'] }]))
  const cacheB = join(dir, 'b')
  const nodeA = await startNodeProcess(t, cp.url, token.token, join(dir, 'a'))
  let nodeB = await startNodeProcess(t, cp.url, token.token, cacheB)
  for (const node of [nodeA, nodeB]) await servedBy(node, '/v1', 200, 'up')
  const first = await currentConfig(cp.call, 'production')
  await waitUntil('both nodes applied the first config', async () =>
    (await Promise.all([nodeA, nodeB].map(async (n) => (await n.status()).config.hash))).every((h) => h === first.hash))

  // The CP dies mid-traffic.
  const loop = requestLoop([nodeA, nodeB], '/v1', 'up')
  await new Promise((resolve) => setTimeout(resolve, 300))
  await kill(cp.proc, 'SIGKILL')
  await waitUntil('both nodes noticed the CP is gone', async () =>
    (await Promise.all([nodeA, nodeB].map(async (n) => (await n.status()).control_plane.connected))).every((c) => c === false), 5000)
  await new Promise((resolve) => setTimeout(resolve, 700))
  const served = await loop.stop()
  assert.deepEqual(served.failures, [], 'no request failed across the kill')
  assert.ok(served.ok >= 20, `the loop ran (${served.ok} requests)`)

  // A node restarted while the CP is down serves from its cache.
  assert.equal(await nodeB.stop(), 0)
  nodeB = await startNodeProcess(t, cp.url, token.token, cacheB)
  await nodeB.proc.waitForLog((l) => l.msg === 'config loaded from cache')
  assert.equal((await nodeB.get('/v1')).body, 'up', 'the restarted node serves from its cache')
  const restarted = await nodeB.status()
  assert.deepEqual([restarted.control_plane.connected, restarted.config.hash, restarted.config.version], [false, first.hash, first.version])

  // Meanwhile another CP process changes the store, and goes away again.
  const other = await startControlPlaneProcess(t, db)
  await expectStatus(other.call, 201, 'POST', '/runtime-groups/production/routes', { name: 'v2', paths: ['/v2'], service: { name: 'svc' } })
  const second = await currentConfig(other.call, 'production')
  assert.notEqual(second.hash, first.hash)
  assert.equal(await other.proc.stop(), 0)
  assert.equal((await nodeA.get('/v2')).status, 404, 'nothing reached the nodes from the other CP')

  // The original CP comes back on its cluster address: both nodes reconnect and converge.
  const back = await startControlPlaneProcess(t, db, clusterPort)
  for (const node of [nodeA, nodeB]) {
    await servedBy(node, '/v2', 200, 'up')
    assert.equal((await node.get('/v1')).body, 'up')
  }
  await waitUntil('both nodes report the new config, connected and in sync', async () => (await Promise.all([nodeA, nodeB].map(async (n) => {
    const s = await n.status()
    return s.control_plane.connected === true && s.control_plane.sync_status === 'in_sync' && s.config.hash === second.hash && s.config.version === second.version
  }))).every(Boolean))
  await waitUntil('the CP lists both nodes connected and in sync', async () => {
    const listed = await listedNodes(back.call, 'production')
    return listed.length === 2 && listed.every((n) => n.connected === true && n.sync_status === 'in_sync' && n.config_hash === second.hash)
  })
  assert.ok(nodeA.proc.logs.filter((l) => l.msg === 'connected to the control plane').length >= 2, 'node A reconnected (it was never restarted)')
})

test('a node started on a corrupted cache with the CP down warns, answers 503 "no configuration loaded" until the CP is back, then serves', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'cp.db')
  const clusterPort = await freePort()
  const upstream = await startUpstream(t, (req, res) => { req.resume(); res.end('up') })
  const cp = await startControlPlaneProcess(t, db, clusterPort)
  const [token] = await groupWithConfig(cp.call, 'production', kongDoc([{ name: 'svc', port: upstream.port, paths: ['/v1'] }]))
  const cacheDir = join(dir, 'node')
  const first = await startNodeProcess(t, cp.url, token.token, cacheDir)
  await servedBy(first, '/v1', 200, 'up')
  await first.proc.waitForLog((l) => l.msg === 'snapshot applied')
  assert.equal(await first.stop(), 0)
  await kill(cp.proc, 'SIGKILL')

  writeFileSync(join(cacheDir, 'config-snapshot.json'), '{"type":"snapshot","version":\u0000 garbage')
  const node = await startNodeProcess(t, cp.url, token.token, cacheDir)
  await node.proc.waitForLog((l) => l.level === 40 && /cached config is corrupted/.test(l.msg))
  for (let i = 0; i < 5; i++) {
    const res = await node.get('/v1')
    assert.equal(res.status, 503)
    assert.equal(JSON.parse(res.body).message, 'no configuration loaded')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const down = await node.status()
  assert.deepEqual([down.control_plane.connected, down.config.hash], [false, null])

  await startControlPlaneProcess(t, db, clusterPort)
  await servedBy(node, '/v1', 200, 'up')
  const up = await node.status()
  assert.equal(up.control_plane.connected, true)
  assert.equal(typeof up.config.hash, 'string')
})

test('a node that reconnects to a config changed and undone while the CP was away reports the CP\'s newer version with the same hash', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'cp.db')
  const clusterPort = await freePort()
  const upstream = await startUpstream(t, (req, res) => { req.resume(); res.end('up') })
  const cp = await startControlPlaneProcess(t, db, clusterPort)
  const [token] = await groupWithConfig(cp.call, 'production', kongDoc([{ name: 'svc', port: upstream.port, paths: ['/v1'] }]))
  const node = await startNodeProcess(t, cp.url, token.token, join(dir, 'node'))
  await servedBy(node, '/v1', 200, 'up')
  const before = await currentConfig(cp.call, 'production')
  await waitUntil('the node applied the config', async () => (await node.status()).config.version === before.version)
  await kill(cp.proc, 'SIGKILL')

  const other = await startControlPlaneProcess(t, db)
  await expectStatus(other.call, 201, 'POST', '/runtime-groups/production/routes', { name: 'tmp', paths: ['/tmp'], service: { name: 'svc' } })
  await expectStatus(other.call, 204, 'DELETE', '/runtime-groups/production/routes/tmp')
  const after = await currentConfig(other.call, 'production')
  assert.deepEqual([after.hash, after.version], [before.hash, before.version + 2])
  assert.equal(await other.proc.stop(), 0)

  const back = await startControlPlaneProcess(t, db, clusterPort)
  await waitUntil('the node reports the CP\'s version', async () => (await node.status()).config.version === after.version)
  const status = await node.status()
  assert.deepEqual([status.control_plane.connected, status.control_plane.sync_status, status.config.hash], [true, 'in_sync', after.hash])
  const [listed] = await listedNodes(back.call, 'production')
  assert.deepEqual([listed.config_version, listed.config_hash], [after.version, after.hash])
  assert.equal(node.proc.logs.filter((l) => l.msg === 'snapshot applied').length, 1, 'the node was not sent the same config again')
})
