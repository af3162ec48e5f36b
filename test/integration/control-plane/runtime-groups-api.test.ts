import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin } from './gateway-kit.js'

describeStores((store) => {
  test('creates a runtime group with id, timestamps and config_version 0, and reads it by id and by name', async (t) => {
    const call = await startAdmin(t, store)
    const created = await call('POST', '/runtime-groups', { name: 'production', description: 'live', labels: { env: 'prod' } })
    assert.equal(created.status, 201)
    assert.match(created.body.id, /^[0-9a-f-]{36}$/)
    assert.equal(created.body.config_version, 0)
    assert.equal(typeof created.body.created_at, 'number')
    assert.deepEqual(created.body.labels, { env: 'prod' })
    assert.deepEqual((await call('GET', `/runtime-groups/${created.body.id as string}`)).body, created.body)
    assert.deepEqual((await call('GET', '/runtime-groups/production')).body, created.body)
  })

  test('public_url: an absolute http(s) base URL, stored without its trailing slash, cleared with null; anything else refused on the field', async (t) => {
    const call = await startAdmin(t, store)
    const created = await call('POST', '/runtime-groups', { name: 'staging', public_url: 'https://staging.example.com/gw/' })
    assert.equal(created.status, 201)
    assert.equal(created.body.public_url, 'https://staging.example.com/gw')
    assert.equal((await call('GET', '/runtime-groups/staging')).body.public_url, 'https://staging.example.com/gw')
    assert.equal((await call('POST', '/runtime-groups', { name: 'dev' })).body.public_url, null)
    for (const bad of ['staging.example.com', 'ftp://example.com', 'https://u:p@example.com', 'https://example.com/?a=1', 'https://example.com/#top', 42]) {
      const r = await call('PATCH', '/runtime-groups/staging', { public_url: bad })
      assert.equal(r.status, 400, `public_url ${JSON.stringify(bad)}`)
      assert.equal(r.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
      assert.deepEqual(Object.keys(r.body.fields), ['public_url'])
    }
    assert.equal((await call('GET', '/runtime-groups/staging')).body.public_url, 'https://staging.example.com/gw', 'a refused PATCH changes nothing')
    const patched = await call('PATCH', '/runtime-groups/staging', { public_url: 'http://127.0.0.1:8000' })
    assert.equal(patched.body.public_url, 'http://127.0.0.1:8000')
    assert.equal((await call('PATCH', '/runtime-groups/staging', { description: 'kept' })).body.public_url, 'http://127.0.0.1:8000', 'a PATCH without it keeps it')
    assert.equal((await call('PATCH', '/runtime-groups/staging', { public_url: null })).body.public_url, null)
    const put = await call('PUT', '/runtime-groups/staging', { name: 'staging', public_url: 'https://api.example.com' })
    assert.equal(put.body.public_url, 'https://api.example.com')
    assert.equal((await call('PUT', '/runtime-groups/staging', { name: 'staging' })).body.public_url, null, 'PUT replaces: left out is unset')
  })

  test('lists runtime groups a page at a time with an opaque next cursor', async (t) => {
    const call = await startAdmin(t, store)
    for (const name of ['a', 'b', 'c']) assert.equal((await call('POST', '/runtime-groups', { name })).status, 201)
    const first = await call('GET', '/runtime-groups?size=2')
    assert.equal(first.body.data.length, 2)
    assert.equal(typeof first.body.next, 'string')
    const second = await call('GET', `/runtime-groups?size=2&next=${first.body.next as string}`)
    assert.deepEqual(second.body.data.map((g: any) => g.name), ['c'])
    assert.equal(second.body.next, null)
  })

  test('rejects duplicate names with 409 and invalid fields with 400 listing each field', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'dev' })
    const dup = await call('POST', '/runtime-groups', { name: 'dev' })
    assert.equal(dup.status, 409)
    assert.equal(dup.body.code, 'ATRIUM_ERR_ADMIN_CONFLICT')
    const bad = await call('POST', '/runtime-groups', { name: 'a b', labels: { '-x': 'y' }, colour: 'red' })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.deepEqual(Object.keys(bad.body.fields).sort(), ['colour', 'labels.-x', 'name'])
    assert.equal((await call('POST', '/runtime-groups', {})).body.fields.name, 'is required')
  })

  test('patches, replaces with PUT, creates with PUT by name, and deletes a runtime group', async (t) => {
    const call = await startAdmin(t, store)
    const g = (await call('POST', '/runtime-groups', { name: 'stage', description: 'd', labels: { a: 'b' } })).body
    const patched = await call('PATCH', '/runtime-groups/stage', { description: 'staging' })
    assert.equal(patched.status, 200)
    assert.deepEqual([patched.body.description, patched.body.labels], ['staging', { a: 'b' }])
    const replaced = await call('PUT', `/runtime-groups/${g.id as string}`, { name: 'staging' })
    assert.equal(replaced.status, 200)
    assert.deepEqual([replaced.body.name, replaced.body.description, replaced.body.labels, replaced.body.id], ['staging', null, {}, g.id])
    const created = await call('PUT', '/runtime-groups/qa', { description: 'new' })
    assert.equal(created.status, 201)
    assert.equal(created.body.name, 'qa')
    assert.equal((await call('DELETE', '/runtime-groups/qa')).status, 204)
    assert.equal((await call('GET', '/runtime-groups/qa')).status, 404)
    assert.equal((await call('PATCH', '/runtime-groups/nope', {})).status, 404)
  })

  test('refuses to delete a runtime group that still has service versions (409)', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'prod' })
    const pkg = await call('POST', '/service-packages', { name: 'payments' })
    assert.equal(pkg.status, 201, pkg.text)
    const version = await call('POST', `/service-packages/${pkg.body.id as string}/versions`, { version: 'v1', runtime_group: 'prod' })
    assert.equal(version.status, 201, version.text)
    const refused = await call('DELETE', '/runtime-groups/prod')
    assert.equal(refused.status, 409)
    assert.equal((await call('GET', '/runtime-groups/prod')).status, 200)
  })

  test('deleting a runtime group deletes its gateway entities', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'tmp' })
    assert.equal((await call('POST', '/runtime-groups/tmp/services', { name: 's', host: 'a.internal' })).status, 201)
    assert.equal((await call('DELETE', '/runtime-groups/tmp')).status, 204)
    await call('POST', '/runtime-groups', { name: 'tmp' })
    assert.deepEqual((await call('GET', '/runtime-groups/tmp/services')).body.data, [])
  })
})
