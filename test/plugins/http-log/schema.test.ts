import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { httpLogSpec } from '../../../src/plugins/http-log/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(httpLogSpec, config).issues.map((i) => [i.path, i.message]))
}

const URL_ONLY = { http_endpoint: 'http://logs.example/ingest' }

test('http_endpoint is required; everything else has Kong 3\'s defaults, the queue included', () => {
  assert.deepEqual(issues({}), { http_endpoint: 'is required' })
  assert.deepEqual(validatePluginConfig(httpLogSpec, URL_ONLY), {
    config: {
      content_type: 'application/json',
      http_endpoint: 'http://logs.example/ingest',
      keepalive: 60000,
      method: 'POST',
      queue: { concurrency_limit: 1, initial_retry_delay: 0.01, max_batch_size: 1, max_coalescing_delay: 1, max_entries: 10000, max_retry_delay: 60, max_retry_time: 60 },
      timeout: 10000
    },
    issues: []
  })
})

test('accepts every field Kong 3 has, deprecated ones included', () => {
  assert.deepEqual(issues({
    http_endpoint: 'https://user:p%40ss@logs.example:8443/ingest?x=1',
    method: 'PUT',
    content_type: 'application/json; charset=utf-8',
    timeout: 500,
    keepalive: 0,
    headers: { 'X-Api-Key': 'k', Host: 'override.example' },
    queue: { max_batch_size: 100, max_coalescing_delay: 0.5, max_entries: 50, max_bytes: 1048576, max_retry_time: 10, initial_retry_delay: 0.1, max_retry_delay: 2, concurrency_limit: -1 },
    custom_fields_by_lua: {},
    queue_size: 10,
    flush_timeout: 2,
    retry_count: 3
  }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ http_endpoint: 'ftp://logs.example' }), { http_endpoint: 'must be an http:// or https:// URL' })
  assert.deepEqual(issues({ http_endpoint: 'http://' }), { http_endpoint: 'must be an http:// or https:// URL' })
  assert.deepEqual(issues({ ...URL_ONLY, method: 'GET' }), { method: 'must be one of: POST, PUT, PATCH' })
  assert.deepEqual(issues({ ...URL_ONLY, content_type: 'text/plain' }), { content_type: 'must be one of: application/json, application/json; charset=utf-8' })
  assert.deepEqual(issues({ ...URL_ONLY, timeout: 0 }), { timeout: 'must be between 1 and 2147483647' })
  assert.deepEqual(issues({ ...URL_ONLY, keepalive: -1 }), { keepalive: 'must be between 0 and 2147483647' })
  assert.deepEqual(issues({ ...URL_ONLY, headers: { 'bad name': 'x' } }), { 'headers.bad name': 'must be a valid header name' })
  assert.deepEqual(issues({ ...URL_ONLY, headers: { 'x-a': 'line\nbreak' } }), { 'headers.x-a': 'must be a valid header value' })
  assert.deepEqual(issues({ ...URL_ONLY, headers: ['x-a:1'] }), { headers: 'must be an object' })
  assert.deepEqual(issues({ ...URL_ONLY, queue: { max_batch_size: 0 } }), { 'queue.max_batch_size': 'must be between 1 and 1000000' })
  assert.deepEqual(issues({ ...URL_ONLY, queue: { max_coalescing_delay: 3601 } }), { 'queue.max_coalescing_delay': 'must be between 0 and 3600' })
  assert.deepEqual(issues({ ...URL_ONLY, queue: { max_entries: 0 } }), { 'queue.max_entries': 'must be between 1 and 1000000' })
  assert.deepEqual(issues({ ...URL_ONLY, queue: { max_bytes: 0 } }), { 'queue.max_bytes': 'must be between 1 and 1073741824' })
  assert.deepEqual(issues({ ...URL_ONLY, queue: { max_retry_time: -1 } }), { 'queue.max_retry_time': 'must be between 0 and 1000000' })
  assert.deepEqual(issues({ ...URL_ONLY, queue: { initial_retry_delay: 0 } }), { 'queue.initial_retry_delay': 'must be between 0.001 and 1000000' })
  assert.deepEqual(issues({ ...URL_ONLY, queue: { max_retry_delay: 0 } }), { 'queue.max_retry_delay': 'must be between 0.001 and 1000000' })
  assert.equal(Object.keys(issues({ ...URL_ONLY, queue: { concurrency_limit: 2 } }))[0], 'queue.concurrency_limit')
  assert.deepEqual(issues({ ...URL_ONLY, queue: { name: 'q' } }), { 'queue.name': 'unknown field' })
  assert.deepEqual(issues({ ...URL_ONLY, custom_fields_by_lua: { route: 'return nil' } }), { custom_fields_by_lua: 'not supported by Atrium (lua): custom_fields_by_lua holds Lua code; Atrium runs no Lua code' })
  assert.deepEqual(issues({ ...URL_ONLY, queue_size: 0 }), { queue_size: 'must be between 1 and 1000000' })
  assert.deepEqual(issues({ ...URL_ONLY, flush_timeout: -1 }), { flush_timeout: 'must be between 0 and 3600' })
  assert.deepEqual(issues({ ...URL_ONLY, retry_count: -1 }), { retry_count: 'must be between 0 and 1000000' })
  assert.deepEqual(issues({ ...URL_ONLY, colour: 'red' }), { colour: 'unknown field' })
})
