import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { collectMatchHeaders, headerNamesOf } from '../../../src/router/match-headers.js'
import { rawPath } from '../../../src/router/normalize-path.js'

describe('collectMatchHeaders', () => {
  test('keeps every line of a repeated header, in order, and only the names asked for', () => {
    const raw = ['Location', 'a', 'Host', 'x', 'location', 'b', 'X-One', '1', 'LOCATION', 'c']
    assert.deepEqual({ ...collectMatchHeaders(raw, new Set(['location', 'x-one'])) }, { location: ['a', 'b', 'c'], 'x-one': '1' })
  })

  test('leaves a header out when it is absent', () => {
    assert.deepEqual({ ...collectMatchHeaders(['Host', 'x'], new Set(['version'])) }, {})
  })
})

describe('headerNamesOf', () => {
  test('is null when no route has header criteria, so the proxy keeps req.headers', () => {
    assert.equal(headerNamesOf([{ headers: {} }, { headers: {} }]), null)
  })

  test('lists every name used by some route', () => {
    assert.deepEqual([...(headerNamesOf([{ headers: { a: [] } }, { headers: { b: ['1'], a: ['2'] } }]) ?? [])], ['a', 'b'])
  })
})

describe('rawPath (X-Forwarded-Path)', () => {
  const rows: Array<[string, string]> = [
    ['/a/./b/../%63?x=/y', '/a/./b/../%63'],
    ['/plain', '/plain'],
    ['http://host.test/p//q?z', '/p//q'],
    ['http://host.test?z', '/'],
    ['/?q', '/']
  ]
  for (const [target, expected] of rows) {
    test(`${target} → ${expected}`, () => assert.equal(rawPath(target), expected))
  }
})
