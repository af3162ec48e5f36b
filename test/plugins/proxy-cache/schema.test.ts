import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { proxyCacheSpec } from '../../../src/plugins/proxy-cache/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(proxyCacheSpec, config).issues.map((i) => [i.path, i.message]))
}

test('strategy is required, as in Kong; everything else has Kong\'s defaults (and Atrium\'s memory bounds)', () => {
  assert.deepEqual(issues({}), { strategy: 'is required' })
  assert.deepEqual(validatePluginConfig(proxyCacheSpec, { strategy: 'memory' }), {
    config: {
      cache_control: false,
      cache_ttl: 300,
      content_type: ['text/plain', 'application/json'],
      ignore_uri_case: false,
      memory: { dictionary_name: 'kong_db_cache', dictionary_size: 134217728, max_entries: 100000 },
      request_method: ['GET', 'HEAD'],
      response_code: [200, 301, 404],
      response_headers: { 'X-Cache-Key': true, 'X-Cache-Status': true, age: true },
      strategy: 'memory'
    },
    issues: []
  })
})

test('accepts every field Kong has', () => {
  assert.deepEqual(issues({
    strategy: 'memory',
    response_code: [200, 900],
    request_method: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT'],
    content_type: ['application/json; charset=utf-8', 'text/*'],
    cache_ttl: 60,
    cache_control: true,
    storage_ttl: 600,
    memory: { dictionary_name: 'my_cache', dictionary_size: 1024, max_entries: 1 },
    vary_query_params: ['page'],
    vary_headers: ['Accept-Language'],
    ignore_uri_case: true,
    response_headers: { age: false, 'X-Cache-Status': false, 'X-Cache-Key': false }
  }), {})
})

test('rejects every bad field by name', () => {
  const base = { strategy: 'memory' }
  assert.deepEqual(issues({ strategy: 'redis' }), { strategy: 'must be one of: memory' })
  assert.deepEqual(issues({ ...base, response_code: [] }), { response_code: 'must not be an empty list' })
  assert.deepEqual(issues({ ...base, response_code: [99] }), { 'response_code[0]': 'must be between 100 and 900' })
  assert.deepEqual(issues({ ...base, response_code: [200.5] }), { 'response_code[0]': 'must be an integer' })
  assert.deepEqual(issues({ ...base, request_method: ['DELETE'] }), { 'request_method[0]': 'must be one of: HEAD, GET, POST, PATCH, PUT' })
  assert.deepEqual(issues({ ...base, request_method: [] }), { request_method: 'must not be an empty list' })
  assert.deepEqual(issues({ ...base, content_type: ['json'] }), { 'content_type[0]': 'must be a media type such as application/json' })
  assert.deepEqual(issues({ ...base, content_type: [''] }), { 'content_type[0]': 'must not be empty' })
  assert.deepEqual(issues({ ...base, cache_ttl: 0 }), { cache_ttl: 'must be between 1 and 2147483647' })
  assert.deepEqual(issues({ ...base, cache_control: 'yes' }), { cache_control: 'must be a boolean' })
  assert.deepEqual(issues({ ...base, storage_ttl: 0 }), { storage_ttl: 'must be between 1 and 2147483647' })
  assert.deepEqual(issues({ ...base, memory: { dictionary_name: '' } }), { 'memory.dictionary_name': 'must not be empty' })
  assert.deepEqual(issues({ ...base, memory: { dictionary_size: 10 } }), { 'memory.dictionary_size': 'must be between 1024 and 17179869184' })
  assert.deepEqual(issues({ ...base, memory: { max_entries: 0 } }), { 'memory.max_entries': 'must be between 1 and 10000000' })
  assert.deepEqual(issues({ ...base, memory: { shm: 'x' } }), { 'memory.shm': 'unknown field' })
  assert.deepEqual(issues({ ...base, vary_query_params: [''] }), { 'vary_query_params[0]': 'must not be empty' })
  assert.deepEqual(issues({ ...base, vary_headers: ['bad header'] }), { 'vary_headers[0]': 'must be a valid header name' })
  assert.deepEqual(issues({ ...base, ignore_uri_case: 1 }), { ignore_uri_case: 'must be a boolean' })
  assert.deepEqual(issues({ ...base, response_headers: { via: true } }), { 'response_headers.via': 'unknown field' })
  assert.deepEqual(issues({ ...base, colour: 'red' }), { colour: 'unknown field' })
})
