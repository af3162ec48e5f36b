import { freePort } from '../../support/free-port.js'
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SyncCloseCodes } from '../../../src/contract/sync-protocol.js'
import { createBackoff } from '../../../src/data-plane/sync-client/backoff.js'
import { kongDocument, startFakeControlPlane, type NodeEvent } from '../../support/fake-control-plane.js'
import { startUpstream } from '../../support/upstream.js'
import { isAckFor, isHello, startTestNode, stopOnExit, tempDir, waitUntil } from './helpers.js'

async function namedUpstream (t: Parameters<typeof startUpstream>[0], name: string): Promise<number> {
  const up = await startUpstream(t, (req, res) => { req.resume(); res.end(`${name} ${req.url ?? ''}`) })
  return up.port
}

test('backoff doubles from 250 ms with full jitter, caps at the maximum and resets', () => {
  const ceilings: number[] = []
  const backoff = createBackoff({ initialMs: 250, maxMs: 10_000, random: () => 0.999999 })
  for (let i = 0; i < 8; i++) ceilings.push(backoff.next())
  assert.deepEqual(ceilings, [249, 499, 999, 1999, 3999, 7999, 9999, 9999])
  backoff.reset()
  assert.equal(backoff.next(), 249)
  assert.equal(createBackoff({ initialMs: 250, maxMs: 10_000, random: () => 0 }).next(), 0)
  assert.equal(backoff.max(), 10_000)
})

test('with neither cache nor control plane the proxy answers 503 no configuration loaded; once the control plane comes up the node is served', async (t) => {
  const port = await freePort()
  const node = await startTestNode(t, { url: `ws://127.0.0.1:${port}` }, tempDir(t))
  const res = await node.get('/alpha/x')
  assert.equal(res.status, 503)
  assert.equal(JSON.parse(res.body).message, 'no configuration loaded')
  await waitUntil('a connection failure is recorded', async () => (await node.status()).control_plane.last_error !== null)
  const status = await node.status()
  assert.equal(status.control_plane.connected, false)
  assert.match(status.control_plane.last_error, /ECONNREFUSED/)
  assert.equal(status.config.hash, null)

  const cp = stopOnExit(t, await startFakeControlPlane({ port }))
  const upstream = await namedUpstream(t, 'alpha')
  const snapshot = cp.publish(kongDocument([{ name: 'alpha', port: upstream, paths: ['/alpha'] }]))
  await cp.waitFor(isAckFor(snapshot.hash))
  assert.equal((await node.get('/alpha/x')).body, 'alpha /x')
  // Repeated failures were logged once as a warning, the rest at debug (state changes only).
  const warnings = node.logs.filter((l) => l.component === 'sync-client' && l.msg === 'cannot reach the control plane; retrying')
  assert.equal(warnings.length, 1)
})

test('a corrupted cache file is ignored with a warning, kept until a good snapshot replaces it', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'config-snapshot.json')
  writeFileSync(file, '{"type":"snapshot","version":3,"hash":"ab')
  const port = await freePort()
  const node = await startTestNode(t, { url: `ws://127.0.0.1:${port}` }, dir)
  assert.ok(node.logs.some((l) => l.level === 40 && /cached config is corrupted/.test(l.msg)), 'warned')
  assert.equal((await node.get('/alpha/x')).status, 503)
  assert.equal(readFileSync(file, 'utf8'), '{"type":"snapshot","version":3,"hash":"ab', 'not deleted')

  const cp = stopOnExit(t, await startFakeControlPlane({ port }))
  const upstream = await namedUpstream(t, 'alpha')
  const snapshot = cp.publish(kongDocument([{ name: 'alpha', port: upstream, paths: ['/alpha'] }]))
  await cp.waitFor(isAckFor(snapshot.hash))
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { hash: string }).hash, snapshot.hash)
})

test('a cache file whose hash does not match its config is ignored with a warning', async (t) => {
  const dir = tempDir(t)
  const doc = kongDocument([{ name: 'alpha', port: 9, paths: ['/alpha'] }])
  writeFileSync(join(dir, 'config-snapshot.json'), JSON.stringify({ type: 'snapshot', version: 1, hash: 'c'.repeat(64), config: doc }))
  const node = await startTestNode(t, { url: `ws://127.0.0.1:${await freePort()}` }, dir)
  assert.ok(node.logs.some((l) => l.level === 40 && l.msg === 'cached config is invalid and is ignored'))
  assert.equal((await node.get('/alpha/x')).status, 503)
})

