import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { createAdminServer, errorResult } from '../../../src/control-plane/admin-api/admin-server.js'
import { GatewayError } from '../../../src/errors.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import type { AdminRoute } from '../../../src/control-plane/admin-api/admin-route.js'
import { createUiHandler } from '../../../src/control-plane/ui/ui-static.js'
import { httpCall } from '../../support/http-client.js'

const ECHO: AdminRoute[] = [
  { method: 'GET', path: '/things/:id', summary: 'read', tag: 'Test', handler: async (ctx) => ({ status: 200, body: { id: ctx.params.id, role: ctx.role, q: ctx.query.get('q') } }) },
  { method: 'POST', path: '/things', summary: 'create', tag: 'Test', bodyLimit: 64, handler: async (ctx) => ({ status: 201, body: { got: await ctx.json() } }) },
  { method: 'POST', path: '/boom', summary: 'bug', tag: 'Test', handler: async () => { throw new Error('secret internals') } }
]

async function serve (t: { after: (fn: () => void) => void }, tokens?: string): Promise<string> {
  const server = createAdminServer({ routes: ECHO, auth: createAdminAuth({ tokens }), logger: pino({ level: 'silent' }) })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => { server.closeAllConnections(); server.close() })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function json (body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>
}

test('routes by method and path with decoded parameters', async (t) => {
  const base = await serve(t)
  const r = await httpCall(`${base}/things/a%20b?q=x`)
  assert.equal(r.status, 200)
  assert.deepEqual(json(r.body), { id: 'a b', role: 'admin', q: 'x' })
})

test('unknown paths answer 404 and wrong methods 405 with an Allow header, as JSON errors', async (t) => {
  const base = await serve(t)
  const missing = await httpCall(`${base}/nothing`)
  assert.equal(missing.status, 404)
  assert.equal(json(missing.body).code, 'ATRIUM_ERR_ADMIN_NOT_FOUND')
  const wrong = await httpCall(`${base}/things`, { method: 'DELETE' })
  assert.equal(wrong.status, 405)
  assert.equal(wrong.headers.allow, 'POST')
  assert.equal(json(wrong.body).code, 'ATRIUM_ERR_ADMIN_METHOD_NOT_ALLOWED')
})

test('a JSON body needs the JSON content type, valid JSON and to fit the limit', async (t) => {
  const base = await serve(t)
  const ok = await httpCall(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"a":1}' })
  assert.equal(ok.status, 201)
  assert.deepEqual(json(ok.body), { got: { a: 1 } })

  const text = await httpCall(`${base}/things`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"a":1}' })
  assert.equal(text.status, 415)
  assert.equal(json(text.body).code, 'ATRIUM_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE')

  const bad = await httpCall(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' })
  assert.equal(bad.status, 400)
  assert.equal(json(bad.body).code, 'ATRIUM_ERR_ADMIN_BAD_JSON')

  const big = await httpCall(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(100) }) })
  assert.equal(big.status, 413)
  assert.equal(json(big.body).code, 'ATRIUM_ERR_ADMIN_BODY_TOO_LARGE')
})

test('an unexpected failure is a 500 with a stable code and no internals', async (t) => {
  const base = await serve(t)
  const r = await httpCall(`${base}/boom`, { method: 'POST' })
  assert.equal(r.status, 500)
  assert.equal(json(r.body).code, 'ATRIUM_ERR_ADMIN_INTERNAL')
  assert.ok(!r.body.includes('secret internals'))
})

test('with tokens, requests need a bearer token; viewers read, admins write', async (t) => {
  const base = await serve(t, 'admin:adm1n-secret,viewer:v1ewer-secret')
  const anonymous = await httpCall(`${base}/things/1`)
  assert.equal(anonymous.status, 401)
  assert.equal(json(anonymous.body).code, 'ATRIUM_ERR_ADMIN_UNAUTHORIZED')
  assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/)
  assert.equal((await httpCall(`${base}/nothing`)).status, 401, 'unknown paths are not revealed to anonymous callers')
  assert.equal((await httpCall(`${base}/things/1`, { headers: { authorization: 'Bearer wrong-token' } })).status, 401)

  const viewerRead = await httpCall(`${base}/things/1`, { headers: { authorization: 'Bearer v1ewer-secret' } })
  assert.equal(viewerRead.status, 200)
  assert.equal(json(viewerRead.body).role, 'viewer')
  const viewerWrite = await httpCall(`${base}/things`, { method: 'POST', headers: { authorization: 'Bearer v1ewer-secret', 'content-type': 'application/json' }, body: '{}' })
  assert.equal(viewerWrite.status, 403)
  assert.equal(json(viewerWrite.body).code, 'ATRIUM_ERR_ADMIN_FORBIDDEN')

  const adminWrite = await httpCall(`${base}/things`, { method: 'POST', headers: { authorization: 'Bearer adm1n-secret', 'content-type': 'application/json' }, body: '{}' })
  assert.equal(adminWrite.status, 201)
})

