import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import type { UpstreamConfig } from '../../../../src/contract/index.js'
import { hashKeyOf, type HashInput } from '../../../../src/data-plane/proxy/hash-key.js'

// Kong's hash_on / hash_fallback, without sockets: a fake request carries only headers.

const base = { hash_on: 'none', hash_fallback: 'none', hash_on_header: null, hash_fallback_header: null, hash_on_query_arg: null, hash_fallback_query_arg: null, hash_on_uri_capture: null, hash_fallback_uri_capture: null, hash_on_cookie: null, hash_on_cookie_path: '/' }
const up = (o: Record<string, unknown>): UpstreamConfig => ({ ...base, ...o }) as unknown as UpstreamConfig
const input = (headers: Record<string, string | string[]>, o: Partial<HashInput> = {}): HashInput => ({
  req: { headers } as unknown as IncomingMessage, path: '/p', query: 'a=1', captures: null, clientAddress: '10.0.0.9', consumer: null, ...o
})

test('hash_on header, falling back to ip when the header is absent', () => {
  const u = up({ hash_on: 'header', hash_on_header: 'x-user', hash_fallback: 'ip' })
  assert.equal(hashKeyOf(u, input({ 'x-user': 'bob' })).key, 'bob')
  assert.equal(hashKeyOf(u, input({})).key, '10.0.0.9')
})

test('hash_on consumer falls back to a query arg; none gives an empty key', () => {
  const u = up({ hash_on: 'consumer', hash_fallback: 'query_arg', hash_fallback_query_arg: 'a' })
  assert.equal(hashKeyOf(u, input({}, { consumer: 'c-1' })).key, 'c-1')
  assert.equal(hashKeyOf(u, input({})).key, '1')
  assert.equal(hashKeyOf(up({}), input({})).key, '')
})

test('hash_on cookie: the request\'s cookie, else a generated value the response must set', () => {
  const u = up({ hash_on: 'cookie', hash_on_cookie: 'sticky', hash_on_cookie_path: '/app' })
  const had = hashKeyOf(u, input({ cookie: 'x=1; sticky=abc' }))
  assert.deepEqual(had, { key: 'abc', setCookie: null })
  const made = hashKeyOf(u, input({}))
  assert.ok(made.key.length > 0)
  assert.equal(made.setCookie, `sticky=${made.key}; Path=/app`)
})

test('hash_on path and uri_capture', () => {
  assert.equal(hashKeyOf(up({ hash_on: 'path' }), input({})).key, '/p')
  const u = up({ hash_on: 'uri_capture', hash_on_uri_capture: 'id', hash_fallback: 'path' })
  assert.equal(hashKeyOf(u, input({}, { captures: { named: { id: '42' }, unnamed: [] } as never })).key, '42')
  assert.equal(hashKeyOf(u, input({})).key, '/p')
})
