import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { startUpstream } from '../../support/upstream.js'
import {
  currentConfig, expectStatus, groupWithConfig, kongDoc, listedNodes, servedBy, startControlPlaneProcess, startNodeProcess,
  tempDir, waitUntil, type NodeProcess
} from './hybrid-kit.js'

test('a route added to production is served by both production nodes and never by the staging node, and the CP lists each group\'s nodes in sync', async (t) => {
  const dir = tempDir(t)
  const prodUp = await startUpstream(t, (req, res) => { req.resume(); res.end('production') })
  const stagingUp = await startUpstream(t, (req, res) => { req.resume(); res.end('staging') })
  const cp = await startControlPlaneProcess(t, join(dir, 'cp.db'))
  const [prodToken] = await groupWithConfig(cp.call, 'production', kongDoc([{ name: 'prod-svc', port: prodUp.port, paths: ['/prod'] }]))
  const [stagingToken] = await groupWithConfig(cp.call, 'staging', kongDoc([{ name: 'staging-svc', port: stagingUp.port, paths: ['/stage'] }]))

  const [prodA, prodB, staging] = await Promise.all([
    startNodeProcess(t, cp.url, prodToken.token, join(dir, 'prod-a')),
    startNodeProcess(t, cp.url, prodToken.token, join(dir, 'prod-b')),
    startNodeProcess(t, cp.url, stagingToken.token, join(dir, 'staging'))
  ])
  for (const node of [prodA, prodB]) await servedBy(node, '/prod', 200, 'production')
  await servedBy(staging, '/stage', 200, 'staging')
  assert.equal((await staging.get('/prod')).status, 404, 'the staging node has only the staging config')
  assert.equal((await prodA.get('/stage')).status, 404, 'a production node has only the production config')

  // The staging node is watched for the whole change: /added must never be served there.
  let watching = true
  const stagingAnswers: number[] = []
  const watcher = (async () => {
    while (watching) {
      stagingAnswers.push((await staging.get('/added')).status)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  try {
    await expectStatus(cp.call, 201, 'POST', '/runtime-groups/production/routes', { name: 'added', paths: ['/added'], service: { name: 'prod-svc' } })
    await Promise.all([prodA, prodB].map(async (node) => await servedBy(node, '/added', 200, 'production')))
  } finally {
    watching = false
    await watcher
  }

  const production = await currentConfig(cp.call, 'production')
  const stagingConfig = await currentConfig(cp.call, 'staging')
  const nodeIds = async (nodes: NodeProcess[]): Promise<string[]> => (await Promise.all(nodes.map(async (n) => (await n.status()).control_plane.node_id as string))).sort()
  const prodIds = await nodeIds([prodA, prodB])
  const stagingIds = await nodeIds([staging])
  // Acks are recorded asynchronously: wait for the CP to show both production nodes in sync.
  await waitUntil('both production nodes are listed in sync', async () =>
    (await listedNodes(cp.call, 'production')).filter((n) => n.sync_status === 'in_sync' && n.config_hash === production.hash).length === 2)
  const listedProd = await listedNodes(cp.call, 'production')
  assert.deepEqual(listedProd.map((n) => n.id).sort(), prodIds, 'exactly the two production nodes')
  for (const n of listedProd) {
    assert.deepEqual([n.connected, n.sync_status, n.config_hash, n.config_version], [true, 'in_sync', production.hash, production.version])
  }
  const listedStaging = await listedNodes(cp.call, 'staging')
  assert.deepEqual(listedStaging.map((n) => n.id), stagingIds, 'exactly the staging node')
  assert.deepEqual([listedStaging[0].connected, listedStaging[0].config_hash], [true, stagingConfig.hash])

  for (const node of [prodA, prodB]) {
    const s = await node.status()
    assert.deepEqual([s.control_plane.connected, s.control_plane.sync_status, s.config.hash, s.config.version], [true, 'in_sync', production.hash, production.version])
  }
  const s = await staging.status()
  assert.deepEqual([s.control_plane.connected, s.config.hash], [true, stagingConfig.hash])

  for (let i = 0; i < 5; i++) stagingAnswers.push((await staging.get('/added')).status)
  assert.ok(stagingAnswers.length >= 5)
  assert.deepEqual([...new Set(stagingAnswers)], [404], 'the staging node never served the production route')
  assert.equal((await staging.get('/stage')).body, 'staging', 'the staging node still serves its own config')
})
