import { test } from 'node:test'
import assert from 'node:assert/strict'
import { consistentHashing, hashOf } from '../../../../src/data-plane/balancer/consistent-hashing.js'
import { latency } from '../../../../src/data-plane/balancer/latency.js'
import { leastConnections } from '../../../../src/data-plane/balancer/least-connections.js'
import { roundRobin } from '../../../../src/data-plane/balancer/round-robin.js'

// The balancing algorithms without sockets: exact shares, interleaving, exclusions, stability.

function counts (pick: () => number, n: number, peers: number): number[] {
  const out = new Array<number>(peers).fill(0)
  for (let i = 0; i < n; i++) out[pick()]!++
  return out
}

test('round-robin: exact per cycle, interleaved, weight 0 never, tried peers skipped, -1 when nothing is left', () => {
  const b = roundRobin([10, 10, 5, 0])
  assert.deepEqual(counts(() => b.pick(0, null), 100, 4), [40, 40, 20, 0])
  const first = Array.from({ length: 5 }, () => b.pick(0, null))
  assert.ok(first.includes(2) && first.filter((p) => p === 0).length === 2, `interleaved: ${first.join(',')}`)
  const c = roundRobin([3, 1])
  assert.deepEqual(counts(() => c.pick(0, [0]), 8, 2), [0, 8])
  assert.equal(c.pick(0, [0, 1]), -1)
  assert.equal(roundRobin([0, 0]).pick(0, null), -1)
  assert.equal(roundRobin([]).pick(0, null), -1)
})

test('consistent hashing: a key keeps its peer; taking a peer out moves only its keys; keys spread by weight', () => {
  const targets = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.4:80']
  const ring = consistentHashing(targets, [100, 100, 100, 100], 10000)
  const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`)
  const before = keys.map((k) => ring.pick(hashOf(k), null))
  assert.deepEqual(keys.map((k) => ring.pick(hashOf(k), null)), before, 'stable')
  const spread = counts((() => { let i = 0; return () => before[i++]! })(), keys.length, 4)
  for (const n of spread) assert.ok(n > 300 && n < 700, `spread ${spread.join('/')}`)
  const without3 = keys.map((k) => ring.pick(hashOf(k), [3]))
  keys.forEach((_, i) => {
    if (before[i] !== 3) assert.equal(without3[i], before[i], 'keys of other peers stay')
    else assert.notEqual(without3[i], 3)
  })
  const weighted = consistentHashing(targets.slice(0, 2), [300, 100], 10000)
  const w = counts((() => { let i = 0; return () => weighted.pick(hashOf(keys[i++]!), null) })(), keys.length, 2)
  assert.ok(w[0]! > w[1]! * 2, `weight 3:1 gives ${w.join('/')}`)
  assert.equal(consistentHashing(targets, [0, 0, 0, 0], 100).pick(1, null), -1)
})

test('least-connections counts attempts in flight per weight; done releases them', () => {
  const b = leastConnections([1, 1])
  const a = b.pick(0, null)
  const other = b.pick(0, null)
  assert.notEqual(a, other, 'the idle peer is picked')
  b.done(a, 5)
  assert.equal(b.pick(0, null), a, 'the peer whose attempt ended has fewer in flight')
  const heavy = leastConnections([3, 1])
  assert.deepEqual(counts(() => heavy.pick(0, null), 4, 2), [3, 1], 'weight 3 carries three in flight for one')
})

test('latency: unmeasured peers first, then the lowest moving average wins', () => {
  const b = latency([1, 1])
  const p0 = b.pick(0, null)
  b.done(p0, 50)
  const p1 = b.pick(0, null)
  assert.notEqual(p1, p0, 'the unmeasured peer is tried')
  b.done(p1, 5)
  for (let i = 0; i < 5; i++) {
    const p = b.pick(0, null)
    assert.equal(p, p1, 'the faster peer')
    b.done(p, 5)
  }
})
