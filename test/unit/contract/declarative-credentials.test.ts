import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { canonicalJson, hashPassword, keyHash, loadDeclarativeDocument, parsePasswordHash, verifyPassword, type FieldIssue, type GatewayConfig } from '../../../src/contract/index.js'

// Consumer credentials in Kong's declarative shape: what is accepted, what each rule rejects (by
// path), and the normalised form the nodes get (no key, no plaintext password; sorted keys; lists
// left out when empty; covered by the hash).

function load (doc: object): { config: GatewayConfig, hash: string } {
  const result = loadDeclarativeDocument(doc)
  if (!result.ok) assert.fail(JSON.stringify(result.errors))
  assert.deepEqual(result.warnings, [])
  return { config: result.config, hash: result.hash }
}

function errorsOf (doc: object): Record<string, string> {
  const result = loadDeclarativeDocument(doc)
  if (result.ok) assert.fail('expected errors, the document was accepted')
  return Object.fromEntries(result.errors.map((e: FieldIssue) => [e.path, e.message]))
}

const { publicKey: rsaPem } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
const CRED_ID = '0f2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b'

const withCredentials = (consumer: Record<string, unknown>): Record<string, unknown> => ({ _format_version: '3.0', consumers: [{ username: 'alice', ...consumer }] })

test('credentials load into their stored forms: a key as its SHA-256, a plaintext password as a verifier, never the secret itself', () => {
  const { config } = load(withCredentials({
    keyauth_credentials: [{ key: 'alice-key-1', id: CRED_ID.toUpperCase(), tags: ['k'] }, { key_hash: keyHash('alice-key-2').toUpperCase() }],
    basicauth_credentials: [{ username: 'alice', password: 's3cret', tags: null }],
    jwt_secrets: [{ key: 'alice-iss', secret: 'hmac-secret' }, { key: 'alice-rs', algorithm: 'RS256', rsa_public_key: rsaPem, secret: 'ignored' }],
    acls: [{ group: 'gold' }, { group: 'silver', created_at: 1700000000 }]
  }))
  const consumer = (config.consumers ?? [])[0]
  assert.deepEqual(consumer.credentials.keyauth_credentials, [
    { id: CRED_ID, key_hash: keyHash('alice-key-1'), tags: ['k'] },
    { id: null, key_hash: keyHash('alice-key-2'), tags: [] }
  ])
  const [basic] = consumer.credentials.basicauth_credentials ?? []
  assert.equal(basic.username, 'alice')
  assert.match(basic.password_hash, /^\$sha256\$/)
  assert.ok(!JSON.stringify(config).includes('s3cret') && !JSON.stringify(config).includes('alice-key-1'), 'no secret of a key or password in the normalised config')
  assert.deepEqual(consumer.credentials.jwt_secrets, [
    { algorithm: 'HS256', id: null, key: 'alice-iss', rsa_public_key: null, secret: 'hmac-secret', tags: [] },
    { algorithm: 'RS256', id: null, key: 'alice-rs', rsa_public_key: rsaPem, secret: null, tags: [] }
  ])
  assert.deepEqual(consumer.credentials.acls, [{ group: 'gold', id: null, tags: [] }, { group: 'silver', id: null, tags: [] }])
  assert.deepEqual(Object.keys(consumer.credentials), ['acls', 'basicauth_credentials', 'jwt_secrets', 'keyauth_credentials'])
  assert.equal(JSON.stringify(config), canonicalJson(config), 'keys in sorted order as built (the hash fast path)')
})

test('the DB-less verifier of a plaintext password accepts that password only, and is stable across loads', async () => {
  const doc = withCredentials({ basicauth_credentials: [{ username: 'alice', password: 's3cret' }] })
  const a = load(doc)
  const b = load(doc)
  assert.equal(a.hash, b.hash)
  const verifier = parsePasswordHash((a.config.consumers ?? [])[0].credentials.basicauth_credentials?.[0].password_hash ?? '')
  assert.ok(typeof verifier !== 'string')
  assert.equal(await verifyPassword(verifier, 's3cret'), true)
  assert.equal(await verifyPassword(verifier, 's3cret '), false)
})

