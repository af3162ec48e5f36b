import { test } from 'node:test'
import assert from 'node:assert/strict'
import { consistentHashing, hashOf } from '../../../../src/data-plane/balancer/consistent-hashing.js'
import { latency } from '../../../../src/data-plane/balancer/latency.js'
import { leastConnections } from '../../../../src/data-plane/balancer/least-connections.js'
import { roundRobin } from '../../../../src/data-plane/balancer/round-robin.js'

// Retries and exclusions across every algorithm: a retry never gets a peer it already tried, and
// an exhausted or weightless upstream gives -1 (the proxy's 503 ATRIUM_ERR_PROXY_NO_PEER).

test('round-robin keeps the others\' proportions exact while a peer is excluded', () => {
  const b = roundRobin([10, 10, 5])
  const out = [0, 0, 0]
  for (let i = 0; i < 75; i++) out[b.pick(0, [1])]!++
  assert.deepEqual(out, [50, 0, 25])
})

test('least-connections and latency retries go to another peer, -1 once all were tried', () => {
  for (const make of [leastConnections, latency]) {
    const b = make([1, 1, 1])
    const first = b.pick(0, null)
    const second = b.pick(0, [first])
    assert.notEqual(second, first)
    const third = b.pick(0, [first, second])
    assert.ok(third !== first && third !== second && third !== -1)
    assert.equal(b.pick(0, [0, 1, 2]), -1)
    assert.equal(make([0, 0]).pick(0, null), -1)
    assert.equal(make([]).pick(0, null), -1)
  }
})

test('consistent hashing: a retry of a key leaves its peer; no targets gives -1', () => {
  const ring = consistentHashing(['a:80', 'b:80', 'c:80'], [100, 100, 100], 1000)
  const h = hashOf('some-key')
  const p = ring.pick(h, null)
  const retry = ring.pick(h, [p])
  assert.ok(retry !== p && retry !== -1)
  assert.equal(ring.pick(h, [0, 1, 2]), -1)
  assert.equal(consistentHashing([], [], 1000).pick(h, null), -1)
})
