import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { fileLogSpec } from '../../../src/plugins/file-log/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(fileLogSpec, config).issues.map((i) => [i.path, i.message]))
}

test('path is required; reopen defaults to false', () => {
  assert.deepEqual(issues({}), { path: 'is required' })
  assert.deepEqual(validatePluginConfig(fileLogSpec, { path: '/var/log/atrium/access.log' }), { config: { path: '/var/log/atrium/access.log', reopen: false }, issues: [] })
})

test('accepts a relative path, reopen, and an empty custom_fields_by_lua (as Kong exports write it)', () => {
  assert.deepEqual(issues({ path: 'logs/file.log', reopen: true, custom_fields_by_lua: {} }), {})
  assert.deepEqual(issues({ path: 'x.log', custom_fields_by_lua: null }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ path: '' }), { path: 'not a valid filename' })
  for (const bad of ['/tmp/*.log', '/tmp/a&b', '/tmp/100%', '/tmp/`x`']) assert.deepEqual(issues({ path: bad }), { path: 'not a valid filename' }, bad)
  assert.deepEqual(issues({ path: 5 }), { path: 'must be a string' })
  assert.deepEqual(issues({ path: 'x', reopen: 'yes' }), { reopen: 'must be a boolean' })
  assert.deepEqual(issues({ path: 'x', custom_fields_by_lua: { route: 'return 1' } }), { custom_fields_by_lua: 'not supported by Atrium (lua): custom_fields_by_lua holds Lua code; Atrium runs no Lua code' })
  assert.deepEqual(issues({ path: 'x', custom_fields_by_lua: { route: 1 } }), { 'custom_fields_by_lua.route': 'must be a string' })
  assert.deepEqual(issues({ path: 'x', colour: 'red' }), { colour: 'unknown field' })
})
