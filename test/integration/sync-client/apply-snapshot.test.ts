import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { ATRIUM_VERSION } from '../../../src/version.js'
import { SYNC_PROTOCOL_VERSION } from '../../../src/contract/sync-protocol.js'
import { NODE_PLUGINS } from '../../../src/data-plane/node-plugins.js'
import { kongDocument, startFakeControlPlane } from '../../support/fake-control-plane.js'
import { startUpstream } from '../../support/upstream.js'
import { isAckFor, isApplyErrorFor, isHello, startTestNode, stopOnExit, tempDir, waitUntil } from './helpers.js'

async function namedUpstream (t: Parameters<typeof startUpstream>[0], name: string): Promise<number> {
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end(`${name} ${req.url ?? ''}`) })
  return up.port
}

test('a node says hello, applies the snapshot, proxies by it and acks its version and hash', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const port = await namedUpstream(t, 'alpha')
  const snapshot = cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/alpha'] }]))
  const dir = tempDir(t)
  const node = await startTestNode(t, cp, dir)

  const hello = (await cp.waitFor(isHello())).message
  assert.equal(hello.protocol, SYNC_PROTOCOL_VERSION)
  assert.match(hello.node_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  assert.equal(hello.node_id, readFileSync(join(dir, 'node-id'), 'utf8').trim())
  assert.equal(hello.hostname, hostname())
  assert.equal(hello.version, ATRIUM_VERSION)
  assert.deepEqual(hello.plugins, NODE_PLUGINS)
  assert.equal(hello.config_hash, null)

  const ack = (await cp.waitFor(isAckFor(snapshot.hash))).message
  assert.deepEqual(ack, { type: 'ack', version: snapshot.version, hash: snapshot.hash })
  const res = await node.get('/alpha/x')
  assert.equal(res.status, 200)
  assert.equal(res.body, 'alpha /x')

  const status = await node.status()
  assert.equal(status.config.hash, snapshot.hash)
  assert.equal(status.config.version, snapshot.version)
  assert.equal(status.config_version, snapshot.version)
  assert.equal(typeof status.config.applied_at, 'string')
  assert.equal(status.control_plane.connected, true)
  assert.equal(status.control_plane.sync_status, 'in_sync')
  assert.equal(status.control_plane.last_error, null)
  assert.equal(status.control_plane.url, `${cp.url}/v1/sync`)
  assert.equal(status.routes, 1)
  assert.ok(node.logs.some((l) => l.component === 'sync-client' && l.msg === 'snapshot applied'))
})

test('a snapshot whose hash does not match its config is refused with apply_error and the old config keeps serving', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const port = await namedUpstream(t, 'alpha')
  const good = cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/alpha'] }]))
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isAckFor(good.hash))

  const wrongHash = 'f'.repeat(64)
  const bad = cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/beta'] }]), { hash: wrongHash })
  const error = (await cp.waitFor(isApplyErrorFor(wrongHash))).message
  assert.equal(error.version, bad.version)
  assert.match(error.message, /hash mismatch/)
  assert.deepEqual(error.fields.map((f) => f.path), ['hash'])

  assert.equal((await node.get('/alpha/x')).status, 200)
  assert.equal((await node.get('/beta/x')).status, 404)
  const status = await node.status()
  assert.equal(status.config.hash, good.hash)
  assert.equal(status.control_plane.sync_status, 'apply_failed')
  assert.match(status.control_plane.last_error, /hash mismatch/)
})

test('an invalid config is refused with apply_error naming the fields, and the old config keeps serving', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const port = await namedUpstream(t, 'alpha')
  const good = cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/alpha'] }]))
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isAckFor(good.hash))

  const doc = kongDocument([{ name: 'alpha', port, paths: ['~/(?=lookahead)'] }])
  const bad = cp.publish(doc, { hash: 'a'.repeat(64) })
  const error = (await cp.waitFor(isApplyErrorFor(bad.hash))).message
  assert.equal(error.message, 'snapshot config is invalid')
  assert.ok(error.fields.some((f) => f.path === 'config.services[0].routes[0].paths[0]' && /regex/.test(f.message)), JSON.stringify(error.fields))
  assert.equal((await node.get('/alpha/x')).status, 200)
  assert.equal((await node.status()).config.hash, good.hash)
})

