import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { loadDeclarativeDocument } from '../../../src/contract/index.js'
import { CACHE_FILE } from '../../../src/data-plane/sync-client/index.js'
import { startFakeControlPlane, type NodeEvent } from '../../support/fake-control-plane.js'
import { startUpstream } from '../../support/upstream.js'
import { isAckFor, isHello, startTestNode, stopOnExit, tempDir, waitUntil } from './helpers.js'

// A real node (in this process) fed delta frames by a fake control plane: it rebuilds the config,
// validates and serves it and acks its hash; a delta on another base, or one whose result does not
// hash as announced, is never applied: the node asks for the full snapshot and keeps serving.

const SVC = '00000000-0000-4000-8000-00000000000a'
const R1 = '00000000-0000-4000-8000-0000000000a1'
const R2 = '00000000-0000-4000-8000-0000000000a2'

function doc (port: number, routes: Array<{ id: string, path: string }>): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: [{ id: SVC, name: 'alpha', url: `http://127.0.0.1:${port}`, routes: routes.map((r) => ({ id: r.id, name: `route-${r.path.slice(1)}`, paths: [r.path] })) }]
  }
}

function hashOf (d: Record<string, unknown>): string {
  const loaded = loadDeclarativeDocument(d)
  assert.ok(loaded.ok, JSON.stringify(loaded))
  return loaded.hash
}

function deltaFrame (fields: Record<string, unknown>): Buffer {
  return gzipSync(Buffer.from(JSON.stringify({ type: 'delta', ...fields })))
}

const isResync = (n = 1) => {
  let seen = 0
  return (e: NodeEvent): e is Extract<NodeEvent, { type: 'resync' }> => e.type === 'resync' && ++seen === n
}

test('a node applies a delta on the config it serves, serves the change, acks and caches the full document', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end(`alpha ${req.url ?? ''}`) })
  const v1 = doc(up.port, [{ id: R1, path: '/one' }])
  const first = cp.publish(v1, { version: 1 })
  const dir = tempDir(t)
  const node = await startTestNode(t, cp, dir)
  assert.deepEqual((await cp.waitFor(isHello())).message.features, ['delta', 'analytics', 'upstream_health'])
  await cp.waitFor(isAckFor(first.hash))

  const v2 = doc(up.port, [{ id: R1, path: '/one' }, { id: R2, path: '/two' }])
  const h2 = hashOf(v2)
  cp.pushFrame(deltaFrame({
    version: 2, hash: h2, base_version: 1, base_hash: first.hash,
    put: [{ id: R2, name: 'route-two', paths: ['/two'] }],
    lists: { [`services/${SVC}/routes`]: [R1, R2] }
  }))
  assert.deepEqual((await cp.waitFor(isAckFor(h2))).message, { type: 'ack', version: 2, hash: h2 })
  assert.equal((await node.get('/two/x')).body, 'alpha /x')
  assert.equal((await node.get('/one/y')).body, 'alpha /y')
  const applied = node.logs.filter((l) => l.msg === 'snapshot applied')
  assert.equal(applied.at(-1)?.delta, true)
  const cached = JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as { hash: string, config: unknown }
  assert.equal(cached.hash, h2)
  assert.deepEqual(cached.config, v2)
  assert.equal((await node.status()).config.version, 2)
})

test('a delta on another base, or one that does not hash as announced, is not applied: the node asks for the full snapshot', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end('alpha') })
  const first = cp.publish(doc(up.port, [{ id: R1, path: '/one' }]), { version: 1 })
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isAckFor(first.hash))

  cp.pushFrame(deltaFrame({ version: 2, hash: 'f'.repeat(64), base_version: 1, base_hash: 'e'.repeat(64), put: [], lists: {} }))
  assert.match((await cp.waitFor(isResync(1))).message.reason, /delta base/)

  // The full snapshot the CP answers with clears the wait; then a delta whose result hashes differently.
  const full = cp.publish(doc(up.port, [{ id: R1, path: '/one' }]), { version: 3 })
  await waitUntil('version 3 recorded', async () => (await node.status()).config.version === 3)
  cp.pushFrame(deltaFrame({
    version: 4, hash: 'a'.repeat(64), base_version: 3, base_hash: full.hash,
    put: [{ id: R2, name: 'route-two', paths: ['/two'] }],
    lists: { [`services/${SVC}/routes`]: [R1, R2] }
  }))
  assert.match((await cp.waitFor(isResync(2))).message.reason, /does not pass: snapshot hash mismatch/)
  assert.equal((await node.get('/two')).status, 404, 'the unverified change is not served')
  assert.equal((await node.get('/one')).status, 200, 'the previous config keeps serving')
  assert.equal(cp.applyErrors().length, 0, 'a delta that does not fit is not an apply error')
  assert.equal((await node.status()).config.hash, full.hash)
})

test('a node started from its cache takes a delta on the cached config', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end('alpha') })
  const first = cp.publish(doc(up.port, [{ id: R1, path: '/one' }]), { version: 1 })
  const dir = tempDir(t)
  const before = await startTestNode(t, cp, dir)
  await cp.waitFor(isAckFor(first.hash))
  await before.close()

  const again = await startTestNode(t, cp, dir)
  assert.equal((await cp.waitFor(isHello(2))).message.config_hash, first.hash, 'the restarted node serves its cache')
  const v2 = doc(up.port, [{ id: R2, path: '/two' }])
  const h2 = hashOf(v2)
  cp.pushFrame(deltaFrame({
    version: 2, hash: h2, base_version: 1, base_hash: first.hash,
    put: [{ id: R2, name: 'route-two', paths: ['/two'] }],
    lists: { [`services/${SVC}/routes`]: [R2] }
  }))
  await cp.waitFor(isAckFor(h2))
  assert.equal((await again.get('/two')).status, 200)
  assert.equal((await again.get('/one')).status, 404, 'the route the delta dropped is gone')
})
