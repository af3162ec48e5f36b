import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig, loadDeclarativeDocument, type FieldIssue } from '../../../src/contract/index.js'

// Kong's top-level credential lists (`keyauth_credentials: [{consumer: …, key: …}]`) load exactly
// like the same credentials nested in their consumers; bad references are errors by path.

const ALICE = '0b6f4a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b'

const nested = {
  _format_version: '3.0',
  consumers: [
    { username: 'alice', id: ALICE, keyauth_credentials: [{ key: 'k-1' }, { key: 'k-2' }], acls: [{ group: 'gold' }] },
    { username: 'bob', basicauth_credentials: [{ username: 'bob-login', password: 'pw' }], jwt_secrets: [{ key: 'iss', secret: 's' }] }
  ]
}

function errorsOf (doc: object): Record<string, string> {
  const result = loadDeclarativeDocument(doc)
  if (result.ok) assert.fail('expected errors, the document was accepted')
  return Object.fromEntries(result.errors.map((e: FieldIssue) => [e.path, e.message]))
}

test('top-level credential lists give the same config and hash as the nested form, whatever the reference form', () => {
  const expected = loadDeclarativeDocument(nested)
  assert.ok(expected.ok)
  const flat = {
    _format_version: '3.0',
    consumers: [{ username: 'alice', id: ALICE, keyauth_credentials: [{ key: 'k-1' }] }, { username: 'bob' }],
    keyauth_credentials: [{ consumer: ALICE.toUpperCase(), key: 'k-2' }],
    acls: [{ consumer: { id: ALICE }, group: 'gold', created_at: null }],
    basicauth_credentials: [{ consumer: 'bob', username: 'bob-login', password: 'pw' }],
    jwt_secrets: [{ consumer: { username: 'bob' }, key: 'iss', secret: 's' }]
  }
  const result = loadDeclarativeDocument(flat)
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors))
  assert.equal(result.hash, expected.hash)
  assert.deepEqual(result.config, expected.config)
  assert.equal((flat.keyauth_credentials as unknown[]).length, 1, 'the input is not changed')
  assert.equal(flat.consumers[0].keyauth_credentials?.length, 1)
})

test('top-level credentials of plugins Atrium does not bundle are taken like nested ones: rejected as not supported', () => {
  const result = loadDeclarativeDocument({ _format_version: '3.0', consumers: [{ username: 'alice' }], hmacauth_credentials: [{ consumer: 'alice', username: 'h', secret: 's' }] })
  const same = loadDeclarativeDocument({ _format_version: '3.0', consumers: [{ username: 'alice', hmacauth_credentials: [{ username: 'h', secret: 's' }] }] })
  assert.equal(result.ok, false)
  assert.equal(same.ok, false)
  assert.deepEqual(!result.ok && result.errors.map((e) => e.path), ['consumers[0].hmacauth_credentials'])
  assert.deepEqual(!result.ok && result.errors, !same.ok && same.errors)
})

test('a YAML file in the flat form loads; null lists are unset, as in Kong exports', () => {
  const result = loadDeclarativeConfig(`_format_version: "3.0"
consumers:
  - username: alice
keyauth_credentials:
  - consumer: alice
    key: yaml-key
acls: null
`)
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors))
  assert.equal(result.config.consumers?.[0].credentials.keyauth_credentials?.length, 1)
})

test('credentials naming no consumer, or in a list that is not one, are errors by their top-level path (references follow the rules of plugin references)', () => {
  assert.deepEqual(errorsOf({
    _format_version: '3.0',
    consumers: [{ username: 'alice' }],
    keyauth_credentials: [{ consumer: 'carol', key: 'k' }, { key: 'k2' }, 'nope', { consumer: { custom_id: 'x' }, key: 'k3' }],
    acls: { consumer: 'alice', group: 'g' }
  }), {
    'keyauth_credentials[0].consumer': 'no consumer with username or id "carol"',
    'keyauth_credentials[1].consumer': 'required: the id or username of the consumer this credential belongs to (a string, or {id} / {username})',
    'keyauth_credentials[2]': 'must be an object',
    'keyauth_credentials[3].consumer.custom_id': 'unknown field',
    acls: 'must be an array of credentials, each naming its consumer'
  })
  // Without consumers nothing resolves; a lifted credential is then checked where it landed.
  assert.deepEqual(errorsOf({ _format_version: '3.0', keyauth_credentials: [{ consumer: 'alice', key: 'k' }] }),
    { 'keyauth_credentials[0].consumer': 'no consumer with username or id "alice"' })
  // {id} means the id: a username there does not resolve.
  assert.deepEqual(errorsOf({ _format_version: '3.0', consumers: [{ username: 'alice' }], acls: [{ consumer: { id: 'alice' }, group: 'g' }] }),
    { 'acls[0].consumer': 'no consumer with id "alice"' })
  const landed = errorsOf({ _format_version: '3.0', consumers: [{ username: 'alice' }], keyauth_credentials: [{ consumer: 'alice', key: 'k', color: 'red' }] })
  assert.deepEqual(Object.keys(landed), ['consumers[0].keyauth_credentials[0].color'])
})
