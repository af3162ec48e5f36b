import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { join } from 'node:path'
import { startUpstream } from '../../support/upstream.js'
import {
  currentConfig, expectStatus, groupWithConfig, servedBy, startControlPlaneProcess, startNodeProcess, tempDir, waitUntil, type Call
} from './hybrid-kit.js'

const CHANGES = 100
const CONCURRENCY = 8
/** Bounds of the load loop, whatever happens to the changes. */
const MAX_LOAD_MS = 45_000
const MAX_REQUESTS = 500_000

/**
 * Change number `i`, each a committed Admin API write: the served service and route are patched
 * (their pools and matchers rebuilt), unrelated routes to a decoy service come and go.
 */
async function change (call: Call, i: number): Promise<void> {
  const rg = '/runtime-groups/production'
  switch (i % 4) {
    case 0: await expectStatus(call, 200, 'PATCH', `${rg}/services/svc`, { read_timeout: 60_000 + i, retries: i % 7 }); break
    case 1: await expectStatus(call, 201, 'POST', `${rg}/routes`, { name: `extra-${i}`, paths: [`/extra-${i}`], service: { name: 'decoy' } }); break
    case 2: await expectStatus(call, 200, 'PATCH', `${rg}/routes/main`, { tags: [`change-${i}`] }); break
    default: await expectStatus(call, 204, 'DELETE', `${rg}/routes/extra-${i - 2}`)
  }
}

test('100 config changes in a row while 8 keep-alive loops load a node cause zero failed or misrouted requests, and the node ends on the final config version', async (t) => {
  const dir = tempDir(t)
  const expected = await startUpstream(t, (req, res) => { req.resume(); res.end('expected') })
  const decoy = await startUpstream(t, (req, res) => { req.resume(); res.end('decoy') })
  const cp = await startControlPlaneProcess(t, join(dir, 'cp.db'))
  const [token] = await groupWithConfig(cp.call, 'production', {
    _format_version: '3.0',
    services: [
      { name: 'svc', url: `http://127.0.0.1:${expected.port}`, routes: [{ name: 'main', paths: ['/load'] }] },
      { name: 'decoy', url: `http://127.0.0.1:${decoy.port}`, routes: [{ name: 'decoy-root', paths: ['/decoy'] }] }
    ]
  })
  const node = await startNodeProcess(t, cp.url, token.token, join(dir, 'node'))
  await servedBy(node, '/load/ready', 200, 'expected')
  await node.proc.waitForLog((l) => l.msg === 'snapshot applied')

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  t.after(() => agent.destroy())
  let ok = 0
  let duringChanges = 0
  let changing = false
  const failures: string[] = []
  let running = true
  const deadline = Date.now() + MAX_LOAD_MS
  const loops = Array.from({ length: CONCURRENCY }, async (_, loop) => {
    let n = 0
    while (running && Date.now() < deadline && ok + failures.length < MAX_REQUESTS) {
      const path = `/load/${loop}/${n++}`
      try {
        const res = await node.get(path, agent)
        if (res.status === 200 && res.body === 'expected') {
          ok++
          if (changing) duringChanges++
        } else {
          failures.push(`${path}: ${res.status} ${res.body.slice(0, 200)}`)
        }
      } catch (err) {
        failures.push(`${path}: ${(err as Error).message}`)
      }
    }
  })

  const startVersion = (await currentConfig(cp.call, 'production')).version
  try {
    await new Promise((resolve) => setTimeout(resolve, 200))
    changing = true
    for (let i = 0; i < CHANGES; i++) await change(cp.call, i)
    const final = await currentConfig(cp.call, 'production')
    assert.equal(final.version, startVersion + CHANGES, 'every change was one committed version')
    await waitUntil(`the node reports config version ${final.version}`, async () => (await node.status()).config.version === final.version, 10_000)
    // Every swap happened between the first change and now: all of it under load.
    changing = false
    // Keep the load on briefly after the last swap.
    await new Promise((resolve) => setTimeout(resolve, 200))
    running = false
    await Promise.all(loops)

    const applied = node.proc.logs.filter((l) => l.msg === 'snapshot applied').length
    const built = cp.proc.logs.filter((l) => l.msg === 'snapshot built').length
    t.diagnostic(`${ok} requests (${duringChanges} while changes were applied), ${failures.length} failed; CP built ${built} snapshots, the node applied ${applied} (bursts coalesce)`)
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${ok + failures.length} requests failed`)
    assert.ok(duringChanges >= CONCURRENCY, `the load ran while the changes were applied (${duringChanges} requests)`)
    assert.ok(applied >= 2, `the node swapped configs under load (${applied} snapshots applied)`)
    assert.equal(decoy.requests, 0, 'no request was misrouted to the decoy service')
    const status = await node.status()
    assert.deepEqual([status.config.version, status.config.hash, status.control_plane.sync_status], [final.version, final.hash, 'in_sync'])
    const versionOfGroup = (await expectStatus(cp.call, 200, 'GET', '/runtime-groups/production')).body.config_version
    assert.equal(status.config.version, versionOfGroup)
  } finally {
    running = false
    await Promise.all(loops)
  }
  // The final config is what the node serves: every extra route was removed again (extra-97 by the
  // last change), and the decoy service does answer on its own route (so zero requests above means something).
  assert.equal((await node.get('/extra-97/x')).status, 404)
  assert.equal((await node.get('/decoy/x')).body, 'decoy')
})
