import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HeaderList, sameName } from '../../../../src/data-plane/plugin-runner/header-list.js'

test('header names compare without regard to ASCII case, and only whole names match', () => {
  assert.equal(sameName('Content-Type', 'content-type'), true)
  assert.equal(sameName('X-RateLimit-Limit-Hour', 'x-ratelimit-limit-hour'), true)
  assert.equal(sameName('content-type', 'Content-Type'), true)
  assert.equal(sameName('Content-Type', 'Content-Typ'), false)
  assert.equal(sameName('vary', 'very'), false)
  // Only A-Z fold: '@' (64) and '[' (91) sit next to them and must not match '`' or '{'.
  assert.equal(sameName('a@', 'a`'), false)
  assert.equal(sameName('a[', 'a{'), false)
})

test('set replaces the first value in place and drops the later ones; other headers keep their order', () => {
  const h = new HeaderList(['Host', 'a', 'X-Id', '1', 'Accept', '*/*', 'x-id', '2', 'X-ID', '3'])
  h.set('x-Id', 'new')
  assert.deepEqual(h.list, ['Host', 'a', 'x-Id', 'new', 'Accept', '*/*'])
  h.set('Vary', 'Origin')
  assert.deepEqual(h.list, ['Host', 'a', 'x-Id', 'new', 'Accept', '*/*', 'Vary', 'Origin'])
  h.set('accept', ['a', 'b'])
  assert.deepEqual(h.list, ['Host', 'a', 'x-Id', 'new', 'Vary', 'Origin', 'accept', 'a', 'accept', 'b'])
  assert.deepEqual(h.getAll('ACCEPT'), ['a', 'b'])
  assert.equal(h.get('HOST'), 'a')
  assert.equal(h.has('missing'), false)
})

test('remove drops every value of a name, add appends, and bad names or values throw before any change', () => {
  const h = new HeaderList(['A', '1', 'b', '2', 'a', '3', 'C', '4'])
  h.remove('a')
  assert.deepEqual(h.list, ['b', '2', 'C', '4'])
  h.remove('missing')
  assert.deepEqual(h.list, ['b', '2', 'C', '4'])
  h.add('b', '5')
  assert.deepEqual(h.entries(), [['b', '2'], ['C', '4'], ['b', '5']])
  assert.throws(() => h.set('bad name', 'x'), { code: 'ERR_INVALID_HTTP_TOKEN' })
  assert.throws(() => h.set('b', 'line\nbreak'), { code: 'ERR_INVALID_CHAR' })
  assert.throws(() => h.set('b', ['ok', 'bad\r']), { code: 'ERR_INVALID_CHAR' })
  assert.throws(() => h.add('C', '\u0000'), { code: 'ERR_INVALID_CHAR' })
  assert.deepEqual(h.list, ['b', '2', 'C', '4', 'b', '5'])
})
