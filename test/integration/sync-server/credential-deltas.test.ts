import { test } from 'node:test'
import assert from 'node:assert/strict'
import { keyHash } from '../../../src/contract/index.js'
import { describeStores } from '../../support/stores.js'
import { connectNode, deltaFollower, groupWithToken, ok, startKit } from './sync-kit.js'

// Credentials live in their consumer's row, so every credential write must renew that row's
// revision: the sync server's incremental read then re-reads the consumer and the delta carries it.
// A delta-speaking node must see each credential create, update and delete, and rebuild exactly
// what GET /config exports (never a key or a password).

describeStores((store) => {
  test('credential creates, updates and deletes reach a delta-speaking node as deltas that rebuild GET /config', async (t) => {
    const { call, syncUrl } = await startKit(t, store)
    const { token } = await groupWithToken(call, 'prod')
    await ok(call, 'PUT', '/runtime-groups/prod/config', {
      _format_version: '3.0',
      services: Array.from({ length: 20 }, (_, s) => ({ name: `svc${s}`, url: `http://svc${s}.internal`, routes: [{ name: `r${s}`, paths: [`/s${s}`] }] })),
      consumers: [{ username: 'alice' }, { username: 'bob' }]
    })
    const node = await connectNode(t, syncUrl, token)
    node.hello({ node_id: 'delta-node', features: ['delta'] })
    const f = deltaFollower(node)
    const first = await f.next()
    assert.equal(first.type, 'snapshot')

    const C = '/runtime-groups/prod/consumers'
    // Each create, then each update and delete: one delta per write, carrying only that consumer.
    const created: Record<string, any> = {}
    const creates: Array<[string, string, unknown, string]> = [
      ['key', `${C}/alice/key-auth`, { key: 'alice-key' }, 'keyauth_credentials'],
      ['basic', `${C}/alice/basic-auth`, { username: 'alice-login', password: 'pw' }, 'basicauth_credentials'],
      ['jwt', `${C}/bob/jwt`, { key: 'bob-iss', secret: 'one' }, 'jwt_secrets'],
      ['acl', `${C}/bob/acls`, { group: 'gold' }, 'acls']
    ]
    for (const [name, path, body, field] of creates) {
      created[name] = await ok(call, 'POST', path, body)
      const frame = await f.next()
      assert.equal(frame.type, 'delta', `POST ${path} arrives as a delta`)
      assert.deepEqual(frame.put.map((e) => e.username), [path.includes('alice') ? 'alice' : 'bob'], 'the delta puts the consumer that changed')
      assert.equal(frame.put[0][field].length, 1)
      assert.deepEqual(f.doc(), await ok(call, 'GET', '/runtime-groups/prod/config'), `POST ${path}: rebuilt = exported`)
    }
    const writes: Array<[string, string, unknown, (doc: Record<string, any>) => boolean]> = [
      ['PATCH', `${C}/alice/key-auth/${String(created.key.id)}`, { key: 'alice-key-2' }, (d) => d.consumers[0].keyauth_credentials[0].key_hash === keyHash('alice-key-2')],
      ['PATCH', `${C}/alice/basic-auth/${String(created.basic.id)}`, { password: 'pw-2' }, (d) => d.consumers[0].basicauth_credentials[0].password_hash.startsWith('$scrypt$')],
      ['PATCH', `${C}/bob/jwt/bob-iss`, { secret: 'two' }, (d) => d.consumers[1].jwt_secrets[0].secret === 'two'],
      ['PATCH', `${C}/bob/acls/${String(created.acl.id)}`, { group: 'platinum' }, (d) => d.consumers[1].acls[0].group === 'platinum'],
      ['DELETE', `${C}/alice/key-auth/${String(created.key.id)}`, undefined, (d) => d.consumers[0].keyauth_credentials === undefined],
      ['DELETE', `${C}/alice/basic-auth/alice-login`, undefined, (d) => d.consumers[0].basicauth_credentials === undefined],
      ['DELETE', `${C}/bob/jwt/${String(created.jwt.id)}`, undefined, (d) => d.consumers[1].jwt_secrets === undefined],
      ['DELETE', `${C}/bob/acls/platinum`, undefined, (d) => d.consumers[1].acls === undefined]
    ]
    for (const [method, path, body, check] of writes) {
      await ok(call, method, path, body)
      const frame = await f.next()
      assert.equal(frame.type, 'delta', `${method} ${path} arrives as a delta`)
      assert.equal(frame.put.length, 1, `${method} ${path} puts only its consumer`)
      assert.ok(frame.bytes < first.bytes / 2, `${method} ${path}: delta of ${frame.bytes} bytes vs ${first.bytes}`)
      const exported = await ok(call, 'GET', '/runtime-groups/prod/config')
      assert.deepEqual(f.doc(), exported, `${method} ${path}: rebuilt = exported`)
      assert.ok(check(f.doc()), `${method} ${path}: the change is in the node's document`)
      const text = JSON.stringify(f.doc())
      assert.ok(!text.includes('alice-key') && !text.includes('"pw'), 'no key or password reaches the node')
    }
  })
})
