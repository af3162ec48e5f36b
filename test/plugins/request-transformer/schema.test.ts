import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { compileTemplate, requestTransformerSpec } from '../../../src/plugins/request-transformer/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(requestTransformerSpec, config).issues.map((i) => [i.path, i.message]))
}

const EMPTY = { body: [], headers: [], querystring: [] }

test('an empty config gets Kong\'s defaults: every list empty, no method, no uri', () => {
  assert.deepEqual(validatePluginConfig(requestTransformerSpec, {}), {
    config: { add: EMPTY, append: EMPTY, remove: EMPTY, rename: EMPTY, replace: EMPTY },
    issues: []
  })
})

test('accepts Kong\'s shapes, templates included', () => {
  assert.deepEqual(issues({
    http_method: 'POST',
    remove: { headers: ['x-secret'], querystring: ['debug'], body: ['password'] },
    rename: { headers: ['x-old:x-new'], querystring: ['q:query'], body: ['old:new'] },
    replace: { headers: ['host:internal.example'], querystring: ['v:2'], body: ['name:$(headers.x_user)'], uri: '/users/$(uri_captures.id)/$(uri_captures[1])' },
    add: { headers: ['x-from:$(query_params["from"] or headers["X-From"] or \'unknown\')'], querystring: ['a:1'], body: ['b:$(shared.correlation_id)'] },
    append: { headers: ['x-list:two'], querystring: ['a:2'], body: ['tags:$(\'$(literal)\')'] }
  }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ http_method: 'get' }), { http_method: 'must be an upper-case HTTP method' })
  assert.deepEqual(issues({ http_method: 5 }), { http_method: 'must be a string' })
  assert.deepEqual(issues({ remove: { headers: ['bad header'] } }), { 'remove.headers[0]': 'must be a valid header name' })
  assert.deepEqual(issues({ remove: { body: [''] } }), { 'remove.body[0]': 'must not be empty' })
  assert.deepEqual(issues({ remove: { querystring: 'a' } }), { 'remove.querystring': 'must be a list' })
  assert.deepEqual(issues({ rename: { headers: ['x-a:'] } }), { 'rename.headers[0]': 'must be "old:new" with two valid header names' })
  assert.deepEqual(issues({ rename: { body: ['nocolon'] } }), { 'rename.body[0]': 'must be "name:value"' })
  assert.deepEqual(issues({ replace: { headers: ['x-a'] } }), { 'replace.headers[0]': 'must be "header:value" with a valid header name and value' })
  assert.deepEqual(issues({ replace: { uri: '' } }), { 'replace.uri': 'must not be empty' })
  assert.deepEqual(issues({ replace: { json: [] } }), { 'replace.json': 'unknown field' })
  assert.deepEqual(issues({ add: { querystring: [':v'] } }), { 'add.querystring[0]': 'must be "name:value"' })
  assert.deepEqual(issues({ append: { headers: ['x-a:line\rbreak'] } }), { 'append.headers[0]': 'must be "header:value" with a valid header name and value' })
  assert.deepEqual(issues({ colour: 'red' }), { colour: 'unknown field' })
})

test('rejects templates Atrium does not evaluate (Kong runs arbitrary Lua there), naming the entry', () => {
  const bad = issues({
    add: { headers: ['x-a:$(os.getenv("HOME"))', 'x-b:$(headers.a .. "x")'], body: ['c:$(query_params[1])'] },
    replace: { uri: '/x/$(uri_captures.id' }
  })
  assert.match(bad['add.headers[0]'], /^unsupported template \$\(os\.getenv\("HOME"\)\): expected headers, query_params, uri_captures, shared/)
  assert.match(bad['add.headers[1]'], /only "or" between values/)
  assert.match(bad['add.body[0]'], /query_params is indexed by name/)
  assert.match(bad['replace.uri'], /unbalanced "\$\("/)
})

test('compiles templates once: plain values stay strings; expressions become alternatives', () => {
  assert.equal(compileTemplate('plain value'), 'plain value')
  assert.deepEqual(compileTemplate('id-$(uri_captures.id or "none")!'), ['id-', [{ kind: 'uri_captures', key: 'id' }, { kind: 'literal', value: 'none' }], '!'])
  assert.deepEqual(compileTemplate('$(uri_captures[2])'), [[{ kind: 'uri_captures', key: 2 }]])
  assert.deepEqual(compileTemplate("$('$(escaped)')"), [[{ kind: 'literal', value: '$(escaped)' }]])
})
