import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadDeclarativeConfig, type FieldIssue } from '../../../src/contract/index.js'

function load (doc: unknown): ReturnType<typeof loadDeclarativeConfig> {
  return loadDeclarativeConfig(JSON.stringify(doc), { filename: 'kong.json' })
}

function errorsOf (doc: unknown): FieldIssue[] {
  const result = load(doc)
  if (result.ok) assert.fail('expected errors, the config was accepted')
  return result.errors
}

const note = { _comment: 'why this entity exists', _ignore: [{ anything: 1 }, 'x'] }

test('_comment and _ignore are accepted on every entity, nested ones included, as Kong\'s declarative_config', () => {
  const result = load({
    _format_version: '3.0',
    ...note,
    services: [{
      ...note,
      name: 's',
      host: 'a.internal',
      routes: [{ ...note, name: 'r', paths: ['/'], plugins: [{ ...note, name: 'cors' }] }],
      plugins: [{ ...note, name: 'correlation-id' }]
    }],
    routes: [{ ...note, name: 'top', paths: ['/top'], service: 's' }],
    plugins: [{ ...note, name: 'request-size-limiting' }],
    consumers: [{
      ...note,
      username: 'alice',
      keyauth_credentials: [{ ...note, key: 'k-1' }],
      basicauth_credentials: [{ ...note, username: 'alice', password: 'pw' }],
      jwt_secrets: [{ ...note, key: 'iss-1', secret: 's3cret' }],
      acls: [{ ...note, group: 'gold' }],
      plugins: [{ ...note, name: 'rate-limiting', config: { minute: 5 } }]
    }],
    keyauth_credentials: [{ ...note, consumer: 'alice', key: 'k-2' }]
  })
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.deepEqual(result.warnings, [])
  // Never applied: the normalised config carries neither.
  assert.equal(JSON.stringify(result.config).includes('_comment'), false)
  assert.equal(JSON.stringify(result.config).includes('_ignore'), false)
})

test('_comment must be a string and _ignore a list, as in Kong', () => {
  assert.deepEqual(errorsOf({ _format_version: '3.0', services: [{ host: 'a', _comment: 1, _ignore: 'x' }] }), [
    { path: 'services[0]._comment', message: 'must be a string' },
    { path: 'services[0]._ignore', message: 'must be a list' }
  ])
})

test('tags take Kong\'s syntax: printable characters with spaces, any non-ASCII, but no "," or "/"', () => {
  const tags = ['team a', 'env:prod', 'managed-by-ingress-controller', 'k8s-uid:1234', 'ünïcødé', '日本', '~!@#$%^&*()_+=-[]{}|;\'"<>?.']
  const result = load({ _format_version: '3.0', services: [{ host: 'a', tags, routes: [{ paths: ['/'], tags }] }] })
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.deepEqual(result.config.services[0].tags, tags)
  const message = 'must be a non-empty tag of printable characters other than "," and "/"'
  assert.deepEqual(errorsOf({ _format_version: '3.0', services: [{ host: 'a', tags: ['a,b', 'a/b', '', 'tab\there', 'nl\n'] }] }), [
    { path: 'services[0].tags[0]', message },
    { path: 'services[0].tags[1]', message },
    { path: 'services[0].tags[2]', message },
    { path: 'services[0].tags[3]', message },
    { path: 'services[0].tags[4]', message }
  ])
})

test('authentication plugins, acl and cors cannot be applied to a consumer, as Kong\'s no_consumer', () => {
  const why = (name: string): string => `plugin "${name}" cannot be applied to a consumer (Kong's schema: no_consumer)`
  assert.deepEqual(errorsOf({
    _format_version: '3.0',
    consumers: [{
      username: 'alice',
      plugins: [{ name: 'key-auth' }, { name: 'basic-auth' }, { name: 'jwt' }, { name: 'acl', config: { allow: ['a'] } }, { name: 'cors' }, { name: 'rate-limiting', config: { minute: 1 } }]
    }, { username: 'bob' }],
    plugins: [{ name: 'key-auth', consumer: 'bob' }]
  }), [
    { path: 'consumers[0].plugins[0]', message: why('key-auth') },
    { path: 'consumers[0].plugins[1]', message: why('basic-auth') },
    { path: 'consumers[0].plugins[2]', message: why('jwt') },
    { path: 'consumers[0].plugins[3]', message: why('acl') },
    { path: 'consumers[0].plugins[4]', message: why('cors') },
    { path: 'plugins[0].consumer', message: `must not be set: ${why('key-auth')}` }
  ])
})

