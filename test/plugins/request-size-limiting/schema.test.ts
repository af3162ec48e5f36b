import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { requestSizeLimitingSpec } from '../../../src/plugins/request-size-limiting/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(requestSizeLimitingSpec, config).issues.map((i) => [i.path, i.message]))
}

test('an empty config gets Kong\'s defaults: 128 megabytes, content-length not required', () => {
  assert.deepEqual(validatePluginConfig(requestSizeLimitingSpec, {}), {
    config: { allowed_payload_size: 128, require_content_length: false, size_unit: 'megabytes' },
    issues: []
  })
})

test('accepts every unit, zero and the largest size', () => {
  assert.deepEqual(issues({ allowed_payload_size: 0, size_unit: 'bytes', require_content_length: true }), {})
  assert.deepEqual(issues({ allowed_payload_size: 512, size_unit: 'kilobytes' }), {})
  assert.deepEqual(issues({ allowed_payload_size: 8589934592, size_unit: 'megabytes' }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ allowed_payload_size: -1 }), { allowed_payload_size: 'must be between 0 and 8589934592' })
  assert.deepEqual(issues({ allowed_payload_size: 8589934593 }), { allowed_payload_size: 'must be between 0 and 8589934592' })
  assert.deepEqual(issues({ allowed_payload_size: 1.5 }), { allowed_payload_size: 'must be an integer' })
  assert.deepEqual(issues({ allowed_payload_size: '10' }), { allowed_payload_size: 'must be an integer' })
  assert.deepEqual(issues({ size_unit: 'gigabytes' }), { size_unit: 'must be one of: megabytes, kilobytes, bytes' })
  assert.deepEqual(issues({ require_content_length: 'yes' }), { require_content_length: 'must be a boolean' })
  assert.deepEqual(issues({ limit: 5 }), { limit: 'unknown field' })
})
