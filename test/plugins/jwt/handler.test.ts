import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { startPluginNode, type PluginNode } from '../../support/plugin-gateway.js'
import { echoHandler, startUpstream, type EchoReply, type TestUpstream } from '../../support/upstream.js'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const pem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }) as string
const SECRET_ID = '3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d'

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

/** A compact JWS signed like any JWT library would. */
function token (claims: Record<string, unknown>, alg: string, key: string | Buffer | KeyObject, header: Record<string, unknown> = {}): string {
  const input = `${b64({ typ: 'JWT', alg, ...header })}.${b64(claims)}`
  const hash = `sha${alg.slice(2)}`
  let sig: Buffer
  if (alg.startsWith('HS')) sig = createHmac(hash, key as string | Buffer).update(input).digest()
  else if (alg.startsWith('ES')) sig = sign(hash, Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' })
  else sig = sign(hash, Buffer.from(input), key as KeyObject)
  return `${input}.${sig.toString('base64url')}`
}

const CONSUMERS = [
  { username: 'alice', custom_id: 'a-1', jwt_secrets: [{ id: SECRET_ID, key: 'alice-iss', secret: 'alice-secret' }, { key: 'alice-384', algorithm: 'HS384', secret: 'c2VjcmV0LWJ5dGVz' }] },
  { username: 'bob', jwt_secrets: [{ key: 'bob-rs', algorithm: 'RS256', rsa_public_key: pem(rsa.publicKey) }, { key: 'bob-es', algorithm: 'ES256', rsa_public_key: pem(ec.publicKey) }] },
  { username: 'guest' }
]

async function nodeWith (t: TestContext, config: Record<string, unknown> = {}): Promise<PluginNode & { upstream: TestUpstream }> {
  const upstream = await startUpstream(t, echoHandler)
  const node = await startPluginNode(t, {
    _format_version: '3.0',
    services: [{ name: 'echo', url: `http://127.0.0.1:${upstream.port}`, routes: [{ name: 'r', paths: ['/r'] }] }],
    consumers: CONSUMERS,
    plugins: [{ name: 'jwt', config }]
  })
  return Object.assign(node, { upstream })
}

const bearer = (jwt: string): Record<string, string> => ({ authorization: `Bearer ${jwt}` })
const now = (): number => Math.floor(Date.now() / 1000)

async function refusal (node: PluginNode, headers: Record<string, string>, path = '/r/x'): Promise<unknown> {
  const res = await node.get(path, headers)
  assert.equal(res.status, 401, res.body)
  return JSON.parse(res.body)
}

test('a valid HS256 token in the Authorization header: Kong\'s consumer headers, the JWT key as credential identifier', async (t) => {
  const node = await nodeWith(t)
  const res = await node.get('/r/x', bearer(token({ iss: 'alice-iss', sub: 'x' }, 'HS256', 'alice-secret')))
  assert.equal(res.status, 200, res.body)
  const h = (JSON.parse(res.body) as EchoReply).headers
  assert.equal(h['x-consumer-username'], 'alice')
  assert.equal(h['x-consumer-custom-id'], 'a-1')
  assert.equal(h['x-credential-identifier'], 'alice-iss')
})

test('RS256 and ES256 tokens verify against the consumer\'s public key; a token signed by another key does not', async (t) => {
  const node = await nodeWith(t)
  assert.equal((await node.get('/r/x', bearer(token({ iss: 'bob-rs' }, 'RS256', rsa.privateKey)))).status, 200)
  assert.equal((await node.get('/r/x', bearer(token({ iss: 'bob-es' }, 'ES256', ec.privateKey)))).status, 200)
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
  assert.deepEqual(await refusal(node, bearer(token({ iss: 'bob-rs' }, 'RS256', other.privateKey))), { message: 'Invalid signature' })
  assert.equal(node.upstream.requests, 2)
})

test('Kong\'s refusals: no token, bad token, unknown or missing key claim, algorithm mismatch, bad signature', async (t) => {
  const node = await nodeWith(t, { realm: 'api' })
  const none = await node.get('/r/x')
  assert.deepEqual([none.status, JSON.parse(none.body), none.headers['www-authenticate']], [401, { message: 'Unauthorized' }, 'Bearer realm="api"'])
  assert.deepEqual(await refusal(node, bearer('not-a-token')), { message: 'Bad token; invalid JSON' })
  assert.deepEqual(await refusal(node, bearer(`${b64({ alg: 'none' })}.${b64({ iss: 'alice-iss' })}.`)), { message: 'Bad token; invalid alg' })
  assert.deepEqual(await refusal(node, bearer(token({ sub: 'x' }, 'HS256', 'alice-secret'))), { message: "No mandatory 'iss' in claims" })
  assert.deepEqual(await refusal(node, bearer(token({ iss: 5 }, 'HS256', 'alice-secret'))), { message: "Invalid 'iss' in claims" })
  assert.deepEqual(await refusal(node, bearer(token({ iss: 'nobody' }, 'HS256', 'alice-secret'))), { message: "No credentials found for given 'iss'" })
  assert.deepEqual(await refusal(node, bearer(token({ iss: 'alice-iss' }, 'HS512', 'alice-secret'))), { message: 'Invalid algorithm' })
  // The classic confusion attack: an HMAC token "signed" with the public key text of an RS256 secret.
  assert.deepEqual(await refusal(node, bearer(token({ iss: 'bob-rs' }, 'HS256', pem(rsa.publicKey)))), { message: 'Invalid algorithm' })
  assert.deepEqual(await refusal(node, bearer(token({ iss: 'alice-iss' }, 'HS256', 'wrong-secret'))), { message: 'Invalid signature' })
  assert.deepEqual(await refusal(node, { authorization: 'Basic abc' }), { message: 'Unauthorized' })
  assert.deepEqual(await refusal(node, {}, `/r/x?jwt=${token({ iss: 'alice-iss' }, 'HS256', 'alice-secret')}&jwt=x`), { message: 'Multiple tokens provided' })
  assert.equal(node.upstream.requests, 0)
})

test('the token is read from the query, then cookies, then headers, under the configured names', async (t) => {
  const jwt = token({ iss: 'alice-iss' }, 'HS256', 'alice-secret')
  const node = await nodeWith(t, { uri_param_names: ['token'], cookie_names: ['session'], header_names: ['x-jwt'] })
  assert.equal((await node.get(`/r/x?token=${jwt}`)).status, 200)
  assert.equal((await node.get('/r/x', { cookie: `other=1; session=${jwt}` })).status, 200)
  assert.equal((await node.get('/r/x', { 'x-jwt': `bearer ${jwt}` })).status, 200)
  assert.equal((await node.get('/r/x', bearer(jwt))).status, 401, 'Authorization is not among header_names')
  assert.equal((await node.get(`/r/x?jwt=${jwt}`)).status, 401, 'jwt is not among uri_param_names')
})

test('key_claim_name may name a header claim; secret_is_base64 verifies with the decoded secret', async (t) => {
  const node = await nodeWith(t, { key_claim_name: 'kid', secret_is_base64: true })
  assert.equal((await node.get('/r/x', bearer(token({}, 'HS384', Buffer.from('secret-bytes'), { kid: 'alice-384' })))).status, 200)
  assert.deepEqual(await refusal(node, bearer(token({}, 'HS384', 'c2VjcmV0LWJ5dGVz', { kid: 'alice-384' }))), { message: 'Invalid signature' })
})

test('claims_to_verify: exp and nbf as Kong reports them, with leeway; maximum_expiration', async (t) => {
  const sign256 = (claims: Record<string, unknown>): Record<string, string> => bearer(token({ iss: 'alice-iss', ...claims }, 'HS256', 'alice-secret'))
  const strict = await nodeWith(t, { claims_to_verify: ['exp', 'nbf'] })
  assert.equal((await strict.get('/r/x', sign256({ exp: now() + 60, nbf: now() - 1 }))).status, 200)
  assert.deepEqual(await refusal(strict, sign256({ exp: now() - 5, nbf: now() - 1 })), { exp: 'token expired' })
  assert.deepEqual(await refusal(strict, sign256({ exp: now() + 60, nbf: now() + 30 })), { nbf: 'token not valid yet' })
  assert.deepEqual(await refusal(strict, sign256({ exp: 'soon' })), { exp: 'must be a number', nbf: 'must be a number' })
  const lenient = await nodeWith(t, { claims_to_verify: ['exp', 'nbf'], leeway: 60 })
  assert.equal((await lenient.get('/r/x', sign256({ exp: now() - 5, nbf: now() + 30 }))).status, 200, 'within the leeway')
  assert.deepEqual(await refusal(lenient, sign256({ exp: now() - 120, nbf: now() })), { exp: 'token expired' })
  const unchecked = await nodeWith(t)
  assert.equal((await unchecked.get('/r/x', sign256({ exp: now() - 5 }))).status, 200, 'without claims_to_verify, exp is not checked (as in Kong)')
  const capped = await nodeWith(t, { claims_to_verify: ['exp'], maximum_expiration: 300 })
  assert.equal((await capped.get('/r/x', sign256({ exp: now() + 200 }))).status, 200)
  assert.deepEqual(await refusal(capped, sign256({ exp: now() + 3600 })), { exp: 'exceeds maximum allowed expiration' })
})

test('anonymous and run_on_preflight, as for the other authentication plugins', async (t) => {
  const node = await nodeWith(t, { anonymous: 'guest', run_on_preflight: false })
  const anon = await node.get('/r/x', bearer('garbage'))
  assert.equal(anon.status, 200)
  assert.equal((JSON.parse(anon.body) as EchoReply).headers['x-anonymous-consumer'], 'true')
  assert.equal((await node.request('/r/x', { method: 'OPTIONS' })).status, 200)
})
