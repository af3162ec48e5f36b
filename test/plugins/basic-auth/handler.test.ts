import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { hashPassword } from '../../../src/contract/index.js'
import { cachedVerifications, kdfVerifications } from '../../../src/plugins/basic-auth/verified-cache.js'
import { startPluginNode, type PluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type EchoReply, type TestUpstream } from '../../support/upstream.js'

const CRED_ID = '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f'

function basic (user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

async function nodeWith (t: TestContext, config: Record<string, unknown>, consumers: unknown[]): Promise<PluginNode & { upstream: TestUpstream }> {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    consumers,
    plugins: [{ name: 'basic-auth', config }]
  })
  return Object.assign(node, { upstream })
}

function seen (body: string): EchoReply {
  return JSON.parse(body) as EchoReply
}

test('no credentials: 401 Unauthorized with the Basic challenge of the realm; the upstream is not called', async (t) => {
  const node = await nodeWith(t, {}, [{ username: 'alice', basicauth_credentials: [{ username: 'alice', password: 'pw' }] }])
  const res = await node.get('/r/x')
  assert.deepEqual([res.status, JSON.parse(res.body)], [401, { message: 'Unauthorized' }])
  assert.equal(res.headers['www-authenticate'], 'Basic realm="service"')
  const custom = await nodeWith(t, { realm: 'orders api' }, [{ username: 'alice' }])
  assert.equal((await custom.get('/r/x')).headers['www-authenticate'], 'Basic realm="orders api"')
  assert.equal(node.upstream.requests + custom.upstream.requests, 0)
})

test('an scrypt hash from the control plane: the right password passes with Kong\'s headers, wrong ones and unknown users get 401', async (t) => {
  const hash = await hashPassword('correct horse')
  const node = await nodeWith(t, {}, [{ id: '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e50', username: 'alice', custom_id: 'a-1', basicauth_credentials: [{ id: CRED_ID, username: 'alice-login', password_hash: hash }] }])
  const ok = await node.get('/r/x', { authorization: basic('alice-login', 'correct horse') })
  assert.equal(ok.status, 200, ok.body)
  const h = seen(ok.body).headers
  assert.equal(h['x-consumer-username'], 'alice')
  assert.equal(h['x-consumer-custom-id'], 'a-1')
  assert.equal(h['x-credential-identifier'], CRED_ID)
  assert.equal(h.authorization, basic('alice-login', 'correct horse'), 'kept without hide_credentials')
  for (const authorization of [basic('alice-login', 'wrong'), basic('nobody', 'correct horse'), 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, 'Bearer x']) {
    const res = await node.get('/r/x', { authorization })
    assert.equal(res.status, 401, authorization)
    assert.equal(res.headers['www-authenticate'], 'Basic realm="service"')
  }
  assert.equal(node.upstream.requests, 1)
})

test('successful scrypt verifications are cached (the KDF is paid once per login), failures never', async (t) => {
  const hash = await hashPassword('s3cret')
  const node = await nodeWith(t, {}, [{ username: 'alice', basicauth_credentials: [{ username: 'alice', password_hash: hash }] }])
  const before = cachedVerifications()
  const kdf = kdfVerifications()
  assert.equal((await node.get('/r/x', { authorization: basic('alice', 's3cret') })).status, 200)
  assert.equal(cachedVerifications(), before + 1)
  assert.equal(kdfVerifications(), kdf + 1, 'the first login runs scrypt')
  for (let i = 0; i < 20; i++) assert.equal((await node.get('/r/x', { authorization: basic('alice', 's3cret') })).status, 200)
  assert.equal(kdfVerifications(), kdf + 1, 'the next 20 are answered from the cache')
  assert.equal(cachedVerifications(), before + 1)
  assert.equal((await node.get('/r/x', { authorization: basic('alice', 'wrong') })).status, 401)
  assert.equal((await node.get('/r/x', { authorization: basic('alice', 'wrong') })).status, 401)
  assert.equal(cachedVerifications(), before + 1, 'a failure is not cached')
  assert.equal(kdfVerifications(), kdf + 3, 'each failed attempt runs scrypt again')
  // Concurrent first logins share one verification and all pass.
  const hash2 = await hashPassword('p2')
  const other = await nodeWith(t, {}, [{ username: 'bob', basicauth_credentials: [{ username: 'bob', password_hash: hash2 }] }])
  const all = await Promise.all(Array.from({ length: 8 }, async () => await other.get('/r/x', { authorization: basic('bob', 'p2') })))
  assert.deepEqual(all.map((r) => r.status), Array(8).fill(200))
  assert.equal(kdfVerifications(), kdf + 4, 'eight concurrent first logins, one scrypt run')
})

test('a DB-less file\'s plaintext password works (verified without scrypt); the password may contain colons', async (t) => {
  const node = await nodeWith(t, {}, [{ username: 'alice', basicauth_credentials: [{ username: 'alice', password: 'a:b:c' }] }])
  assert.equal((await node.get('/r/x', { authorization: basic('alice', 'a:b:c') })).status, 200)
  assert.equal((await node.get('/r/x', { authorization: basic('alice', 'a:b') })).status, 401)
  assert.equal(seen((await node.get('/r/x', { authorization: basic('alice', 'a:b:c') })).body).headers['x-credential-identifier'], 'alice', 'without an id, the login names the credential')
})

test('Proxy-Authorization is tried first, then Authorization; hide_credentials removes both', async (t) => {
  const node = await nodeWith(t, { hide_credentials: true }, [
    { username: 'alice', basicauth_credentials: [{ username: 'alice', password: 'pa' }] },
    { username: 'bob', basicauth_credentials: [{ username: 'bob', password: 'pb' }] }
  ])
  const both = await node.get('/r/x', { 'proxy-authorization': basic('bob', 'pb'), authorization: basic('alice', 'pa') })
  const h = seen(both.body).headers
  assert.equal(h['x-consumer-username'], 'bob')
  assert.equal(h.authorization, undefined)
  assert.equal(h['proxy-authorization'], undefined)
  const fallback = await node.get('/r/x', { 'proxy-authorization': basic('nobody', 'x'), authorization: basic('alice', 'pa') })
  assert.equal(seen(fallback.body).headers['x-consumer-username'], 'alice')
})

test('anonymous: a failed login passes as the anonymous consumer', async (t) => {
  const node = await nodeWith(t, { anonymous: 'guest' }, [{ username: 'guest' }, { username: 'alice', basicauth_credentials: [{ username: 'alice', password: 'pa' }] }])
  const res = await node.get('/r/x', { authorization: basic('alice', 'wrong') })
  assert.equal(res.status, 200)
  assert.equal(seen(res.body).headers['x-consumer-username'], 'guest')
  assert.equal(seen(res.body).headers['x-anonymous-consumer'], 'true')
})

test('a Kong export (_transform: false) holds Kong\'s SHA-1 digest: the real password passes, the digest itself does not', async (t) => {
  const consumerId = '6f1c1a6e-2b1d-4c3e-9f4a-5b6c7d8e9f00'
  const digest = createHash('sha1').update('s3cret' + consumerId).digest('hex')
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    _transform: false,
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    consumers: [{ id: consumerId, username: 'alice', basicauth_credentials: [{ username: 'alice', password: digest }] }],
    plugins: [{ name: 'basic-auth' }]
  })
  assert.equal((await node.get('/r/x', { authorization: basic('alice', 's3cret') })).status, 200)
  assert.equal((await node.get('/r/x', { authorization: basic('alice', digest) })).status, 401)
  assert.equal((await node.get('/r/x', { authorization: basic('alice', 'wrong') })).status, 401)
})
