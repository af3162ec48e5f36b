import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { kongDocument, startFakeControlPlane } from '../../support/fake-control-plane.js'
import { httpCall } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { isAckFor, startTestNode, stopOnExit, tempDir } from './helpers.js'

test('no in-flight request fails while 40 snapshots are swapped in under load', async (t) => {
  const cp = stopOnExit(t, await startFakeControlPlane())
  // Two upstreams, slow enough that requests are in flight across swaps; each snapshot moves /stable
  // to the other one, so every swap also retires a pool that requests are still using.
  const slow = (name: string) => (req: Parameters<Parameters<typeof startUpstream>[1]>[0], res: Parameters<Parameters<typeof startUpstream>[1]>[1]) => {
    req.resume()
    setTimeout(() => res.end(name), 5)
  }
  const a = await startUpstream(t, slow('a'))
  const b = await startUpstream(t, slow('b'))
  const docFor = (i: number) => kongDocument([
    { name: 'stable', port: i % 2 === 0 ? a.port : b.port, paths: ['/stable'] },
    ...Array.from({ length: 1 + (i % 5) }, (_, j) => ({ name: `extra-${j}`, port: a.port, paths: [`/extra-${i}-${j}`] }))
  ])
  const first = cp.publish(docFor(0))
  const node = await startTestNode(t, cp, tempDir(t))
  await cp.waitFor(isAckFor(first.hash))

  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  t.after(() => agent.destroy())
  let running = true
  let ok = 0
  const failures: string[] = []
  async function loop (): Promise<void> {
    while (running) {
      try {
        const res = await httpCall(`${node.proxy}/stable/x`, { agent })
        if (res.status === 200 && (res.body === 'a' || res.body === 'b')) ok++
        else failures.push(`${res.status} ${res.body}`)
      } catch (err) {
        failures.push(String(err))
      }
    }
  }
  const loops = Array.from({ length: 12 }, loop)

  const swaps = 40
  for (let i = 1; i <= swaps; i++) {
    const snapshot = cp.publish(docFor(i))
    await cp.waitFor(isAckFor(snapshot.hash))
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  running = false
  await Promise.all(loops)

  assert.deepEqual(failures.slice(0, 5), [])
  assert.ok(ok > swaps * 5, `enough requests ran during the swaps (${ok})`)
  assert.equal(cp.acks().length, swaps + 1)
  assert.equal(cp.applyErrors().length, 0)
  assert.ok(a.requests > 0 && b.requests > 0, 'both upstreams served')
})
