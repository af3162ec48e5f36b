import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { basicAuthSpec } from '../../../src/plugins/basic-auth/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(basicAuthSpec, config).issues.map((i) => [i.path, i.message]))
}

test('an empty config gets Kong\'s defaults: realm "service", credentials kept', () => {
  assert.deepEqual(validatePluginConfig(basicAuthSpec, {}), { config: { hide_credentials: false, realm: 'service' }, issues: [] })
})

test('accepts every field with valid values', () => {
  assert.deepEqual(issues({ hide_credentials: true, anonymous: '2b6f6a6e-4c0d-4f2c-9a4e-0d3c1f1e2a3b', realm: 'Internal API' }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ hide_credentials: 'true' }), { hide_credentials: 'must be a boolean' })
  assert.deepEqual(issues({ anonymous: '' }), { anonymous: 'must not be empty' })
  assert.deepEqual(issues({ realm: 'quote"d' }), { realm: 'must be printable text without " or \\' })
  assert.deepEqual(issues({ realm: 5 }), { realm: 'must be a string' })
  assert.deepEqual(issues({ password: 'x' }), { password: 'unknown field' })
})
