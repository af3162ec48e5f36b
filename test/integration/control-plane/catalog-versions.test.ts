import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin as startCatalog, type Call } from './gateway-kit.js'

// Service versions: one version name per runtime group, addressing, validation and the
// runtime_group search filter, on both stores.

async function setup (call: Call): Promise<Record<string, string>> {
  const ids: Record<string, string> = {}
  for (const name of ['production', 'staging', 'development']) {
    const r = await call('POST', '/runtime-groups', { name })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    ids[name] = r.body.id
  }
  assert.equal((await call('POST', '/service-packages', { name: 'payments' })).status, 201)
  assert.equal((await call('POST', '/service-packages', { name: 'users' })).status, 201)
  return ids
}

describeStores((store) => {
  test('a version name exists once per runtime group: v1 in production and staging, a second v1 in production is 409', async (t) => {
    const call = await startCatalog(t, store)
    const groups = await setup(call)
    const prod = await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })
    assert.equal(prod.status, 201, JSON.stringify(prod.body))
    assert.equal(prod.body.version, 'v1')
    assert.deepEqual(prod.body.runtime_group, { id: groups.production, name: 'production' })
    assert.equal(prod.body.status, 'unpublished')
    assert.equal(prod.body.implementation, null)
    assert.equal(typeof prod.body.created_at, 'number')

    const staging = await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: groups.staging, status: 'published' })
    assert.equal(staging.status, 201)
    assert.equal(staging.body.runtime_group.name, 'staging')

    const dup = await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: { id: groups.production } })
    assert.equal(dup.status, 409)
    assert.equal(dup.body.code, 'ATRIUM_ERR_ADMIN_CONFLICT')
    assert.ok('version' in dup.body.fields)

    assert.equal((await call('POST', '/service-packages/users/versions', { version: 'v1', runtime_group: 'production' })).status, 201, 'another package may have v1 in production')
    const v2 = await call('POST', '/service-packages/payments/versions', { version: 'v2', runtime_group: 'staging' })
    assert.equal(v2.status, 201)
    const moved = await call('PATCH', `/service-packages/payments/versions/${v2.body.id}`, { version: 'v1' })
    assert.equal(moved.status, 409, 'renaming into an existing (version, group) pair is a conflict too')

    const list = await call('GET', '/service-packages/payments/versions')
    assert.equal(list.status, 200)
    assert.deepEqual(list.body.data.map((v: any) => `${v.version}@${v.runtime_group.name}`), ['v1@production', 'v1@staging', 'v2@staging'])
    assert.equal(list.body.next, null)
    const inStaging = await call('GET', '/service-packages/payments/versions?runtime_group=staging')
    assert.deepEqual(inStaging.body.data.map((v: any) => v.version), ['v1', 'v2'])
  })

  test('a version is read, updated and deleted by id, or by its name when unique in the package', async (t) => {
    const call = await startCatalog(t, store)
    await setup(call)
    const v1 = (await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })).body
    const byName = await call('GET', '/service-packages/payments/versions/v1')
    assert.equal(byName.status, 200)
    assert.deepEqual(byName.body, v1)
    assert.deepEqual((await call('GET', `/service-packages/${v1.service_package.id}/versions/${v1.id}`)).body, v1)

    const patched = await call('PATCH', '/service-packages/payments/versions/v1', { status: 'deprecated', runtime_group: 'development' })
    assert.equal(patched.status, 200)
    assert.equal(patched.body.status, 'deprecated')
    assert.equal(patched.body.runtime_group.name, 'development')
    assert.ok(patched.body.updated_at >= v1.updated_at)

    await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'staging' })
    const ambiguous = await call('GET', '/service-packages/payments/versions/v1')
    assert.equal(ambiguous.status, 409, 'v1 now names two versions')
    assert.equal((await call('GET', '/service-packages/payments/versions/v9')).status, 404)
    assert.equal((await call('GET', '/service-packages/users/versions/' + v1.id)).status, 404, 'a version of another package')
    assert.equal((await call('GET', '/service-packages/nope/versions')).status, 404)

    assert.equal((await call('DELETE', `/service-packages/payments/versions/${v1.id}`)).status, 204)
    assert.equal((await call('GET', `/service-packages/payments/versions/${v1.id}`)).status, 404)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.runtime_group.name, 'staging')
  })

  test('invalid versions answer 400 with every bad field and create nothing', async (t) => {
    const call = await startCatalog(t, store)
    await setup(call)
    const bad = await call('POST', '/service-packages/payments/versions', { version: '', runtime_group: 7, status: 'live', implementation: {}, extra: 1 })
    assert.equal(bad.status, 400)
    assert.deepEqual(Object.keys(bad.body.fields).sort(), ['extra', 'implementation', 'runtime_group', 'status', 'version'])
    const cases: Array<[unknown, string]> = [
      [{ runtime_group: 'production' }, 'version'],
      [{ version: 'v1' }, 'runtime_group'],
      [{ version: 'v'.repeat(64), runtime_group: 'production' }, 'version'],
      [{ version: 'v 1', runtime_group: 'production' }, 'version'],
      [{ version: 1, runtime_group: 'production' }, 'version'],
      [{ version: 'v1', runtime_group: 'nowhere' }, 'runtime_group'],
      [{ version: 'v1', runtime_group: { id: 'x', colour: 1 } }, 'runtime_group'],
      [{ version: 'v1', runtime_group: 'production', status: null }, 'status'],
      [[], '']
    ]
    for (const [body, field] of cases) {
      const r = await call('POST', '/service-packages/payments/versions', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.ok(field in r.body.fields, `${JSON.stringify(body)} → ${JSON.stringify(r.body.fields)}`)
    }
    assert.deepEqual((await call('GET', '/service-packages/payments/versions')).body.data, [])
    await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })
    const patch = await call('PATCH', '/service-packages/payments/versions/v1', { status: 'gone', version: 'v2' })
    assert.equal(patch.status, 400)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.status, 'unpublished')
  })

  test('runtime_group filters packages to those with a version in that group, by id or name', async (t) => {
    const call = await startCatalog(t, store)
    const groups = await setup(call)
    await call('POST', '/service-packages', { name: 'orders' })
    await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })
    await call('POST', '/service-packages/payments/versions', { version: 'v2', runtime_group: 'staging' })
    await call('POST', '/service-packages/orders/versions', { version: 'v1', runtime_group: 'staging' })
    const filter = async (query: string): Promise<string[]> => (await call('GET', `/service-packages?${query}`)).body.data.map((p: any) => p.name)
    assert.deepEqual(await filter('runtime_group=staging'), ['orders', 'payments'])
    assert.deepEqual(await filter(`runtime_group=${groups.production}`), ['payments'])
    assert.deepEqual(await filter('runtime_group=development'), [])
    assert.deepEqual(await filter('runtime_group=staging&q=ord'), ['orders'])
    assert.deepEqual(await filter('runtime_group=unknown'), [])
    assert.deepEqual(await filter('runtime_group=staging&size=1'), ['orders'], 'one row per package even with several versions in the group')
  })

  test('deleting a package deletes its versions', async (t) => {
    const call = await startCatalog(t, store)
    await setup(call)
    await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })
    await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'staging' })
    assert.equal((await call('DELETE', '/service-packages/payments')).status, 204)
    assert.deepEqual((await call('GET', '/service-packages?runtime_group=production')).body.data, [])
    assert.equal((await call('POST', '/service-packages', { name: 'payments' })).status, 201)
    assert.deepEqual((await call('GET', '/service-packages/payments/versions')).body.data, [])
  })
})
