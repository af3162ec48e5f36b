import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { keyAuthSpec } from '../../../src/plugins/key-auth/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(keyAuthSpec, config).issues.map((i) => [i.path, i.message]))
}

test('an empty config gets Kong\'s defaults: apikey in header or query, credentials kept, preflights authenticated', () => {
  assert.deepEqual(validatePluginConfig(keyAuthSpec, {}), {
    config: { hide_credentials: false, key_in_body: false, key_in_header: true, key_in_query: true, key_names: ['apikey'], run_on_preflight: true },
    issues: []
  })
})

test('accepts every field with valid values (null means unset)', () => {
  assert.deepEqual(issues({ key_names: ['x-api-key', 'apikey'], key_in_header: false, key_in_query: true, key_in_body: true, hide_credentials: true, anonymous: 'guest', run_on_preflight: false, realm: 'my api' }), {})
  assert.deepEqual(issues({ anonymous: null, realm: null }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ key_names: [] }), { key_names: 'must not be an empty list' })
  assert.deepEqual(issues({ key_names: ['bad name'] }), { 'key_names[0]': 'must be a valid header name' })
  assert.deepEqual(issues({ key_names: 'apikey' }), { key_names: 'must be a list' })
  assert.deepEqual(issues({ key_in_header: 'yes' }), { key_in_header: 'must be a boolean' })
  assert.deepEqual(issues({ key_in_query: 1 }), { key_in_query: 'must be a boolean' })
  assert.deepEqual(issues({ key_in_body: 'no' }), { key_in_body: 'must be a boolean' })
  assert.deepEqual(issues({ hide_credentials: 0 }), { hide_credentials: 'must be a boolean' })
  assert.deepEqual(issues({ anonymous: '' }), { anonymous: 'must not be empty' })
  assert.deepEqual(issues({ anonymous: 5 }), { anonymous: 'must be a string' })
  assert.deepEqual(issues({ run_on_preflight: null, realm: 'a"b' }), { realm: 'must be printable text without " or \\' })
  assert.deepEqual(issues({ realm: 'line\nbreak' }), { realm: 'must be printable text without " or \\' })
  assert.deepEqual(issues({ ttl: 5 }), { ttl: 'unknown field' })
})
