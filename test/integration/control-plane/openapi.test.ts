import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startAdmin } from './gateway-kit.js'

// The paths the issue names; the document must describe each, and each described operation must be
// answered by a real route (anything but "no endpoint here" / "method not allowed").
const REQUIRED = [
  'get /runtime-groups', 'post /runtime-groups', 'get /runtime-groups/{rg}', 'patch /runtime-groups/{rg}', 'delete /runtime-groups/{rg}',
  'get /runtime-groups/{rg}/services', 'post /runtime-groups/{rg}/services', 'get /runtime-groups/{rg}/routes', 'get /runtime-groups/{rg}/plugins',
  'get /runtime-groups/{rg}/consumers', 'get /runtime-groups/{rg}/config', 'put /runtime-groups/{rg}/config', 'post /runtime-groups/{rg}/config/diff',
  'get /service-packages', 'post /service-packages', 'get /service-packages/{id}', 'get /service-packages/{id}/versions',
  'post /service-packages/{id}/versions', 'get /service-packages/{id}/versions/{vid}', 'delete /service-packages/{id}/versions/{vid}',
  'put /service-packages/{id}/versions/{vid}/implementation', 'get /service-packages/{id}/versions/{vid}/spec', 'put /service-packages/{id}/versions/{vid}/spec',
  'delete /service-packages/{id}/versions/{vid}/spec', 'get /service-packages/{id}/documents', 'post /service-packages/{id}/documents',
  'get /service-packages/{id}/documents/{doc}', 'patch /service-packages/{id}/documents/{doc}', 'delete /service-packages/{id}/documents/{doc}', 'get /openapi.json', 'get /schemas/plugins', 'get /schemas/plugins/{name}',
  'get /runtime-groups/{rg}/certificates', 'post /runtime-groups/{rg}/certificates', 'get /runtime-groups/{rg}/certificates/{id}',
  'patch /runtime-groups/{rg}/certificates/{id}', 'put /runtime-groups/{rg}/certificates/{id}', 'delete /runtime-groups/{rg}/certificates/{id}',
  'get /runtime-groups/{rg}/snis', 'post /runtime-groups/{rg}/snis', 'get /runtime-groups/{rg}/snis/{sni}',
  'patch /runtime-groups/{rg}/snis/{sni}', 'put /runtime-groups/{rg}/snis/{sni}', 'delete /runtime-groups/{rg}/snis/{sni}',
  'get /runtime-groups/{rg}/certificates/{cert}/snis', 'post /runtime-groups/{rg}/certificates/{cert}/snis'
]

function normalise (path: string): string {
  return path.replace(/\{[^}]+\}/g, '{}')
}

test('GET /openapi.json describes every endpoint the Admin API serves, and only those', async (t) => {
  const call = await startAdmin(t, 'sqlite')
  const doc = (await call('GET', '/openapi.json')).body as { openapi: string, paths: Record<string, Record<string, { parameters: Array<{ name: string }> }>> }
  assert.equal(doc.openapi, '3.1.0')

  const described = new Set<string>()
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      described.add(`${method} ${normalise(path)}`)
      const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
      assert.deepEqual(op.parameters.map((p) => p.name), params, `${method} ${path} declares its path parameters`)
    }
  }
  for (const r of REQUIRED) {
    const [method, path] = r.split(' ')
    assert.ok(described.has(`${method} ${normalise(path)}`), `${r} is described`)
  }

  await call('POST', '/runtime-groups', { name: 'probe' })
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      const concrete = path.replace('{rg}', 'probe').replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000')
      const r = await call(method.toUpperCase(), concrete, method === 'get' || method === 'delete' ? undefined : {})
      assert.notEqual(r.status, 405, `${method} ${path} is routed`)
      assert.ok(!(r.status === 404 && String(r.body?.message).startsWith('no Admin API endpoint')), `${method} ${path} is routed`)
      assert.ok(r.status < 500, `${method} ${path} answered ${r.status}: ${r.text}`)
    }
  }
})
