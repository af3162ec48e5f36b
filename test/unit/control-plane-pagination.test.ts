import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readPage, pageResult } from '../../src/control-plane/shared/pagination.js'

test('a cursor from one page reads the next page', () => {
  const first = readPage(new URLSearchParams('size=2'))
  const r = pageResult(first, ['a', 'b', 'c'])
  assert.deepEqual(r.data, ['a', 'b'])
  assert.notEqual(r.next, null)
  const second = readPage(new URLSearchParams({ size: '2', next: r.next ?? '' }))
  assert.deepEqual(second, { size: 2, offset: 2 })
  assert.equal(pageResult(second, ['c']).next, null)
})

test('sizes out of range and forged or overflowing cursors are rejected', () => {
  for (const q of ['size=0', 'size=1001', 'size=x', 'next=garbage', `next=${Buffer.from('{"o":-1}').toString('base64url')}`, `next=${Buffer.from('{"o":9007199254740991}').toString('base64url')}`]) {
    assert.throws(() => readPage(new URLSearchParams(q)), { code: 'ATRIUM_ERR_ADMIN_INVALID' }, q)
  }
})