test('plugins Kong limits to HTTP protocols reject stream protocols; the others take any Kong protocol', () => {
  const http = 'must be one of: grpc, grpcs, http, https, ws, wss'
  assert.deepEqual(errorsOf({
    _format_version: '3.0',
    plugins: [
      { name: 'key-auth', protocols: ['http', 'tcp'] },
      { name: 'rate-limiting', protocols: ['tls'], config: { minute: 1 } },
      { name: 'ip-restriction', protocols: ['tcp', 'http'], config: { allow: ['10.0.0.0/8'] } }
    ]
  }), [
    { path: 'plugins[0].protocols[1]', message: `${http} (plugin "key-auth" runs on HTTP protocols only, as in Kong)` },
    { path: 'plugins[1].protocols[0]', message: `${http} (plugin "rate-limiting" runs on HTTP protocols only, as in Kong)` }
  ])
})

test('a key-auth key, a JWT key and an HMAC secret left out are generated, as Kong\'s auto fields (random, Kong\'s 32-character form)', () => {
  const doc = {
    _format_version: '3.0',
    consumers: [{
      username: 'alice',
      keyauth_credentials: [{}, { key: null }],
      jwt_secrets: [{}, { algorithm: 'HS512', key: 'given' }]
    }]
  }
  const first = load(doc)
  const second = load(doc)
  if (!first.ok || !second.ok) assert.fail(JSON.stringify(!first.ok ? first.errors : !second.ok && second.errors))
  const creds = first.config.consumers?.[0].credentials
  assert.equal(creds?.keyauth_credentials?.length, 2)
  for (const k of creds?.keyauth_credentials ?? []) assert.match(k.key_hash, /^[0-9a-f]{64}$/)
  const [generated, hs512] = creds?.jwt_secrets ?? []
  assert.match(generated.key, /^[A-Za-z0-9]{32}$/)
  assert.match(generated.secret ?? '', /^[A-Za-z0-9]{32}$/)
  assert.equal(hs512.key, 'given')
  assert.match(hs512.secret ?? '', /^[A-Za-z0-9]{32}$/)
  // Random, never derived from the file: two loads generate different values.
  assert.notEqual(first.hash, second.hash)
  assert.notEqual(generated.secret, second.config.consumers?.[0].credentials.jwt_secrets?.[0].secret)
})

test('an RS256 JWT secret gets a key but no HMAC secret: its public key is still required', () => {
  assert.deepEqual(errorsOf({ _format_version: '3.0', consumers: [{ username: 'a', jwt_secrets: [{ algorithm: 'RS256' }] }] }), [
    { path: 'consumers[0].jwt_secrets[0].rsa_public_key', message: 'is required for RS256' }
  ])
})

test('_transform: false: a basic-auth password is Kong\'s digest, kept as $kong-sha1$<consumer id>$<digest>; without that it is a plaintext password', () => {
  const id = '6F1C1A6E-2B1D-4C3E-9F4A-5B6C7D8E9F00'
  const digest = 'A'.repeat(40)
  const kong = load({ _format_version: '3.0', _transform: false, consumers: [{ id, username: 'a', basicauth_credentials: [{ username: 'a', password: digest }] }] })
  if (!kong.ok) assert.fail(JSON.stringify(kong.errors))
  assert.equal(kong.config.consumers?.[0].credentials.basicauth_credentials?.[0].password_hash, `$kong-sha1$${id.toLowerCase()}$${digest.toLowerCase()}`)
  const plain = load({ _format_version: '3.0', consumers: [{ id, username: 'a', basicauth_credentials: [{ username: 'a', password: digest }] }] })
  if (!plain.ok) assert.fail(JSON.stringify(plain.errors))
  assert.match(plain.config.consumers?.[0].credentials.basicauth_credentials?.[0].password_hash ?? '', /^\$sha256\$/)
  assert.deepEqual(errorsOf({ _format_version: '3.0', _transform: false, consumers: [{ username: 'a', basicauth_credentials: [{ username: 'a', password: 'plain' }, { username: 'b', password: digest }] }] }), [
    { path: 'consumers[0].basicauth_credentials[0].password', message: 'must be Kong\'s SHA-1 digest (40 hex digits) when _transform is false' },
    { path: 'consumers[0].id', message: 'is required when _transform is false: Kong salts a basic-auth password digest with the consumer id' }
  ])
})
