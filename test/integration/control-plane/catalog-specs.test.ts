import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { describeStores } from '../../support/stores.js'
import { startAdmin, type Call } from './gateway-kit.js'
import { ORDERS_SWAGGER_JSON, PETS_YAML, PETS_YAML_MISSING_DESCRIPTION, USERS_OPENAPI30_JSON } from '../portal/spec-fixtures.js'

// API specs of service versions: upload (YAML or JSON), validation errors with their place, the
// previous spec kept on error, operations in the version's details, size limit, delete; both stores.

const YAML = { 'content-type': 'application/yaml' }
const JSON_TYPE = { 'content-type': 'application/json' }

async function setup (call: Call): Promise<string> {
  assert.equal((await call('POST', '/runtime-groups', { name: 'production' })).status, 201)
  assert.equal((await call('POST', '/service-packages', { name: 'pets' })).status, 201)
  const v = await call('POST', '/service-packages/pets/versions', { version: 'v2', runtime_group: 'production' })
  assert.equal(v.status, 201)
  return v.body.id
}

describeStores((store) => {
  test('a YAML OpenAPI 3.1 spec is stored, returned as uploaded and its operations listed in the version\'s details', async (t) => {
    const call = await startAdmin(t, store)
    const vid = await setup(call)
    assert.equal((await call('GET', '/service-packages/pets/versions/v2')).body.api_spec, null)
    const put = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML, YAML)
    assert.equal(put.status, 201, put.text)
    assert.equal(put.body.format, 'yaml')
    assert.deepEqual(put.body.specification, { type: 'openapi', version: '3.1.0' })
    assert.equal(put.body.title, 'Pets API')
    assert.equal(put.body.api_version, '2.1.0')
    assert.equal(put.body.size, Buffer.byteLength(PETS_YAML))
    const expected = [
      { method: 'GET', path: '/pets', summary: 'List pets', operation_id: 'listPets', deprecated: false },
      { method: 'POST', path: '/pets', summary: 'Add a pet', operation_id: 'addPet', deprecated: false },
      { method: 'DELETE', path: '/pets/{id}', summary: null, operation_id: 'deletePet', deprecated: true }
    ]
    assert.deepEqual(put.body.operations, expected)

    const details = await call('GET', '/service-packages/pets/versions/v2')
    assert.deepEqual(details.body.api_spec.operations, expected)
    assert.deepEqual((await call('GET', '/service-packages/pets/versions')).body.data[0].api_spec.operations, expected)
    const got = await call('GET', '/service-packages/pets/versions/v2/spec')
    assert.equal(got.status, 200)
    assert.equal(got.body.content, PETS_YAML, 'the upload comes back byte for byte')

    const replaced = await call('PUT', '/service-packages/pets/versions/v2/spec', ORDERS_SWAGGER_JSON, JSON_TYPE)
    assert.equal(replaced.status, 200, replaced.text)
    assert.deepEqual(replaced.body.specification, { type: 'swagger', version: '2.0' })
    assert.deepEqual(replaced.body.operations, [{ method: 'GET', path: '/', summary: 'List orders', operation_id: null, deprecated: false }])
    assert.equal(replaced.body.created_at, put.body.created_at)
    const v30 = await call('PUT', '/service-packages/pets/versions/v2/spec', USERS_OPENAPI30_JSON, JSON_TYPE)
    assert.deepEqual(v30.body.specification, { type: 'openapi', version: '3.0.3' })

    assert.equal((await call('DELETE', '/service-packages/pets/versions/v2/spec')).status, 204)
    assert.equal((await call('GET', '/service-packages/pets/versions/v2/spec')).status, 404)
    assert.equal((await call('DELETE', '/service-packages/pets/versions/v2/spec')).status, 404)
    assert.equal((await call('GET', '/service-packages/pets/versions/v2')).body.api_spec, null)
  })

  test('an invalid spec is refused with the path and line of the problem, and the previous spec stays', async (t) => {
    const call = await startAdmin(t, store)
    const vid = await setup(call)
    assert.equal((await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML, YAML)).status, 201)

    const bad = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML_MISSING_DESCRIPTION, YAML)
    assert.equal(bad.status, 400, bad.text)
    assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    const reason = bad.body.fields['paths["/pets"].get.responses["200"]']
    assert.ok(reason !== undefined, JSON.stringify(bad.body))
    assert.match(reason, /description/)
    assert.match(reason, /line 12, column 9/, 'the "200" response key of GET /pets')
    assert.match(bad.body.message, /paths\["\/pets"\]\.get\.responses\["200"\]/)
    assert.equal((await call('GET', `/service-packages/pets/versions/${vid}/spec`)).body.content, PETS_YAML, 'the previous spec stays')

    const extra = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML.replace('  version: 2.1.0\n', '  version: 2.1.0\n  colour: blue\n'), YAML)
    assert.equal(extra.status, 400)
    assert.match(extra.body.fields['info.colour'], /colour.*line 5, column 3/)

    const yamlSyntax = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, 'openapi: 3.1.0\ninfo: [unclosed\n', YAML)
    assert.equal(yamlSyntax.status, 400)
    assert.match(yamlSyntax.body.fields[''], /invalid YAML at line \d+, column \d+/)
    const jsonSyntax = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, '{\n  "openapi": "3.1.0",\n  "info": }\n', JSON_TYPE)
    assert.equal(jsonSyntax.status, 400)
    assert.match(jsonSyntax.body.fields[''], /invalid JSON at line 3, column 11/)

    const notOpenApi = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, JSON.stringify({ openapi: '4.0.0', info: {}, paths: {} }), JSON_TYPE)
    assert.equal(notOpenApi.status, 400)
    assert.match(notOpenApi.body.fields.openapi, /3\.0\.x.*3\.1\.x.*2\.0.*"4\.0\.0"/)
    const notObject = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, '- a\n- b\n', YAML)
    assert.equal(notObject.status, 400)

    const missingRef = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML.replace('          description: the pets', '          $ref: "#/components/responses/Nope"'), YAML)
    assert.equal(missingRef.status, 400)
    assert.match(missingRef.body.fields['paths["/pets"].get.responses["200"].$ref'], /Nope.*line 13/)

    const dupOperation = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML.replace('operationId: addPet', 'operationId: listPets'), YAML)
    assert.equal(dupOperation.status, 400)
    assert.match(dupOperation.body.message, /listPets/)

    assert.equal((await call('PUT', `/service-packages/pets/versions/${vid}/spec`, '', YAML)).status, 400)
    const plain = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML, { 'content-type': 'text/plain' })
    assert.equal(plain.status, 415)
    assert.equal((await call('GET', `/service-packages/pets/versions/${vid}/spec`)).body.content, PETS_YAML, 'still the first spec after every refusal')
  })

  test('external $refs are refused with their place and never fetched', async (t) => {
    const call = await startAdmin(t, store)
    const vid = await setup(call)
    let fetched = 0
    const server = createServer((_req, res) => { fetched++; res.end('openapi: 3.1.0') })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    t.after(() => server.close())
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/other.yaml`
    for (const ref of [url, '/etc/passwd', 'other.yaml#/components/responses/Ok']) {
      const r = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML.replace('          description: the pets', `          $ref: "${ref}"`), YAML)
      assert.equal(r.status, 400, r.text)
      assert.match(r.body.fields['paths["/pets"].get.responses["200"].$ref'], /external references are not fetched.*line 13/)
    }
    assert.equal(fetched, 0)
  })

  test('a spec over 5 MiB is 413 and a spec for an unknown version is 404', async (t) => {
    const call = await startAdmin(t, store)
    const vid = await setup(call)
    const big = PETS_YAML.replace('  description: Everything about pets.', `  description: "${'x'.repeat(5 * 1024 * 1024)}"`)
    const r = await call('PUT', `/service-packages/pets/versions/${vid}/spec`, big, YAML)
    assert.equal(r.status, 413)
    assert.equal(r.body.code, 'ATRIUM_ERR_ADMIN_BODY_TOO_LARGE')
    assert.equal((await call('PUT', '/service-packages/pets/versions/v9/spec', PETS_YAML, YAML)).status, 404)
    assert.equal((await call('GET', `/service-packages/pets/versions/${vid}/spec`)).status, 404)
    const nearLimit = PETS_YAML.replace('  description: Everything about pets.', `  description: "${'x'.repeat(4 * 1024 * 1024)}"`)
    assert.equal((await call('PUT', `/service-packages/pets/versions/${vid}/spec`, nearLimit, YAML)).status, 201)
  })

  test('deleting a version deletes its spec', async (t) => {
    const call = await startAdmin(t, store)
    const vid = await setup(call)
    assert.equal((await call('PUT', `/service-packages/pets/versions/${vid}/spec`, PETS_YAML, YAML)).status, 201)
    assert.equal((await call('DELETE', `/service-packages/pets/versions/${vid}`)).status, 204)
    const again = await call('POST', '/service-packages/pets/versions', { version: 'v2', runtime_group: 'production', id: vid })
    assert.equal(again.status, 201)
    assert.equal(again.body.api_spec, null)
    assert.equal((await call('GET', `/service-packages/pets/versions/${vid}/spec`)).status, 404)
  })
})
