import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { correlationIdSpec } from '../../../src/plugins/correlation-id/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(correlationIdSpec, config).issues.map((i) => [i.path, i.message]))
}

test('an empty config gets Kong\'s defaults', () => {
  assert.deepEqual(validatePluginConfig(correlationIdSpec, undefined), {
    config: { echo_downstream: false, generator: 'uuid#counter', header_name: 'Kong-Request-ID' },
    issues: []
  })
})

test('accepts each generator, a custom header name and echo_downstream', () => {
  for (const generator of ['uuid', 'uuid#counter', 'tracker']) {
    const result = validatePluginConfig(correlationIdSpec, { generator, header_name: 'X-Request-ID', echo_downstream: true })
    assert.deepEqual(result, { config: { echo_downstream: true, generator, header_name: 'X-Request-ID' }, issues: [] })
  }
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ generator: 'random' }), { generator: 'must be one of: uuid, uuid#counter, tracker' })
  assert.deepEqual(issues({ header_name: 'X Request' }), { header_name: 'must be a valid header name' })
  assert.deepEqual(issues({ header_name: '' }), { header_name: 'must be a valid header name' })
  assert.deepEqual(issues({ header_name: 7 }), { header_name: 'must be a string' })
  assert.deepEqual(issues({ echo_downstream: 'yes' }), { echo_downstream: 'must be a boolean' })
  assert.deepEqual(issues({ generator: null, ids: true }), { ids: 'unknown field' })
})
