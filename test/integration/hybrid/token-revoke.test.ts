import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { startUpstream } from '../../support/upstream.js'
import {
  currentConfig, expectStatus, groupWithConfig, kongDoc, listedNodes, servedBy, startControlPlaneProcess, startNodeProcess,
  tempDir, waitUntil
} from './hybrid-kit.js'

/** How often the CP refused an upgrade with an unknown (revoked) token. */
function refusals (cp: { proc: { logs: Array<{ msg: string }> } }): number {
  return cp.proc.logs.filter((l) => l.msg === 'node refused: unknown data-plane token').length
}

test('revoking a production node\'s token disconnects that node at once while it keeps serving its last config, and the other node stays connected', async (t) => {
  const dir = tempDir(t)
  const upstream = await startUpstream(t, (req, res) => { req.resume(); res.end('production') })
  const cp = await startControlPlaneProcess(t, join(dir, 'cp.db'))
  const [tokenA, tokenB] = await groupWithConfig(cp.call, 'production', kongDoc([{ name: 'svc', port: upstream.port, paths: ['/prod'] }]), 2)
  const [revoked, kept] = await Promise.all([
    startNodeProcess(t, cp.url, tokenA.token, join(dir, 'a')),
    startNodeProcess(t, cp.url, tokenB.token, join(dir, 'b'))
  ])
  for (const node of [revoked, kept]) await servedBy(node, '/prod', 200, 'production')
  const revokedId = (await revoked.status()).control_plane.node_id as string
  const keptId = (await kept.status()).control_plane.node_id as string
  const before = await currentConfig(cp.call, 'production')
  await waitUntil('both nodes are listed connected', async () => (await listedNodes(cp.call, 'production')).filter((n) => n.connected === true).length === 2)

  await expectStatus(cp.call, 204, 'DELETE', `/runtime-groups/production/data-plane-tokens/${tokenA.id}`)
  // The revocation itself closes the session (4001): the CP says so, and the node names the cause.
  // Nothing else could have dropped it within the test (the CP's heartbeat timeout is 30 s).
  const closedLine = await cp.proc.waitForLog((l) => l.msg === 'node disconnected: token revoked')
  assert.equal(closedLine.token_id, tokenA.id)
  await revoked.proc.waitForLog((l) => l.level === 50 && /revoked this node's token/.test(l.msg))
  await waitUntil('the revoked node is listed disconnected', async () =>
    (await listedNodes(cp.call, 'production')).find((n) => n.id === revokedId)?.connected === false)
  await waitUntil('the revoked node reports it is disconnected', async () => (await revoked.status()).control_plane.connected === false)
  assert.deepEqual([...new Set(cp.proc.logs.filter((l) => l.msg === 'node disconnected: token revoked').map((l) => l.token_id))], [tokenA.id], 'only the revoked token\'s session was closed')

  // A change after the revocation reaches the kept node only; the revoked node serves what it had.
  await expectStatus(cp.call, 201, 'POST', '/runtime-groups/production/routes', { name: 'after', paths: ['/after'], service: { name: 'svc' } })
  const after = await currentConfig(cp.call, 'production')
  await servedBy(kept, '/after', 200, 'production')
  // The revoked node retries at the backoff cap: let it be refused twice after the change, so it had
  // its chances to be wrongly let in.
  const refusedBefore = refusals(cp)
  await waitUntil('the revoked node was refused twice more', () => refusals(cp) >= refusedBefore + 2)
  assert.equal((await revoked.get('/prod')).body, 'production', 'the revoked node keeps serving its last config')
  assert.equal((await revoked.get('/after')).status, 404, 'the revoked node receives no config after the revocation')
  const revokedStatus = await revoked.status()
  assert.deepEqual([revokedStatus.control_plane.connected, revokedStatus.config.hash, revokedStatus.config.version], [false, before.hash, before.version])
  assert.match(String(revokedStatus.control_plane.last_error), /HTTP 401|revoked/)

  const keptStatus = await kept.status()
  assert.deepEqual([keptStatus.control_plane.connected, keptStatus.config.hash], [true, after.hash])
  await waitUntil('the kept node is listed in sync with the new config', async () =>
    (await listedNodes(cp.call, 'production')).find((n) => n.id === keptId)?.config_hash === after.hash)
  const listed = await listedNodes(cp.call, 'production')
  assert.deepEqual(listed.map((n) => [n.id, n.connected]).sort(), [[revokedId, false], [keptId, true]].sort())
  assert.equal(listed.find((n) => n.id === revokedId)?.config_hash, before.hash, 'the revoked node is listed with the config it kept')
})
