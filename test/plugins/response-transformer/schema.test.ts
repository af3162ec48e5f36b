import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { responseTransformerSpec } from '../../../src/plugins/response-transformer/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(responseTransformerSpec, config).issues.map((i) => [i.path, i.message]))
}

test('an empty config gets Kong\'s defaults: every list empty', () => {
  assert.deepEqual(validatePluginConfig(responseTransformerSpec, {}), {
    config: {
      add: { headers: [], json: [], json_types: [] },
      append: { headers: [], json: [], json_types: [] },
      remove: { headers: [], json: [] },
      rename: { headers: [], json: [] },
      replace: { headers: [], json: [], json_types: [] }
    },
    issues: []
  })
})

test('accepts Kong\'s shapes: names to remove, "old:new" renames, "name:value" edits with json_types', () => {
  assert.deepEqual(issues({
    remove: { headers: ['x-internal'], json: ['secret'] },
    rename: { headers: ['x-a:x-b'], json: ['old:new'] },
    replace: { headers: ['server:atrium'], json: ['n:1', 'ok:true'], json_types: ['number', 'boolean'] },
    add: { headers: ['x-empty:', 'x-url:http://a:b/c'], json: ['s:text'], json_types: ['string'] },
    append: { headers: ['vary:origin'], json: ['list:4'] }
  }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ remove: { headers: ['bad header'] } }), { 'remove.headers[0]': 'must be a valid header name' })
  assert.deepEqual(issues({ remove: { json: [''] } }), { 'remove.json[0]': 'must not be empty' })
  assert.deepEqual(issues({ remove: { json: 'secret' } }), { 'remove.json': 'must be a list' })
  assert.deepEqual(issues({ remove: { body: [] } }), { 'remove.body': 'unknown field' })
  assert.deepEqual(issues({ rename: { headers: ['x-a'] } }), { 'rename.headers[0]': 'must be "old:new" with two valid header names' })
  assert.deepEqual(issues({ rename: { headers: ['x-a:bad name'] } }), { 'rename.headers[0]': 'must be "old:new" with two valid header names' })
  assert.deepEqual(issues({ rename: { json: ['nocolon'] } }), { 'rename.json[0]': 'must be "name:value"' })
  assert.deepEqual(issues({ rename: { json_types: [] } }), { 'rename.json_types': 'unknown field' })
  assert.deepEqual(issues({ replace: { headers: ['x-a'] } }), { 'replace.headers[0]': 'must be "header:value" with a valid header name and value' })
  assert.deepEqual(issues({ add: { headers: ['x-a:line\nbreak'] } }), { 'add.headers[0]': 'must be "header:value" with a valid header name and value' })
  assert.deepEqual(issues({ add: { json: [':value'] } }), { 'add.json[0]': 'must be "name:value"' })
  assert.deepEqual(issues({ append: { json_types: ['object'] } }), { 'append.json_types[0]': 'must be one of: boolean, number, string' })
  assert.deepEqual(issues({ append: 'x' }), { append: 'must be an object' })
  assert.deepEqual(issues({ colour: 'red' }), { colour: 'unknown field' })
})
