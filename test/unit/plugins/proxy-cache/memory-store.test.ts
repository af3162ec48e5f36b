import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryStore } from '../../../../src/plugins/proxy-cache/memory-store.js'

function entry (body: string, now = 0, ttlMs = 60_000): { status: number, headers: string[], body: Buffer, storedAt: number, ttl: number, expiresAt: number } {
  return { status: 200, headers: ['content-type', 'text/plain'], body: Buffer.from(body), storedAt: now, ttl: ttlMs / 1000, expiresAt: now + ttlMs }
}

test('evicts the least recently used entry beyond max_entries; a read makes an entry recent', () => {
  const store = new MemoryStore('t', 1 << 20, 2)
  store.set('a', entry('A'))
  store.set('b', entry('B'))
  assert.equal(store.get('a', 1)?.body.toString(), 'A')
  store.set('c', entry('C'))
  assert.deepEqual([store.get('a', 1)?.body.toString(), store.get('b', 1), store.get('c', 1)?.body.toString()], ['A', undefined, 'C'])
  assert.equal(store.size, 2)
})

test('accounts bytes (body, headers, key, overhead) and evicts to stay within the dictionary size', () => {
  const store = new MemoryStore('t', 2000, 100)
  store.set('a', entry('x'.repeat(600)))
  store.set('b', entry('y'.repeat(600)))
  assert.equal(store.size, 2)
  const before = store.bytes
  assert.ok(before > 1200 && before <= 2000, String(before))
  store.set('c', entry('z'.repeat(600)))
  assert.equal(store.get('a', 1), undefined, 'the oldest went')
  assert.ok(store.bytes <= 2000)
  assert.equal(store.set('huge', entry('h'.repeat(5000))), false, 'an entry larger than the dictionary is refused')
  assert.equal(store.size, 2)
})

test('an expired entry is gone on read and on sweep; replacing a key keeps the byte count right', () => {
  const store = new MemoryStore('t', 1 << 20, 10)
  store.set('a', entry('A', 0, 1000))
  store.set('b', entry('B', 0, 5000))
  assert.equal(store.get('a', 999)?.body.toString(), 'A')
  assert.equal(store.get('a', 1000), undefined)
  store.sweep(5000)
  assert.equal(store.size, 0)
  assert.equal(store.bytes, 0)
  store.set('k', entry('one'))
  const one = store.bytes
  store.set('k', entry('two'))
  assert.equal(store.bytes, one)
  store.resize(1 << 20, 0)
  assert.deepEqual([store.size, store.bytes], [0, 0])
})
