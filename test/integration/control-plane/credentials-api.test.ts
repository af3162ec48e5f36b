import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { keyHash, loadDeclarativeDocument, parsePasswordHash, verifyPassword } from '../../../src/contract/index.js'
import { describeStores } from '../../support/stores.js'
import { startAdmin, versionOf, type Call } from './gateway-kit.js'

// The consumer credential endpoints (/runtime-groups/{rg}/consumers/{consumer}/key-auth, basic-auth,
// jwt, acls) on both stores: Kong's list/create/get/patch/delete, secrets never answered back (a
// key only by the request that set it), unique keys per group, and the declarative round trip.

const { publicKey: rsaPem } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } })
const C = '/runtime-groups/prod/consumers'

async function setup (call: Call): Promise<{ alice: string, bob: string }> {
  await call('POST', '/runtime-groups', { name: 'prod' })
  const alice = await call('POST', C, { username: 'alice', custom_id: 'a-1' })
  const bob = await call('POST', C, { username: 'bob' })
  assert.equal(alice.status, 201)
  return { alice: alice.body.id, bob: bob.body.id }
}

async function exported (call: Call): Promise<Record<string, any>> {
  const r = await call('GET', '/runtime-groups/prod/config')
  assert.equal(r.status, 200)
  return r.body
}

async function storedConsumer (call: Call, username: string): Promise<Record<string, any>> {
  return (await exported(call)).consumers.find((c: any) => c.username === username)
}

