import { test } from 'node:test'
import assert from 'node:assert/strict'
import { kongDocument, startFakeControlPlane } from '../../support/fake-control-plane.js'
import { startUpstream } from '../../support/upstream.js'
import { isAckFor, isHello, startTestNode, stopOnExit, tempDir, waitUntil } from './helpers.js'

// Regression (found by test/integration/hybrid): a config changed and changed back while the node was
// away comes back under a newer version with the same hash. The CP sends no snapshot (the node has
// the hash) and listed the node at the new version, while the node's /status kept the old one.

test('a node reconnecting with the current hash takes the newer version the welcome names, without a snapshot', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const upstream = await startUpstream(t, (req, res) => { req.resume(); res.end('up') })
  const doc = kongDocument([{ name: 'svc', port: upstream.port, paths: ['/svc'] }])
  const first = cp.publish(doc, { version: 3 })
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isAckFor(first.hash))
  assert.equal((await node.status()).config.version, 3)

  await cp.stop()
  await waitUntil('the node sees the disconnect', async () => (await node.status()).control_plane.connected === false)
  const later = cp.publish(doc, { version: 7 })
  assert.equal(later.hash, first.hash)
  await cp.start()
  await cp.waitFor(isHello(2))
  await waitUntil('the node reports version 7', async () => (await node.status()).config.version === 7)
  const status = await node.status()
  assert.deepEqual([status.config.hash, status.control_plane.sync_status], [first.hash, 'in_sync'])
  assert.equal(cp.acks().length, 1, 'no snapshot was sent')
  assert.equal((await node.get('/svc/x')).body, 'up')
})