test('a frame that is not gzip of JSON is refused with apply_error and the old config keeps serving', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const port = await namedUpstream(t, 'alpha')
  const good = cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/alpha'] }]))
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isAckFor(good.hash))

  cp.pushFrame(Buffer.from('not gzip at all'))
  const notGzip = (await cp.waitFor(isApplyErrorFor(''))).message
  assert.match(notGzip.message, /not valid gzip/)
  cp.pushFrame(gzipSync('{"version": 1, "hash":'))
  await waitUntil('the JSON error is reported', () => cp.applyErrors().some((e) => /not valid JSON/.test(e.message)))
  assert.equal((await node.get('/alpha/x')).status, 200)
})

test('the applied snapshot is cached atomically: the file holds it, no temp file is left, and an invalid one never replaces it', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const port = await namedUpstream(t, 'alpha')
  const dir = tempDir(t)
  const good = cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/alpha'] }]))
  await startTestNode(t, cp, dir)
  await cp.waitFor(isAckFor(good.hash))

  const file = join(dir, 'config-snapshot.json')
  const cached = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  assert.equal(cached.hash, good.hash)
  assert.equal(cached.version, good.version)
  assert.deepEqual(cached.config, good.config)
  assert.deepEqual(readdirSync(dir).sort(), ['config-snapshot.json', 'node-id'])

  const bad = cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/b'] }]), { hash: 'b'.repeat(64) })
  await cp.waitFor(isApplyErrorFor(bad.hash))
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { hash: string }).hash, good.hash)
})

test('a snapshot with the hash the node already serves is acked under its new version without recompiling', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const port = await namedUpstream(t, 'alpha')
  const doc = kongDocument([{ name: 'alpha', port, paths: ['/alpha'] }])
  const first = cp.publish(doc)
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isAckFor(first.hash))
  const router = node.dp.state.current?.router

  const again = cp.publish(doc)
  assert.equal(again.hash, first.hash)
  await waitUntil('the second version is acked', () => cp.acks().some((a) => a.version === again.version))
  assert.equal(node.dp.state.current?.router, router)
  assert.equal((await node.status()).config.version, again.version)
})

test('snapshots apply one at a time in arrival order, and of a burst the newest is the one left serving', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const port = await namedUpstream(t, 'alpha')
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isHello())
  await waitUntil('the node is connected', async () => (await node.status()).control_plane.connected === true)

  const burst = Array.from({ length: 20 }, (_, i) => cp.publish(kongDocument([{ name: 'alpha', port, paths: [`/v${i}`] }])))
  const last = burst[burst.length - 1]
  await cp.waitFor(isAckFor(last.hash))
  await node.dp.syncClient?.idle()
  const versions = cp.acks().map((a) => a.version)
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'acks arrive in version order')
  assert.ok(versions.length <= burst.length)
  assert.equal(cp.applyErrors().length, 0)
  assert.equal((await node.get('/v19/x')).status, 200)
  assert.equal((await node.get('/v0/x')).status, 404)
  assert.equal(node.dp.state.current?.version, last.version)
})

test('a welcome saying plugin_set_incompatible is logged as a warning and the node keeps serving what it has', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const port = await namedUpstream(t, 'alpha')
  const dir = tempDir(t)
  const good = cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/alpha'] }]))
  const first = await startTestNode(t, cp, dir)
  await cp.waitFor(isAckFor(good.hash))
  await first.close()

  cp.welcomeStatus = 'plugin_set_incompatible'
  cp.publish(kongDocument([{ name: 'alpha', port, paths: ['/other'] }]))
  const node = await startTestNode(t, cp, dir)
  await waitUntil('the warning is logged', () => node.logs.some((l) => l.level === 40 && l.sync_status === 'plugin_set_incompatible'))
  const status = await node.status()
  assert.equal(status.control_plane.sync_status, 'plugin_set_incompatible')
  assert.equal(status.config.hash, good.hash)
  assert.equal((await node.get('/alpha/x')).status, 200)
  assert.ok(existsSync(join(dir, 'config-snapshot.json')))
})