describeStores((store) => {
  test('key-auth: a generated or given key is answered once, kept as its SHA-256 only, unique per group (409 naming key)', async (t) => {
    const call = await startAdmin(t, store)
    const { alice, bob } = await setup(call)
    const v0 = await versionOf(call, 'prod')
    const generated = await call('POST', `${C}/alice/key-auth`, {})
    assert.equal(generated.status, 201, generated.text)
    assert.match(generated.body.key, /^[A-Za-z0-9_-]{32}$/)
    assert.deepEqual(generated.body.consumer, { id: alice })
    assert.equal(typeof generated.body.created_at, 'number')
    assert.equal(generated.body.key_hash, undefined)
    const given = await call('POST', `${C}/${alice}/key-auth`, { key: 'alice-secret-key', tags: ['ci'] })
    assert.equal(given.status, 201, given.text)
    assert.equal(given.body.key, 'alice-secret-key')
    assert.equal(await versionOf(call, 'prod'), v0 + 2, 'each credential write bumps the config version once')

    const listed = await call('GET', `${C}/alice/key-auth`)
    assert.equal(listed.status, 200)
    assert.deepEqual(listed.body.data.map((c: any) => c.id), [generated.body.id, given.body.id])
    assert.ok(!listed.text.includes('alice-secret-key') && !listed.text.includes(generated.body.key), 'a key is never listed')
    assert.deepEqual(listed.body.data[1], { id: given.body.id, consumer: { id: alice }, tags: ['ci'], created_at: given.body.created_at })
    // Found by id, or by the key itself (looked up by its hash).
    assert.equal((await call('GET', `${C}/alice/key-auth/${given.body.id}`)).body.id, given.body.id)
    assert.equal((await call('GET', `${C}/alice/key-auth/alice-secret-key`)).body.id, given.body.id)
    assert.equal((await call('GET', `${C}/bob/key-auth/${given.body.id}`)).status, 404, 'another consumer\'s credential is not found')

    const stored = await storedConsumer(call, 'alice')
    assert.deepEqual(stored.keyauth_credentials.map((c: any) => c.key_hash), [keyHash(generated.body.key), keyHash('alice-secret-key')])
    const all = JSON.stringify(await exported(call))
    assert.ok(!all.includes('alice-secret-key') && !all.includes(generated.body.key), 'the export (and so the snapshot) holds no key')

    const taken = await call('POST', `${C}/bob/key-auth`, { key: 'alice-secret-key' })
    assert.equal(taken.status, 409)
    assert.equal(taken.body.code, 'ATRIUM_ERR_ADMIN_CONFLICT')
    assert.deepEqual(taken.body.fields, { key: 'already exists' })
    assert.ok(!taken.text.includes('alice-secret-key'))
    const sameId = await call('POST', `${C}/bob/key-auth`, { id: given.body.id, key: 'other' })
    assert.deepEqual([sameId.status, sameId.body.fields], [409, { id: 'already exists' }])
    const bad = await call('POST', `${C}/bob/key-auth`, { key: 5, colour: 'red' })
    assert.deepEqual([bad.status, bad.body.code, bad.body.fields], [400, 'ATRIUM_ERR_ADMIN_INVALID', { key: 'must be a string' }])
    const unknown = await call('POST', `${C}/bob/key-auth`, { colour: 'red' })
    assert.deepEqual([unknown.status, unknown.body.fields], [400, { colour: 'unknown field' }])
    assert.equal((await call('POST', `${C}/nobody/key-auth`, {})).status, 404)
    assert.equal(await versionOf(call, 'prod'), v0 + 2, 'refused writes change nothing')

    const patched = await call('PATCH', `${C}/alice/key-auth/${given.body.id}`, { key: 'rotated-key' })
    assert.equal(patched.status, 200, patched.text)
    assert.equal(patched.body.key, 'rotated-key')
    assert.equal((await call('GET', `${C}/alice/key-auth/alice-secret-key`)).status, 404)
    assert.equal((await call('GET', `${C}/alice/key-auth/rotated-key`)).body.id, given.body.id)
    assert.equal((await call('POST', `${C}/bob/key-auth`, { key: 'alice-secret-key' })).status, 201, 'the old key is free again')

    assert.equal((await call('DELETE', `${C}/alice/key-auth/${given.body.id}`)).status, 204)
    assert.equal((await call('GET', `${C}/alice/key-auth/${given.body.id}`)).status, 404)
    assert.equal((await call('DELETE', `${C}/alice/key-auth/${given.body.id}`)).status, 204, 'deleting again is answered 204, like other entities')
    void bob
  })

  test('basic-auth: the password is never answered nor exported, only an scrypt hash that verifies it', async (t) => {
    const call = await startAdmin(t, store)
    const { alice } = await setup(call)
    const created = await call('POST', `${C}/alice/basic-auth`, { username: 'alice-login', password: 'correct horse' })
    assert.equal(created.status, 201, created.text)
    assert.deepEqual(Object.keys(created.body).sort(), ['consumer', 'created_at', 'id', 'username'])
    assert.deepEqual(created.body.consumer, { id: alice })
    for (const r of [created, await call('GET', `${C}/alice/basic-auth`), await call('GET', `${C}/alice/basic-auth/alice-login`), await call('GET', `${C}/alice`)]) {
      assert.ok(!r.text.includes('correct horse') && !r.text.includes('scrypt'), `no password nor hash in ${r.text}`)
    }
    const stored = (await storedConsumer(call, 'alice')).basicauth_credentials[0]
    assert.equal(stored.password, undefined)
    assert.match(stored.password_hash, /^\$scrypt\$ln=14,r=8,p=1\$/)
    const verifier = parsePasswordHash(stored.password_hash)
    assert.ok(typeof verifier !== 'string')
    assert.equal(await verifyPassword(verifier, 'correct horse'), true)
    assert.ok(!JSON.stringify(await exported(call)).includes('correct horse'))

    const dup = await call('POST', `${C}/bob/basic-auth`, { username: 'alice-login', password: 'x' })
    assert.deepEqual([dup.status, dup.body.fields], [409, { username: 'already exists' }])
    const missing = await call('POST', `${C}/bob/basic-auth`, { username: 'bob-login' })
    assert.deepEqual([missing.status, missing.body.fields], [400, { password: 'is required (or password_hash)' }])
    const empty = await call('POST', `${C}/bob/basic-auth`, { username: 'bob-login', password: '' })
    assert.deepEqual([empty.status, empty.body.fields], [400, { password: 'must not be empty' }])

    const changed = await call('PATCH', `${C}/alice/basic-auth/${created.body.id}`, { password: 'battery staple' })
    assert.equal(changed.status, 200, changed.text)
    assert.ok(!changed.text.includes('battery'))
    const rehashed = (await storedConsumer(call, 'alice')).basicauth_credentials[0]
    assert.notEqual(rehashed.password_hash, stored.password_hash)
    const v2 = parsePasswordHash(rehashed.password_hash)
    assert.ok(typeof v2 !== 'string')
    assert.equal(await verifyPassword(v2, 'battery staple'), true)
    assert.equal(await verifyPassword(v2, 'correct horse'), false)
  })

  test('jwt: Kong\'s generated key and secret, algorithms with public keys checked, keys unique per group', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    const hs = await call('POST', `${C}/alice/jwt`, {})
    assert.equal(hs.status, 201, hs.text)
    assert.equal(hs.body.algorithm, 'HS256')
    assert.match(hs.body.key, /^[A-Za-z0-9_-]{32}$/)
    assert.match(hs.body.secret, /^[A-Za-z0-9_-]{32}$/)
    const rs = await call('POST', `${C}/alice/jwt`, { key: 'alice-rs', algorithm: 'RS256', rsa_public_key: rsaPem })
    assert.equal(rs.status, 201, rs.text)
    assert.equal(rs.body.secret, undefined)
    assert.equal((await call('GET', `${C}/alice/jwt/alice-rs`)).body.rsa_public_key, rsaPem)
    const noKey = await call('POST', `${C}/alice/jwt`, { algorithm: 'RS256' })
    assert.deepEqual([noKey.status, noKey.body.fields], [400, { rsa_public_key: 'is required for RS256' }])
    const badKey = await call('POST', `${C}/alice/jwt`, { algorithm: 'ES256', rsa_public_key: rsaPem })
    assert.deepEqual([badKey.status, badKey.body.fields], [400, { rsa_public_key: 'must be an EC public key on P-256 for ES256' }])
    const badAlg = await call('POST', `${C}/alice/jwt`, { algorithm: 'none' })
    assert.equal(badAlg.status, 400)
    assert.match(badAlg.body.fields.algorithm, /^must be one of: HS256/)
    const dup = await call('POST', `${C}/bob/jwt`, { key: 'alice-rs', secret: 's' })
    assert.deepEqual([dup.status, dup.body.fields], [409, { key: 'already exists' }])
    const toHs = await call('PATCH', `${C}/alice/jwt/alice-rs`, { algorithm: 'HS512', rsa_public_key: null })
    assert.equal(toHs.status, 200, toHs.text)
    assert.match(toHs.body.secret, /^[A-Za-z0-9_-]{32}$/, 'switching to HMAC generates a secret, as Kong\'s auto field does')
  })

  test('acls: groups unique per consumer (another consumer may share one), addressed by id or group', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    const gold = await call('POST', `${C}/alice/acls`, { group: 'gold' })
    assert.equal(gold.status, 201, gold.text)
    assert.equal((await call('POST', `${C}/bob/acls`, { group: 'gold' })).status, 201)
    const dup = await call('POST', `${C}/alice/acls`, { group: 'gold' })
    assert.deepEqual([dup.status, dup.body.fields], [409, { group: 'already exists' }])
    assert.deepEqual((await call('GET', `${C}/alice/acls/gold`)).body.id, gold.body.id)
    const renamed = await call('PATCH', `${C}/alice/acls/gold`, { group: 'platinum' })
    assert.equal(renamed.body.group, 'platinum')
    const page = await call('GET', `${C}/alice/acls?size=1`)
    assert.equal(page.body.data.length, 1)
    assert.equal(page.body.next, null)
    await call('POST', `${C}/alice/acls`, { group: 'silver' })
    const first = await call('GET', `${C}/alice/acls?size=1`)
    const second = await call('GET', `${C}/alice/acls?size=1&next=${String(first.body.next)}`)
    assert.deepEqual([...first.body.data, ...second.body.data].map((a: any) => a.group), ['platinum', 'silver'])
    assert.equal((await call('DELETE', `${C}/alice/acls/silver`)).status, 204)
    assert.deepEqual((await call('GET', `${C}/alice/acls`)).body.data.map((a: any) => a.group), ['platinum'])
  })

  test('consumer endpoints keep credentials through PUT and PATCH, refuse credential fields, and DELETE takes them along', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    await call('POST', `${C}/alice/key-auth`, { key: 'k-alice' })
    await call('POST', `${C}/alice/acls`, { group: 'gold' })
    const refused = await call('PATCH', `${C}/alice`, { keyauth_credentials: [{ key: 'plain' }] })
    assert.equal(refused.status, 400)
    assert.deepEqual(refused.body.fields, { keyauth_credentials: 'unknown field (manage credentials with /runtime-groups/prod/consumers/{consumer}/key-auth)' })
    const viaPost = await call('POST', C, { username: 'carol', basicauth_credentials: [{ username: 'c', password: 'plain' }] })
    assert.equal(viaPost.status, 400)
    assert.equal((await call('PATCH', `${C}/alice`, { custom_id: 'a-2' })).status, 200)
    const replaced = await call('PUT', `${C}/alice`, { username: 'alice', tags: ['x'] })
    assert.equal(replaced.status, 200)
    assert.equal(replaced.body.keyauth_credentials, undefined, 'a consumer answer holds no credentials')
    assert.equal((await call('GET', `${C}/alice/key-auth`)).body.data.length, 1)
    assert.equal((await call('GET', `${C}/alice/acls`)).body.data.length, 1)
    assert.equal((await call('DELETE', `${C}/alice`)).status, 204)
    assert.equal((await call('GET', `${C}/alice/key-auth`)).status, 404)
    assert.equal((await call('POST', `${C}/bob/key-auth`, { key: 'k-alice' })).status, 201, 'the deleted consumer\'s key is free')
  })

  test('PUT /config takes Kong\'s credential shape, hashes keys and passwords, keeps ids; applying the export again changes nothing', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const doc = {
      _format_version: '3.0',
      consumers: [{
        username: 'alice',
        keyauth_credentials: [{ key: 'alice-key', tags: null }],
        basicauth_credentials: [{ username: 'alice-login', password: 'pw-1' }],
        jwt_secrets: [{ key: 'alice-iss', secret: 'hmac' }],
        acls: [{ group: 'gold' }]
      }]
    }
    const applied = await call('PUT', '/runtime-groups/prod/config', doc)
    assert.equal(applied.status, 200, applied.text)
    const first = await exported(call)
    const alice = first.consumers[0]
    assert.deepEqual(alice.keyauth_credentials.map((c: any) => c.key_hash), [keyHash('alice-key')])
    assert.match(alice.basicauth_credentials[0].password_hash, /^\$scrypt\$/)
    assert.equal(alice.jwt_secrets[0].algorithm, 'HS256')
    const text = JSON.stringify(first)
    assert.ok(!text.includes('alice-key"') && !text.includes('pw-1'), 'neither the key nor the password is stored')
    const reloaded = loadDeclarativeDocument(first)
    assert.ok(reloaded.ok, `the export is a valid declarative document: ${JSON.stringify(reloaded)}`)
    const version = await versionOf(call, 'prod')

    // The same file again (plaintext, no ids), then the export itself: nothing changes.
    const again = await call('PUT', '/runtime-groups/prod/config', doc)
    assert.deepEqual([again.body.created, again.body.updated, again.body.deleted], [0, 0, 0], again.text)
    const roundTrip = await call('PUT', '/runtime-groups/prod/config', first)
    assert.deepEqual([roundTrip.body.created, roundTrip.body.updated, roundTrip.body.deleted], [0, 0, 0], roundTrip.text)
    assert.equal(await versionOf(call, 'prod'), version)
    assert.deepEqual(await exported(call), first, 'ids, hashes and timestamps kept')
    const listed = await call('GET', `${C}/alice/key-auth`)
    assert.equal(listed.body.data[0].id, alice.keyauth_credentials[0].id)

    // A changed password is a change (of the consumer); a new key too.
    const diff = await call('POST', '/runtime-groups/prod/config/diff', { ...doc, consumers: [{ ...doc.consumers[0], basicauth_credentials: [{ username: 'alice-login', password: 'pw-2' }] }] })
    assert.deepEqual(diff.body.update.map((u: any) => u.name), ['alice'])
    const dup = await call('PUT', '/runtime-groups/prod/config', { _format_version: '3.0', consumers: [{ username: 'a', keyauth_credentials: [{ key: 'same' }] }, { username: 'b', keyauth_credentials: [{ key: 'same' }] }] })
    assert.equal(dup.status, 400)
    assert.deepEqual(dup.body.fields, { 'consumers[1].keyauth_credentials[0].key': 'duplicate key (also at consumers[0].keyauth_credentials[0])' })
  })

  test('PUT /config takes Kong\'s top-level credential lists (consumer by username or id) and stores them nested, the same as the nested form', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const BOB = '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f'
    const flat = {
      _format_version: '3.0',
      consumers: [{ username: 'alice' }, { username: 'bob', id: BOB }],
      keyauth_credentials: [{ consumer: 'alice', key: 'alice-key' }, { consumer: { id: BOB.toUpperCase() }, key: 'bob-key' }],
      basicauth_credentials: [{ consumer: { username: 'alice' }, username: 'alice-login', password: 'pw-1' }],
      jwt_secrets: [{ consumer: BOB, key: 'bob-iss', secret: 'hmac' }],
      acls: [{ consumer: 'alice', group: 'gold' }, { consumer: 'bob', group: 'silver' }]
    }
    const applied = await call('PUT', '/runtime-groups/prod/config', flat)
    assert.equal(applied.status, 200, applied.text)
    const first = await exported(call)
    const alice = first.consumers.find((c: any) => c.username === 'alice')
    const bob = first.consumers.find((c: any) => c.username === 'bob')
    assert.deepEqual(alice.keyauth_credentials.map((c: any) => c.key_hash), [keyHash('alice-key')])
    assert.deepEqual(bob.keyauth_credentials.map((c: any) => c.key_hash), [keyHash('bob-key')])
    assert.match(alice.basicauth_credentials[0].password_hash, /^\$scrypt\$/)
    assert.equal(await verifyPassword(parsePasswordHash(alice.basicauth_credentials[0].password_hash, true) as never, 'pw-1'), true)
    assert.equal(bob.jwt_secrets[0].key, 'bob-iss')
    assert.deepEqual(alice.acls.map((a: any) => a.group), ['gold'])
    assert.deepEqual(bob.acls.map((a: any) => a.group), ['silver'])
    assert.equal(first.keyauth_credentials, undefined, 'exported nested, as Atrium always does')
    assert.ok(!JSON.stringify(first).includes('pw-1'))

    // The nested form of the same file changes nothing.
    const nested = await call('PUT', '/runtime-groups/prod/config', {
      _format_version: '3.0',
      consumers: [
        { username: 'alice', keyauth_credentials: [{ key: 'alice-key' }], basicauth_credentials: [{ username: 'alice-login', password: 'pw-1' }], acls: [{ group: 'gold' }] },
        { username: 'bob', id: BOB, keyauth_credentials: [{ key: 'bob-key' }], jwt_secrets: [{ key: 'bob-iss', secret: 'hmac' }], acls: [{ group: 'silver' }] }
      ]
    })
    assert.deepEqual([nested.body.created, nested.body.updated, nested.body.deleted], [0, 0, 0], nested.text)

    // A credential naming no consumer is refused by path, and nothing is written.
    const version = await versionOf(call, 'prod')
    const bad = await call('PUT', '/runtime-groups/prod/config', { ...flat, keyauth_credentials: [{ consumer: 'carol', key: 'k' }, { key: 'no-owner' }] })
    assert.equal(bad.status, 400, bad.text)
    assert.deepEqual(bad.body.fields, {
      'keyauth_credentials[0].consumer': 'no consumer with username or id "carol"',
      'keyauth_credentials[1].consumer': 'required: the id or username of the consumer this credential belongs to (a string, or {id} / {username})'
    })
    assert.equal(await versionOf(call, 'prod'), version)
  })
})
