import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { corsSpec } from '../../../src/plugins/cors/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(corsSpec, config).issues.map((i) => [i.path, i.message]))
}

test('an empty config gets Kong\'s defaults: every method, no credentials, preflights answered', () => {
  assert.deepEqual(validatePluginConfig(corsSpec, {}), {
    config: {
      allow_origin_absent: true,
      credentials: false,
      methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'],
      preflight_continue: false,
      private_network: false
    },
    issues: []
  })
})

test('accepts exact, regex and "*" origins, header lists, max_age and the flags', () => {
  assert.deepEqual(issues({
    origins: ['https://app.example.com', 'http://localhost:3000', 'https://.*\\.example\\.com', '^https://(a|b)\\.test$', '*'],
    methods: ['GET', 'POST'],
    headers: ['Authorization', 'X-Api-Key', '*'],
    exposed_headers: ['X-Request-Id'],
    max_age: 3600,
    credentials: true,
    private_network: true,
    preflight_continue: true,
    allow_origin_absent: false
  }), {})
  assert.deepEqual(issues({ max_age: 0, origins: [] }), {})
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ origins: 'https://a.example.com' }), { origins: 'must be a list' })
  assert.deepEqual(issues({ origins: [''] }), { 'origins[0]': 'must not be empty' })
  assert.deepEqual(issues({ origins: ['https://ok.example.com', 'https://(unclosed.example.com'] }), { 'origins[1]': 'invalid regex: missing ): https:\\/\\/(unclosed.example.com' })
  assert.deepEqual(issues({ origins: ['https://(?=x).example.com'] }), { 'origins[0]': 'invalid regex: invalid perl operator: (?=' })
  assert.deepEqual(issues({ methods: ['GET', 'FETCH'] }), { 'methods[1]': 'must be one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT' })
  assert.deepEqual(issues({ headers: ['bad header'] }), { 'headers[0]': 'must be a valid header name' })
  assert.deepEqual(issues({ exposed_headers: ['x:y'] }), { 'exposed_headers[0]': 'must be a valid header name' })
  assert.deepEqual(issues({ max_age: -1 }), { max_age: 'must be between 0 and 2147483647' })
  assert.deepEqual(issues({ max_age: 1.5 }), { max_age: 'must be an integer' })
  assert.deepEqual(issues({ credentials: 'yes' }), { credentials: 'must be a boolean' })
  assert.deepEqual(issues({ private_network: 1 }), { private_network: 'must be a boolean' })
  assert.deepEqual(issues({ preflight_continue: 'no' }), { preflight_continue: 'must be a boolean' })
  assert.deepEqual(issues({ allow_origin_absent: null, origin: ['x'] }), { origin: 'unknown field' })
})