test('after a control-plane restart the node reconnects with backoff and its hello carries the applied hash, so nothing is resent', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const upstream = await namedUpstream(t, 'alpha')
  const snapshot = cp.publish(kongDocument([{ name: 'alpha', port: upstream, paths: ['/alpha'] }]))
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isAckFor(snapshot.hash))

  await cp.stop()
  await waitUntil('the node sees the disconnect', async () => (await node.status()).control_plane.connected === false)
  assert.equal((await node.get('/alpha/x')).status, 200, 'serves on while the control plane is away')
  await new Promise((resolve) => setTimeout(resolve, 300))
  await cp.start()

  const hello = (await cp.waitFor(isHello(2))).message
  assert.equal(hello.config_hash, snapshot.hash)
  await waitUntil('the node is connected again', async () => (await node.status()).control_plane.connected === true)
  const status = await node.status()
  assert.equal(status.control_plane.sync_status, 'in_sync')
  assert.equal(cp.acks().length, 1, 'no snapshot was resent')
  assert.ok(node.logs.some((l) => l.msg === 'control plane connection lost; reconnecting'))
})

test('a control plane that stops answering pings is dropped and reconnected', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const node = await startTestNode(t, cp, tempDir(t), { pingIntervalMs: 50, deadAfterMs: 200 })
  await cp.waitFor(isHello())
  await cp.waitFor((e: NodeEvent): e is NodeEvent => e.type === 'ping')
  cp.answerPings = false
  await waitUntil('the node gives up on the silent control plane', () => node.logs.some((l) => l.msg === 'control plane stopped answering; reconnecting'), 5000)
  cp.answerPings = true
  await cp.waitFor(isHello(2))
  await waitUntil('the node is connected again', async () => (await node.status()).control_plane.connected === true)
  assert.ok(cp.events.some((e) => e.type === 'disconnect'))
})

test('a revoked token (close 4001) is logged as an error and retried at the backoff cap, not before', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  const upstream = await namedUpstream(t, 'alpha')
  const snapshot = cp.publish(kongDocument([{ name: 'alpha', port: upstream, paths: ['/alpha'] }]))
  // The reconnect timer is the test's: each scheduled attempt is recorded and fired by hand.
  const retries: Array<{ delayMs: number, fire: () => void }> = []
  const node = await startTestNode(t, cp, tempDir(t), {
    backoffMaxMs: 400,
    scheduleRetry: (retry, delayMs) => {
      retries.push({ delayMs, fire: retry })
      return { cancel: () => {} }
    }
  })
  await cp.waitFor(isAckFor(snapshot.hash))

  cp.closeAll(SyncCloseCodes.TOKEN_REVOKED, 'token revoked')
  await waitUntil('the error is logged', () => node.logs.some((l) => l.level === 50 && l.close_code === 4001))
  const line = node.logs.find((l) => l.close_code === 4001)
  assert.equal(line?.retry_in_ms, 400)
  assert.deepEqual(retries.map((r) => r.delayMs), [400], 'one attempt scheduled, at the cap')
  const status = await node.status()
  assert.equal(status.control_plane.connected, false)
  assert.match(status.control_plane.last_error, /revoked/)
  assert.equal((await node.get('/alpha/x')).status, 200, 'keeps serving')
  assert.equal(cp.hellos().length, 1, 'no reconnect while the retry waits')
  retries[0].fire()
  await cp.waitFor(isHello(2))
})

test('a token refused at the upgrade (HTTP 401) is reported and retried at the backoff cap', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane({ tokens: ['another-token'] }))
  const node = await startTestNode(t, cp, tempDir(t), { backoffMaxMs: 300 })
  await cp.waitFor((e: NodeEvent): e is NodeEvent => e.type === 'unauthorized')
  await waitUntil('the refusal is recorded', async () => /HTTP 401/.test((await node.status()).control_plane.last_error ?? ''))
  const line = node.logs.find((l) => l.msg === 'cannot reach the control plane; retrying')
  assert.equal(line?.retry_in_ms, 300)
  assert.equal(cp.hellos().length, 0)
})
