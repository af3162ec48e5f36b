import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { jwtSpec } from '../../../src/plugins/jwt/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(jwtSpec, config).issues.map((i) => [i.path, i.message]))
}

test('an empty config gets Kong\'s defaults (and no leeway)', () => {
  assert.deepEqual(validatePluginConfig(jwtSpec, {}), {
    config: {
      cookie_names: [],
      header_names: ['authorization'],
      key_claim_name: 'iss',
      leeway: 0,
      maximum_expiration: 0,
      run_on_preflight: true,
      secret_is_base64: false,
      uri_param_names: ['jwt']
    },
    issues: []
  })
})

test('accepts every field with valid values', () => {
  assert.deepEqual(issues({
    uri_param_names: ['token'], cookie_names: ['session'], header_names: ['x-token'], key_claim_name: 'kid', secret_is_base64: true,
    claims_to_verify: ['exp', 'nbf'], maximum_expiration: 3600, leeway: 30, anonymous: 'guest', run_on_preflight: false, realm: 'api'
  }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ uri_param_names: [''] }), { 'uri_param_names[0]': 'must not be empty' })
  assert.deepEqual(issues({ cookie_names: 'session' }), { cookie_names: 'must be a list' })
  assert.deepEqual(issues({ header_names: ['bad header'] }), { 'header_names[0]': 'must be a valid header name' })
  assert.deepEqual(issues({ key_claim_name: '' }), { key_claim_name: 'must not be empty' })
  assert.deepEqual(issues({ secret_is_base64: 'no' }), { secret_is_base64: 'must be a boolean' })
  assert.deepEqual(issues({ claims_to_verify: ['iat'] }), { 'claims_to_verify[0]': 'must be one of: exp, nbf' })
  assert.deepEqual(issues({ maximum_expiration: -1 }), { maximum_expiration: 'must be between 0 and 31536000' })
  assert.deepEqual(issues({ maximum_expiration: 31_536_001 }), { maximum_expiration: 'must be between 0 and 31536000' })
  assert.deepEqual(issues({ leeway: 3601 }), { leeway: 'must be between 0 and 3600' })
  assert.deepEqual(issues({ leeway: 1.5 }), { leeway: 'must be an integer' })
  assert.deepEqual(issues({ anonymous: '' }), { anonymous: 'must not be empty' })
  assert.deepEqual(issues({ run_on_preflight: 'yes' }), { run_on_preflight: 'must be a boolean' })
  assert.deepEqual(issues({ realm: 'a\\b' }), { realm: 'must be printable text without " or \\' })
  assert.deepEqual(issues({ algorithm: 'HS256' }), { algorithm: 'unknown field' })
})

test('maximum_expiration requires exp in claims_to_verify when that is set, as in Kong (unset or null passes Kong\'s conditional)', () => {
  assert.deepEqual(issues({ maximum_expiration: 60 }), {})
  assert.deepEqual(issues({ maximum_expiration: 60, claims_to_verify: null }), {})
  assert.deepEqual(issues({ maximum_expiration: 60, claims_to_verify: [] }), { claims_to_verify: 'must contain exp when maximum_expiration is set' })
  assert.deepEqual(issues({ maximum_expiration: 60, claims_to_verify: ['nbf'] }), { claims_to_verify: 'must contain exp when maximum_expiration is set' })
  assert.deepEqual(issues({ maximum_expiration: 60, claims_to_verify: ['exp'] }), {})
})
