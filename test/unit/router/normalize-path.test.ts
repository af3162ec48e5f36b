import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { normalizePath, normalizePercentEncoding, splitQuery } from '../../../src/router/normalize-path.js'

describe('normalizePath', () => {
  const cases: Array<[string, string | null, string]> = [
    ['/plain/path', '/plain/path', 'returns a plain path unchanged'],
    ['/', '/', 'keeps the root'],
    ['/a?x=1&y=/..', '/a', 'drops the query'],
    ['/a/?', '/a/', 'drops an empty query'],
    ['/public/../admin', '/admin', 'removes a dot-dot segment'],
    ['/public/%2e%2e/admin', '/admin', 'decodes encoded dots before removing dot segments'],
    ['/public/%2E%2E/admin', '/admin', 'decodes upper-case encoded dots too'],
    ['/a/./b/.', '/a/b/', 'removes single-dot segments and keeps the trailing slash'],
    ['/a/b/..', '/a/', 'a trailing dot-dot leaves a trailing slash'],
    ['/../../x', '/x', 'keeps dot-dot above the root at the root'],
    ['/..', '/', 'a lone dot-dot is the root'],
    ['/.', '/', 'a lone dot is the root'],
    ['/a/..b/.c', '/a/..b/.c', 'keeps segments that only start with dots'],
    ['/.well-known/x', '/.well-known/x', 'keeps a dot-prefixed name'],
    ['//a///b//', '/a/b/', 'merges slash runs'],
    ['/a//../b', '/b', 'merges slashes before removing dot segments'],
    ['/%41%7a%30%2D%2e%5F%7E', '/Az0-._~', 'decodes every unreserved character'],
    ['/a%2fb', '/a%2Fb', 'keeps an encoded slash encoded with upper-case hex'],
    ['/%c3%a9', '/%C3%A9', 'keeps non-ASCII bytes encoded with upper-case hex'],
    ['/a%20b%3f', '/a%20b%3F', 'keeps reserved characters and space encoded'],
    ['/a%2e%2Fb', '/a.%2Fb', 'decodes a dot next to a kept encoded slash'],
    ['/%zz', null, 'rejects non-hex percent-encoding'],
    ['/%4', null, 'rejects a truncated percent-encoding at the end'],
    ['/%4?x', null, 'rejects a truncated percent-encoding before the query'],
    ['/%', null, 'rejects a lone percent'],
    ['admin', null, 'rejects a relative target'],
    ['', null, 'rejects an empty target'],
    ['*', null, 'rejects the asterisk form'],
    ['http://gw.test/a/../b?q', '/b', 'uses the path of an absolute-form target'],
    ['HTTPS://gw.test:8443/x', '/x', 'accepts an upper-case scheme with a port'],
    ['http://gw.test', '/', 'treats an absolute-form target without a path as the root'],
    ['http://gw.test?q=1', '/', 'treats an absolute-form target with only a query as the root'],
    ['ftp://gw.test/x', null, 'rejects other schemes']
  ]
  for (const [input, expected, behaviour] of cases) {
    test(`${behaviour} (${JSON.stringify(input)})`, () => {
      assert.equal(normalizePath(input), expected)
    })
  }

  test('returns the very same string on the fast path', () => {
    const target = '/a/b/c'
    assert.equal(normalizePath(target), target)
  })
})

describe('splitQuery', () => {
  test('returns the raw query with its question mark', () => {
    assert.equal(splitQuery('/a?x=%2F&y'), '?x=%2F&y')
  })
  test('returns an empty string without a query', () => {
    assert.equal(splitQuery('/a'), '')
  })
  test('keeps a bare question mark', () => {
    assert.equal(splitQuery('/a?'), '?')
  })
})

describe('normalizePercentEncoding', () => {
  test('normalises route paths the same way as request paths', () => {
    assert.equal(normalizePercentEncoding('/%7euser/%2f'), '/~user/%2F')
  })
  test('returns null for malformed encoding', () => {
    assert.equal(normalizePercentEncoding('/a%g1'), null)
  })
})
