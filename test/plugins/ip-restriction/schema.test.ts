import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { ipRestrictionSpec } from '../../../src/plugins/ip-restriction/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(ipRestrictionSpec, config).issues.map((i) => [i.path, i.message]))
}

test('has no defaults to fill in: status and message stay unset (403 and Kong\'s message at request time)', () => {
  assert.deepEqual(validatePluginConfig(ipRestrictionSpec, { deny: ['10.0.0.1'] }), { config: { deny: ['10.0.0.1'] }, issues: [] })
})

test('accepts IPv4 and IPv6 addresses and CIDR ranges in allow and deny, with a status and message', () => {
  assert.deepEqual(issues({ allow: ['127.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '::1', '2001:db8::/32', '::/0', '10.1.2.3/32', 'fe80::1/128'] }), {})
  assert.deepEqual(issues({ deny: ['192.168.0.0/16'], allow: [], status: 401, message: 'go away' }), {})
  assert.deepEqual(issues({ allow: ['10.0.0.0/8'], deny: ['10.0.0.1'] }), {})
})

test('needs allow or deny with at least one entry', () => {
  assert.deepEqual(issues({}), { '': 'at least one of allow or deny must be a non-empty list' })
  assert.deepEqual(issues({ allow: [], deny: [] }), { '': 'at least one of allow or deny must be a non-empty list' })
  assert.deepEqual(issues({ status: 403 }), { '': 'at least one of allow or deny must be a non-empty list' })
})

test('rejects every bad field by name', () => {
  const notIp = 'must be an IP address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32)'
  assert.deepEqual(issues({ allow: ['10.0.0.256'] }), { 'allow[0]': notIp })
  assert.deepEqual(issues({ deny: ['127.0.0.1', 'example.com'] }), { 'deny[1]': notIp })
  assert.deepEqual(issues({ deny: ['10.0.0.0/33'] }), { 'deny[0]': notIp })
  assert.deepEqual(issues({ deny: ['::/129'] }), { 'deny[0]': notIp })
  assert.deepEqual(issues({ deny: ['10.0.0.0/'] }), { 'deny[0]': notIp })
  assert.deepEqual(issues({ deny: ['10.0.0.0/-1'] }), { 'deny[0]': notIp })
  assert.deepEqual(issues({ deny: ['10.0.0.0/8/8'] }), { 'deny[0]': notIp })
  assert.deepEqual(issues({ deny: [''] }), { 'deny[0]': 'must not be empty' })
  assert.deepEqual(issues({ deny: '10.0.0.1' }), { deny: 'must be a list' })
  assert.deepEqual(issues({ allow: [5] }), { 'allow[0]': 'must be a string' })
  assert.deepEqual(issues({ deny: ['10.0.0.1'], status: 99 }), { status: 'must be between 100 and 599' })
  assert.deepEqual(issues({ deny: ['10.0.0.1'], status: 600 }), { status: 'must be between 100 and 599' })
  assert.deepEqual(issues({ deny: ['10.0.0.1'], status: 403.5 }), { status: 'must be an integer' })
  assert.deepEqual(issues({ deny: ['10.0.0.1'], message: 1 }), { message: 'must be a string' })
  assert.deepEqual(issues({ deny: ['10.0.0.1'], whitelist: ['10.0.0.1'] }), { whitelist: 'unknown field' })
})
