import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin, versionOf, type Call } from './gateway-kit.js'

// PUT /config and the catalog: a file that leaves out a version's implementation service is refused
// (409 ATRIUM_ERR_CATALOG_IMPLEMENTATION_IN_USE, nothing written) unless ?detach_versions=true;
// POST /config/diff lists the versions a change deletes or changes the implementation of. The same
// rule holds for DELETE /runtime-groups/{rg}/services/{id}.

interface Setup { pkg: string, version: string, service: string }

/** Group production with payments v1 implemented by payments-v1 (route pay) and a service other. */
async function setup (call: Call): Promise<Setup> {
  assert.equal((await call('POST', '/runtime-groups', { name: 'production' })).status, 201)
  const pkg = (await call('POST', '/service-packages', { name: 'payments' })).body.id
  const version = (await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })).body.id
  const impl = await call('PUT', '/service-packages/payments/versions/v1/implementation', { service: { name: 'payments-v1', host: 'payments.internal' } })
  assert.equal(impl.status, 201, JSON.stringify(impl.body))
  const service = impl.body.service.id
  assert.equal((await call('POST', `/runtime-groups/production/services/${service}/routes`, { name: 'pay', paths: ['/pay'] })).status, 201)
  assert.equal((await call('POST', '/runtime-groups/production/services', { name: 'other', host: 'other.internal' })).status, 201)
  return { pkg, version, service }
}

const WITHOUT_PAYMENTS = { _format_version: '3.0', services: [{ name: 'other', host: 'other.internal' }] }

function link (s: Setup): Record<string, unknown> {
  return { package_id: s.pkg, package: 'payments', version_id: s.version, version: 'v1', service_id: s.service, service: 'payments-v1' }
}

async function exported (call: Call): Promise<any> {
  return (await call('GET', '/runtime-groups/production/config')).body
}