test('malformed token configuration is refused with the offending entry', () => {
  assert.throws(() => createAdminAuth({ tokens: 'root:whatever-long' }), /role:token/)
  assert.throws(() => createAdminAuth({ tokens: 'admin:short' }), /at least 8/)
})

test('NUL characters in a path, query or JSON body are a 400, never a store error', async (t) => {
  const base = await serve(t)
  const inPath = await httpCall(`${base}/things/a%00b`)
  assert.equal(inPath.status, 400)
  assert.equal(json(inPath.body).code, 'ATRIUM_ERR_ADMIN_INVALID')
  assert.equal((await httpCall(`${base}/things/a?q=%00`)).status, 400)
  const inBody = await httpCall(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"\\u0000"}' })
  assert.equal(inBody.status, 400)
})

test('a NUL 400 names the path parameter, query parameter or body field that holds it (fields was empty)', async (t) => {
  const base = await serve(t)
  assert.deepEqual(json((await httpCall(`${base}/things/a%00b`)).body).fields, { id: 'must not contain NUL characters' })
  assert.deepEqual(json((await httpCall(`${base}/things/a?q=x&cascade=%00`)).body).fields, { cascade: 'must not contain NUL characters' })
  const post = async (body: string): Promise<unknown> => json((await httpCall(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).body).fields
  assert.deepEqual(await post('{"a":{"b":["ok","x\\u0000"]}}'), { 'a.b[1]': 'must not contain NUL characters' })
  assert.deepEqual(await post('{"k\\u0000":1}'), { 'k\\u0000': 'must not contain NUL characters' })
  assert.deepEqual(await post('"\\u0000"'), { '': 'must not contain NUL characters' })
  // An escaped backslash before "u0000" is no NUL: accepted.
  assert.equal((await httpCall(`${base}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"\\\\u0000"' })).status, 201)
})

test('error fields named __proto__ or constructor are reported like any other (the first was dropped, the second merged with Object)', () => {
  const err = new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'bad', { fields: [{ path: '__proto__', message: 'unknown field' }, { path: 'constructor', message: 'unknown field' }, { path: 'a', message: 'x' }, { path: 'a', message: 'y' }] })
  assert.equal(JSON.stringify(errorResult(err).body), '{"code":"ATRIUM_ERR_ADMIN_INVALID","message":"bad","fields":{"__proto__":"unknown field","constructor":"unknown field","a":"x; y"}}')
})

test('a GET or HEAD of / redirects to the Service Hub UI, before auth; other methods and paths reach the Admin API', async (t) => {
  const server = createAdminServer({ routes: ECHO, auth: createAdminAuth({ tokens: 'admin:s3cret-admin' }), logger: pino({ level: 'silent' }), ui: createUiHandler() })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => { server.closeAllConnections(); server.close() })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  for (const method of ['GET', 'HEAD']) {
    const r = await httpCall(`${base}/`, { method, headers: { accept: 'application/json' } })
    assert.equal(r.status, 302, method)
    assert.equal(r.headers.location, '/ui/')
  }
  assert.equal((await httpCall(`${base}/?x=1`)).headers.location, '/ui/')
  const post = await httpCall(`${base}/`, { method: 'POST' })
  assert.equal(post.status, 401)
  assert.equal(json(post.body).code, 'ATRIUM_ERR_ADMIN_UNAUTHORIZED')
  assert.equal((await httpCall(`${base}/nothing`)).status, 401)
  assert.equal((await httpCall(`${base}/ui`)).headers.location, '/ui/')
})
