import { test } from 'node:test'
import assert from 'node:assert/strict'
import { validatePluginConfig } from '../../../src/contract/index.js'
import { rateLimitingSpec } from '../../../src/plugins/rate-limiting/schema.js'

function issues (config: unknown): Record<string, string> {
  return Object.fromEntries(validatePluginConfig(rateLimitingSpec, config).issues.map((i) => [i.path, i.message]))
}

test('a config with one limit gets Kong\'s defaults: by consumer, local, fault tolerant, 429', () => {
  assert.deepEqual(validatePluginConfig(rateLimitingSpec, { minute: 5 }), {
    config: {
      error_code: 429,
      error_message: 'API rate limit exceeded',
      fault_tolerant: true,
      hide_client_headers: false,
      limit_by: 'consumer',
      minute: 5,
      policy: 'local',
      redis_database: 0,
      redis_port: 6379,
      redis_ssl: false,
      redis_ssl_verify: false,
      redis_timeout: 2000,
      sync_rate: -1
    },
    issues: []
  })
})

test('accepts every period, every limit_by with its field, and a full redis policy', () => {
  assert.deepEqual(issues({ second: 1, minute: 10, hour: 100, day: 1000, month: 10000, year: 100000 }), {})
  for (const limitBy of ['consumer', 'credential', 'ip', 'service']) assert.deepEqual(issues({ hour: 1, limit_by: limitBy }), {}, limitBy)
  assert.deepEqual(issues({ hour: 1, limit_by: 'header', header_name: 'X-Client-Id' }), {})
  assert.deepEqual(issues({ hour: 1, limit_by: 'path', path: '/login' }), {})
  assert.deepEqual(issues({
    minute: 1,
    policy: 'redis',
    redis_host: 'redis.internal',
    redis_port: 6380,
    redis_username: 'atrium',
    redis_password: 's3cret',
    redis_database: 3,
    redis_timeout: 500,
    redis_ssl: true,
    redis_ssl_verify: true,
    redis_server_name: 'redis.example.com',
    fault_tolerant: false,
    hide_client_headers: true,
    error_code: 503,
    error_message: 'slow down',
    sync_rate: -1
  }), {})
  // Equal limits across periods are fine (Kong only refuses a longer period with a lower limit).
  assert.deepEqual(issues({ minute: 5, hour: 5 }), {})
})

test('needs at least one limit, and a longer period may not have a lower limit (Kong\'s rule)', () => {
  assert.deepEqual(issues({}), { '': 'at least one of second, minute, hour, day, month, year is required' })
  assert.deepEqual(issues({ limit_by: 'ip' }), { '': 'at least one of second, minute, hour, day, month, year is required' })
  assert.deepEqual(issues({ minute: 10, hour: 5 }), { hour: 'the limit for hour (5) cannot be lower than the limit for minute (10)' })
  assert.deepEqual(issues({ second: 10, day: 20, year: 15 }), { year: 'the limit for year (15) cannot be lower than the limit for day (20)' })
})

test('limit_by header needs header_name, limit_by path needs path, policy redis needs redis_host', () => {
  assert.deepEqual(issues({ minute: 1, limit_by: 'header' }), { header_name: 'is required when limit_by is header' })
  assert.deepEqual(issues({ minute: 1, limit_by: 'path' }), { path: 'is required when limit_by is path' })
  assert.deepEqual(issues({ minute: 1, policy: 'redis' }), { redis_host: 'is required when policy is redis' })
})

test('rejects every bad field by name', () => {
  assert.deepEqual(issues({ minute: 0 }), { minute: 'must be between 1 and 9007199254740991' })
  assert.deepEqual(issues({ second: -1 }), { second: 'must be between 1 and 9007199254740991' })
  assert.deepEqual(issues({ hour: 1.5 }), { hour: 'must be an integer' })
  assert.deepEqual(issues({ day: '10' }), { day: 'must be an integer' })
  assert.deepEqual(issues({ minute: 1, limit_by: 'consumer-group' }), { limit_by: 'must be one of: consumer, credential, ip, service, header, path' })
  assert.deepEqual(issues({ minute: 1, limit_by: 'header', header_name: 'x y' }), { header_name: 'must be a valid header name' })
  assert.deepEqual(issues({ minute: 1, limit_by: 'path', path: 'login' }), { path: 'must start with /' })
  assert.deepEqual(issues({ minute: 1, policy: 'cluster' }), { policy: 'must be one of: local, redis' })
  assert.deepEqual(issues({ minute: 1, fault_tolerant: 'yes' }), { fault_tolerant: 'must be a boolean' })
  assert.deepEqual(issues({ minute: 1, redis_host: 'redis://x' }), { redis_host: 'must be a host name or address' })
  assert.deepEqual(issues({ minute: 1, redis_host: '' }), { redis_host: 'must be a host name or address' })
  assert.deepEqual(issues({ minute: 1, redis_port: 0 }), { redis_port: 'must be between 1 and 65535' })
  assert.deepEqual(issues({ minute: 1, redis_port: 65536 }), { redis_port: 'must be between 1 and 65535' })
  assert.deepEqual(issues({ minute: 1, redis_username: '' }), { redis_username: 'must not be empty' })
  assert.deepEqual(issues({ minute: 1, redis_password: 5 }), { redis_password: 'must be a string' })
  assert.deepEqual(issues({ minute: 1, redis_database: -1 }), { redis_database: 'must be between 0 and 65535' })
  assert.deepEqual(issues({ minute: 1, redis_timeout: 0 }), { redis_timeout: 'must be between 1 and 2147483646' })
  assert.deepEqual(issues({ minute: 1, redis_ssl: 1 }), { redis_ssl: 'must be a boolean' })
  assert.deepEqual(issues({ minute: 1, redis_ssl_verify: 'no' }), { redis_ssl_verify: 'must be a boolean' })
  assert.deepEqual(issues({ minute: 1, redis_server_name: '' }), { redis_server_name: 'must not be empty' })
  assert.deepEqual(issues({ minute: 1, hide_client_headers: 'no' }), { hide_client_headers: 'must be a boolean' })
  assert.deepEqual(issues({ minute: 1, error_code: 99 }), { error_code: 'must be between 100 and 599' })
  assert.deepEqual(issues({ minute: 1, error_message: 5 }), { error_message: 'must be a string' })
  assert.deepEqual(issues({ minute: 1, sync_rate: 10 }), { sync_rate: 'must be one of: -1' })
})

test('Kong 3.6+\'s redis record is read into the flat redis_* fields (a deck dump of Kong 3.9 loads)', () => {
  const result = validatePluginConfig(rateLimitingSpec, { minute: 1, policy: 'redis', redis: { host: 'redis.internal', port: 6380, database: 2, password: null, ssl: true } })
  assert.deepEqual(result.issues, [])
  assert.deepEqual([result.config.redis_host, result.config.redis_port, result.config.redis_database, result.config.redis_ssl, 'redis' in result.config], ['redis.internal', 6380, 2, true, false])
  assert.deepEqual(validatePluginConfig(rateLimitingSpec, { minute: 1, redis: { colour: 'red' } }).issues.map((i) => i.path), ['["redis.colour"]'])
})