describeStores((store) => {
  test('PUT /config refuses a file that deletes a version\'s implementation, naming the version, and writes nothing', async (t) => {
    const call = await startAdmin(t, store)
    const s = await setup(call)
    const before = await versionOf(call, 'production')
    const doc = await exported(call)

    const r = await call('PUT', '/runtime-groups/production/config', WITHOUT_PAYMENTS)
    assert.equal(r.status, 409, JSON.stringify(r.body))
    assert.equal(r.body.code, 'ATRIUM_ERR_CATALOG_IMPLEMENTATION_IN_USE')
    assert.deepEqual(r.body.versions, [link(s)])
    assert.match(r.body.message, /payments v1 \(service payments-v1\)/)

    assert.equal(await versionOf(call, 'production'), before)
    assert.deepEqual(await exported(call), doc, 'the running config stays')
    const v = await call('GET', '/service-packages/payments/versions/v1')
    assert.deepEqual(v.body.implementation, { service: { id: s.service, name: 'payments-v1' } })
  })

  test('PUT /config?detach_versions=true applies the file and detaches the version in the same change', async (t) => {
    const call = await startAdmin(t, store)
    const s = await setup(call)
    const before = await versionOf(call, 'production')

    const r = await call('PUT', '/runtime-groups/production/config?detach_versions=true', WITHOUT_PAYMENTS)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.deepEqual(r.body.detached_versions, [link(s)])
    assert.equal(r.body.deleted, 2, 'the service and its route')
    assert.equal(await versionOf(call, 'production'), before + 1)
    assert.equal((await call('GET', `/runtime-groups/production/services/${s.service}`)).status, 404)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, null)

    // Detached, not dangling: a service given the old id again does not become the implementation.
    const back = { _format_version: '3.0', services: [...WITHOUT_PAYMENTS.services, { id: s.service, name: 'payments-v1', host: 'payments.internal' }] }
    assert.equal((await call('PUT', '/runtime-groups/production/config', back)).status, 200)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, null)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1/implementation')).status, 404)
  })

  test('a PUT that keeps the implementation goes through and detaches nothing', async (t) => {
    const call = await startAdmin(t, store)
    const s = await setup(call)
    const doc = await exported(call)
    doc.services = doc.services.filter((x: any) => x.name !== 'other')
    const r = await call('PUT', '/runtime-groups/production/config', doc)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.deepEqual(r.body.detached_versions, [])
    assert.equal(r.body.deleted, 1)
    assert.deepEqual((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, { service: { id: s.service, name: 'payments-v1' } })
  })

  test('a group holding a copy of the implementation (same ids) applies without it, and the version in the other group keeps it', async (t) => {
    const call = await startAdmin(t, store)
    const s = await setup(call)
    assert.equal((await call('POST', '/runtime-groups', { name: 'staging' })).status, 201)
    const copied = await call('PUT', '/runtime-groups/staging/config', await exported(call))
    assert.equal(copied.status, 200, copied.text)
    assert.equal((await call('GET', `/runtime-groups/staging/services/${s.service}`)).status, 200, 'staging holds the same service id')

    assert.deepEqual((await call('POST', '/runtime-groups/staging/config/diff', WITHOUT_PAYMENTS)).body.catalog, [])
    const r = await call('PUT', '/runtime-groups/staging/config', WITHOUT_PAYMENTS)
    assert.equal(r.status, 200, r.text)
    assert.deepEqual(r.body.detached_versions, [])
    assert.deepEqual((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, { service: { id: s.service, name: 'payments-v1' } })
    assert.equal((await call('PUT', '/runtime-groups/production/config', WITHOUT_PAYMENTS)).status, 409, 'production still refuses')
  })

  test('POST /config/diff lists the versions whose implementation a change deletes or changes', async (t) => {
    const call = await startAdmin(t, store)
    const s = await setup(call)
    const doc = await exported(call)

    const unchanged = await call('POST', '/runtime-groups/production/config/diff', doc)
    assert.equal(unchanged.status, 200)
    assert.deepEqual(unchanged.body.catalog, [])

    const deletes = await call('POST', '/runtime-groups/production/config/diff', WITHOUT_PAYMENTS)
    assert.deepEqual(deletes.body.catalog, [{ ...link(s), change: 'delete' }])

    const payments = doc.services.find((x: any) => x.name === 'payments-v1')
    payments.routes[0].paths = ['/pay', '/payments']
    const routeChanged = await call('POST', '/runtime-groups/production/config/diff', doc)
    assert.deepEqual(routeChanged.body.catalog, [{ ...link(s), change: 'update' }])

    const other = structuredClone(await exported(call))
    other.services.find((x: any) => x.name === 'other').port = 8080
    assert.deepEqual((await call('POST', '/runtime-groups/production/config/diff', other)).body.catalog, [], 'another service changes no version')

    const plugin = structuredClone(await exported(call))
    plugin.plugins = [{ name: 'correlation-id', route: 'pay' }]
    assert.deepEqual((await call('POST', '/runtime-groups/production/config/diff', plugin)).body.catalog, [{ ...link(s), change: 'update' }], 'a plugin on its route')
  })

  test('DELETE of a service implementing a version is refused naming the version, unless ?detach_versions=true', async (t) => {
    const call = await startAdmin(t, store)
    const s = await setup(call)
    const before = await versionOf(call, 'production')
    for (const ref of [s.service, 'payments-v1']) {
      const r = await call('DELETE', `/runtime-groups/production/services/${ref}?cascade=true`)
      assert.equal(r.status, 409, JSON.stringify(r.body))
      assert.equal(r.body.code, 'ATRIUM_ERR_CATALOG_IMPLEMENTATION_IN_USE')
      assert.deepEqual(r.body.versions, [link(s)])
      assert.match(r.body.message, /detach_versions=true/)
    }
    assert.equal(await versionOf(call, 'production'), before, 'nothing written')
    assert.equal((await call('DELETE', '/runtime-groups/production/services/other')).status, 204, 'a service no version uses goes at once')

    const r = await call('DELETE', `/runtime-groups/production/services/${s.service}?cascade=true&detach_versions=true`)
    assert.equal(r.status, 204)
    assert.equal((await call('GET', `/runtime-groups/production/services/${s.service}`)).status, 404)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, null)
    // Detached in the row, not only hidden: a service given the old id again is not the implementation.
    assert.equal((await call('PUT', `/runtime-groups/production/services/${s.service}`, { name: 'payments-v1', host: 'payments.internal' })).status, 201)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, null)
  })
})