test('an scrypt password_hash (as the control plane stores it) is kept as is and verifies', async () => {
  const hash = await hashPassword('pa55')
  assert.match(hash, /^\$scrypt\$ln=14,r=8,p=1\$/)
  const { config } = load(withCredentials({ basicauth_credentials: [{ username: 'alice', password_hash: hash }] }))
  assert.equal((config.consumers ?? [])[0].credentials.basicauth_credentials?.[0].password_hash, hash)
  const verifier = parsePasswordHash(hash)
  assert.ok(typeof verifier !== 'string')
  assert.equal(await verifyPassword(verifier, 'pa55'), true)
  assert.equal(await verifyPassword(verifier, 'pa56'), false)
})

test('empty credential lists are left out, so a consumer without credentials hashes as before', () => {
  const plain = load(withCredentials({}))
  const empty = load(withCredentials({ keyauth_credentials: [], basicauth_credentials: [], jwt_secrets: [], acls: [] }))
  assert.deepEqual((empty.config.consumers ?? [])[0].credentials, {})
  assert.equal(plain.hash, empty.hash)
})

test('the hash covers credentials: adding, changing or removing one changes it', () => {
  const base = withCredentials({ keyauth_credentials: [{ key: 'k1' }], acls: [{ group: 'g' }], jwt_secrets: [{ key: 'iss', secret: 's' }] })
  const h = load(base).hash
  const variant = (change: Record<string, unknown>): string => load(withCredentials({ keyauth_credentials: [{ key: 'k1' }], acls: [{ group: 'g' }], jwt_secrets: [{ key: 'iss', secret: 's' }], ...change })).hash
  assert.notEqual(variant({ keyauth_credentials: [{ key: 'k2' }] }), h)
  assert.notEqual(variant({ keyauth_credentials: [{ key: 'k1' }, { key: 'k3' }] }), h)
  assert.notEqual(variant({ acls: [] }), h)
  assert.notEqual(variant({ acls: [{ group: 'h' }] }), h)
  assert.notEqual(variant({ jwt_secrets: [{ key: 'iss', secret: 's2' }] }), h)
  assert.notEqual(variant({ basicauth_credentials: [{ username: 'u', password: 'p' }] }), h)
  assert.equal(variant({ keyauth_credentials: [{ key_hash: keyHash('k1') }] }), h, 'a key and its hash are the same credential')
  assert.equal(variant({ jwt_secrets: [{ key: 'iss', secret: 's', algorithm: 'HS256' }] }), h, 'a default written out changes nothing')
})

