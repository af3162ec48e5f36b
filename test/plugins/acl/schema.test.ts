import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { aclSpec } from '../../../src/plugins/acl/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(aclSpec, config).issues.map((i) => [i.path, i.message]))
}

test('allow gets Kong\'s defaults: groups header sent', () => {
  assert.deepEqual(validatePluginConfig(aclSpec, { allow: ['gold'] }), {
    config: { allow: ['gold'], always_use_authenticated_groups: false, hide_groups_header: false, include_consumer_groups: false },
    issues: []
  })
  assert.deepEqual(issues({ deny: ['banned'], hide_groups_header: true, always_use_authenticated_groups: true }), {})
})

test('exactly one of allow and deny, as Kong\'s only_one_of and at_least_one_of', () => {
  assert.deepEqual(issues({}), { '': 'at least one of allow or deny is required' })
  assert.deepEqual(issues({ allow: ['a'], deny: ['b'] }), { deny: 'cannot be used with allow (only one of allow or deny)' })
})

test('an empty list counts as unset, as Kong\'s is_nonempty: deny: [] next to allow is accepted', () => {
  assert.deepEqual(issues({ allow: ['a'], deny: [] }), {})
  assert.deepEqual(issues({ allow: [], deny: ['b'] }), {})
  assert.deepEqual(issues({ allow: [] }), { '': 'at least one of allow or deny is required' })
  assert.deepEqual(issues({ allow: [], deny: [] }), { '': 'at least one of allow or deny is required' })
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ allow: [''] }), { 'allow[0]': 'must not be empty' })
  assert.deepEqual(issues({ deny: 'banned' }), { deny: 'must be a list' })
  assert.deepEqual(issues({ allow: ['a'], hide_groups_header: 'yes' }), { hide_groups_header: 'must be a boolean' })
  assert.deepEqual(issues({ allow: ['a'], include_consumer_groups: true }), { include_consumer_groups: 'consumer groups are not supported; must be false' })
  assert.deepEqual(issues({ allow: ['a'], whitelist: ['a'] }), { whitelist: 'unknown field' })
})
