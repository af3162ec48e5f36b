import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { requestTerminationSpec } from '../../../src/plugins/request-termination/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(requestTerminationSpec, config).issues.map((i) => [i.path, i.message]))
}

test('an empty config gets Kong\'s defaults: 503, no echo', () => {
  assert.deepEqual(validatePluginConfig(requestTerminationSpec, {}), { config: { echo: false, status_code: 503 }, issues: [] })
})

test('accepts a message, or a body with its content type, or echo, with a trigger', () => {
  assert.deepEqual(issues({ status_code: 410, message: 'gone', trigger: 'X-Terminate' }), {})
  assert.deepEqual(issues({ status_code: 200, body: '<p>hi</p>', content_type: 'text/html' }), {})
  assert.deepEqual(issues({ body: 'plain' }), {})
  assert.deepEqual(issues({ echo: true, message: 'm' }), {})
  assert.deepEqual(issues({ status_code: 100 }), {})
  assert.deepEqual(issues({ status_code: 599 }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ status_code: 99 }), { status_code: 'must be between 100 and 599' })
  assert.deepEqual(issues({ status_code: 600 }), { status_code: 'must be between 100 and 599' })
  assert.deepEqual(issues({ status_code: 404.5 }), { status_code: 'must be an integer' })
  assert.deepEqual(issues({ message: 5 }), { message: 'must be a string' })
  assert.deepEqual(issues({ body: {} }), { body: 'must be a string' })
  assert.deepEqual(issues({ content_type: '', body: 'x' }), { content_type: 'must not be empty' })
  assert.deepEqual(issues({ echo: 1 }), { echo: 'must be a boolean' })
  assert.deepEqual(issues({ trigger: 'bad trigger' }), { trigger: 'must be a valid header name' })
  assert.deepEqual(issues({ colour: 'red' }), { colour: 'unknown field' })
})

test('rejects Kong\'s invalid combinations', () => {
  assert.deepEqual(issues({ message: 'm', body: 'b' }), { message: 'message cannot be used with content_type or body' })
  assert.deepEqual(issues({ message: 'm', content_type: 'text/plain', body: 'b' }), { message: 'message cannot be used with content_type or body' })
  assert.deepEqual(issues({ content_type: 'text/plain' }), { content_type: 'content_type requires a body' })
  assert.deepEqual(issues({ echo: true, body: 'b' }), { echo: 'echo cannot be used with content_type and body' })
})