test('rejects every credential rule by path, without repeating key-auth keys', () => {
  const errors = errorsOf({
    _format_version: '3.0',
    consumers: [
      {
        username: 'alice',
        keyauth_credentials: [{ key: 'same-key' }, {}, { key: 'k', key_hash: keyHash('k') }, { key_hash: 'abc' }, { key: '' }, { key: 'x', ttl: 5 }],
        basicauth_credentials: [{ username: 'bob', password: 'p' }, { username: 'carol' }, { username: 'dave', password: 'p', password_hash: 'x' }, { username: 'erin', password_hash: '$sha256$AAAAAAAAAAAAAAAAAAAAAA==$AAAA' }, { username: 'fay', password_hash: '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==' }],
        jwt_secrets: [{ key: 'iss-1' }, { key: 'iss-2', algorithm: 'RS256' }, { key: 'iss-3', algorithm: 'RS256', rsa_public_key: 'not a key' }, { key: 'iss-4', algorithm: 'ES256', rsa_public_key: rsaPem }, { key: 'iss-5', algorithm: 'RS256', rsa_public_key: ec.privateKey }, { algorithm: 'HS999', secret: 's' }],
        acls: [{ group: 'gold' }, { group: 'gold' }, {}]
      },
      {
        username: 'zed',
        keyauth_credentials: [{ key: 'same-key', id: CRED_ID }],
        basicauth_credentials: [{ username: 'bob', password: 'q' }],
        jwt_secrets: [{ key: 'iss-1', secret: 's', id: CRED_ID }],
        acls: [{ group: 'gold', id: CRED_ID }, { group: 'x', id: CRED_ID }]
      }
    ]
  })
  const a = 'consumers[0]'
  const z = 'consumers[1]'
  assert.deepEqual(errors, {
    [`${a}.keyauth_credentials[2].key_hash`]: 'cannot be used with key',
    [`${a}.keyauth_credentials[3].key_hash`]: 'must be a SHA-256 digest (64 hex digits)',
    [`${a}.keyauth_credentials[4].key`]: 'must not be empty',
    [`${a}.keyauth_credentials[5].ttl`]: 'unknown field',
    [`${z}.keyauth_credentials[0].key`]: `duplicate key (also at ${a}.keyauth_credentials[0])`,
    [`${a}.basicauth_credentials[1].password`]: 'is required (or password_hash)',
    [`${a}.basicauth_credentials[2].password_hash`]: 'cannot be used with password',
    [`${a}.basicauth_credentials[3].password_hash`]: 'must be a password hash as Atrium exports it ($scrypt$ln=…,r=…,p=…$salt$hash)',
    [`${a}.basicauth_credentials[4].password_hash`]: 'scrypt parameters out of range (ln 10-20, r 1-32, p 1-16)',
    [`${z}.basicauth_credentials[0].username`]: `duplicate username "bob" (also at ${a}.basicauth_credentials[0])`,
    [`${a}.jwt_secrets[1].rsa_public_key`]: 'is required for RS256',
    [`${a}.jwt_secrets[2].rsa_public_key`]: 'must be a PEM public key',
    [`${a}.jwt_secrets[3].rsa_public_key`]: 'must be an EC public key on P-256 for ES256',
    [`${a}.jwt_secrets[4].rsa_public_key`]: 'must be a public key (this is a private key: keep it out of the gateway)',
    [`${a}.jwt_secrets[5].algorithm`]: 'must be one of: HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384',
    [`${z}.jwt_secrets[0].key`]: `duplicate key "iss-1" (also at ${a}.jwt_secrets[0])`,
    [`${a}.acls[1].group`]: `duplicate group "gold" for this consumer (also at ${a}.acls[0])`,
    [`${a}.acls[2].group`]: 'is required',
    [`${z}.acls[1].id`]: `duplicate id "${CRED_ID}" (also at ${z}.acls[0])`
  })
  assert.ok(!JSON.stringify(errors).includes('same-key'), 'a key is never repeated in a message')
})

test('ES256 and ES384 keys must be on their curve; RS keys must be RSA', () => {
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey
  load(withCredentials({ jwt_secrets: [{ key: 'a', algorithm: 'ES256', rsa_public_key: ec.publicKey }, { key: 'b', algorithm: 'ES384', rsa_public_key: p384 }, { key: 'c', algorithm: 'RS512', rsa_public_key: rsaPem }] }))
  assert.deepEqual(errorsOf(withCredentials({ jwt_secrets: [{ key: 'a', algorithm: 'ES384', rsa_public_key: ec.publicKey }, { key: 'b', algorithm: 'RS384', rsa_public_key: p384 }] })), {
    'consumers[0].jwt_secrets[0].rsa_public_key': 'must be an EC public key on P-384 for ES384',
    'consumers[0].jwt_secrets[1].rsa_public_key': 'must be an RSA public key for RS384'
  })
})

test('Kong\'s credentials of plugins Atrium does not bundle are rejected, naming the field and why (an empty list is accepted)', () => {
  const result = loadDeclarativeDocument(withCredentials({ hmacauth_credentials: [{ username: 'h', secret: 's' }] }))
  assert.equal(result.ok, false)
  assert.deepEqual(!result.ok && result.errors, [{ path: 'consumers[0].hmacauth_credentials', message: 'not supported by Atrium (unbundled-credentials): credentials of hmac-auth, oauth2 and mtls-auth, plugins Atrium does not bundle' }])
  assert.equal(loadDeclarativeDocument(withCredentials({ hmacauth_credentials: [] })).ok, true)
})

test('keyHash is the SHA-256 hex of the key', () => {
  assert.equal(keyHash('abc'), createHash('sha256').update('abc').digest('hex'))
})
