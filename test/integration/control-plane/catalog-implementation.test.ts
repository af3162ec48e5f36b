import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin as startCatalog, type Call } from './gateway-kit.js'

// A version's implementation: a gateway service in the version's runtime group, managed through the
// catalog and visible (with its routes) under /runtime-groups; deleting the version deletes them.

async function setup (call: Call): Promise<{ rg: string, version: string }> {
  const rg = await call('POST', '/runtime-groups', { name: 'production' })
  assert.equal(rg.status, 201)
  await call('POST', '/service-packages', { name: 'payments' })
  const v = await call('POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })
  assert.equal(v.status, 201)
  return { rg: rg.body.id, version: v.body.id }
}

async function configVersion (call: Call, rg: string): Promise<number> {
  return (await call('GET', `/runtime-groups/${rg}`)).body.config_version
}

const IMPL = '/service-packages/payments/versions/v1/implementation'

describeStores((store) => {
  test('PUT implementation creates a service in the version\'s runtime group, then updates it', async (t) => {
    const call = await startCatalog(t, store)
    const { rg } = await setup(call)
    assert.equal((await call('GET', IMPL)).status, 404, 'no implementation yet')
    const before = await configVersion(call, rg)

    const created = await call('PUT', IMPL, { service: { name: 'payments-v1', url: 'http://payments.internal:8080/api' } })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const service = created.body.service
    assert.match(service.id, /^[0-9a-f-]{36}$/)
    assert.equal(service.name, 'payments-v1')
    assert.equal(service.host, 'payments.internal')
    assert.ok(await configVersion(call, rg) > before, 'the group config changed')

    const inGroup = await call('GET', `/runtime-groups/production/services/${service.id}`)
    assert.equal(inGroup.status, 200)
    assert.equal(inGroup.body.name, 'payments-v1')
    const version = await call('GET', '/service-packages/payments/versions/v1')
    assert.deepEqual(version.body.implementation, { service: { id: service.id, name: 'payments-v1' } })
    assert.deepEqual((await call('GET', IMPL)).body, created.body)

    const updated = await call('PUT', IMPL, { service: { name: 'payments-v1', host: 'payments-2.internal', port: 9090 } })
    assert.equal(updated.status, 200)
    assert.equal(updated.body.service.id, service.id, 'the same service is updated')
    assert.equal(updated.body.service.port, 9090)
    assert.equal((await call('GET', `/runtime-groups/production/services/${service.id}`)).body.host, 'payments-2.internal')
    const services = await call('GET', '/runtime-groups/production/services')
    assert.equal(services.body.data.length, 1)
  })

  test('invalid implementation bodies answer 400 under service.<field> and change nothing', async (t) => {
    const call = await startCatalog(t, store)
    const { rg } = await setup(call)
    const before = await configVersion(call, rg)
    const cases: Array<[unknown, string]> = [
      [{}, 'service'],
      [{ service: 'x' }, 'service'],
      [{ service: { host: 'a.internal' }, extra: 1 }, 'extra'],
      [{ service: { name: 'p', host: 'a.internal', port: 'eighty' } }, 'service.port'],
      [{ service: { name: 'p', host: 'a.internal', protocol: 'gopher' } }, 'service.protocol']
    ]
    for (const [body, field] of cases) {
      const r = await call('PUT', IMPL, body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.ok(field in r.body.fields, `${JSON.stringify(body)} → ${JSON.stringify(r.body.fields)}`)
    }
    assert.equal((await call('GET', IMPL)).status, 404)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, null)
    assert.deepEqual((await call('GET', '/runtime-groups/production/services')).body.data, [])
    assert.equal(await configVersion(call, rg), before)

    await call('POST', '/runtime-groups/production/services', { name: 'taken', host: 'x.internal' })
    const clash = await call('PUT', IMPL, { service: { name: 'taken', host: 'y.internal' } })
    assert.equal(clash.status, 409)
    assert.ok('service.name' in clash.body.fields, JSON.stringify(clash.body))
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, null)
  })

  test('deleting a version deletes its service, the service\'s routes and plugins in one change', async (t) => {
    const call = await startCatalog(t, store)
    const { rg } = await setup(call)
    const service = (await call('PUT', IMPL, { service: { name: 'payments-v1', host: 'payments.internal' } })).body.service
    const route = await call('POST', `/runtime-groups/production/services/${service.id}/routes`, { name: 'pay', paths: ['/pay'] })
    assert.equal(route.status, 201, JSON.stringify(route.body))
    await call('POST', '/runtime-groups/production/services', { name: 'other', host: 'other.internal' })
    const otherRoute = await call('POST', '/runtime-groups/production/routes', { name: 'other', paths: ['/other'], service: { name: 'other' } })
    assert.equal(otherRoute.status, 201)
    const before = await configVersion(call, rg)

    assert.equal((await call('DELETE', '/service-packages/payments/versions/v1')).status, 204)
    assert.equal((await call('GET', `/runtime-groups/production/services/${service.id}`)).status, 404)
    assert.equal((await call('GET', `/runtime-groups/production/routes/${route.body.id}`)).status, 404)
    assert.equal((await call('GET', '/runtime-groups/production/routes/other')).status, 200, 'other services keep their routes')
    assert.ok(await configVersion(call, rg) > before)
  })

  test('deleting a package deletes every version\'s implementation', async (t) => {
    const call = await startCatalog(t, store)
    await setup(call)
    await call('POST', '/runtime-groups', { name: 'staging' })
    await call('POST', '/service-packages/payments/versions', { version: 'v2', runtime_group: 'staging' })
    await call('PUT', IMPL, { service: { name: 'payments', host: 'p1.internal' } })
    await call('PUT', '/service-packages/payments/versions/v2/implementation', { service: { name: 'payments', host: 'p2.internal' } })
    assert.equal((await call('GET', '/runtime-groups/staging/services')).body.data.length, 1)
    assert.equal((await call('DELETE', '/service-packages/payments')).status, 204)
    assert.deepEqual((await call('GET', '/runtime-groups/production/services')).body.data, [])
    assert.deepEqual((await call('GET', '/runtime-groups/staging/services')).body.data, [])
    assert.equal((await call('DELETE', '/runtime-groups/staging')).status, 204, 'no versions hold the group any more')
  })

  test('a service deleted under /runtime-groups with ?detach_versions=true leaves the version without implementation, and PUT creates a new one', async (t) => {
    const call = await startCatalog(t, store)
    await setup(call)
    const first = (await call('PUT', IMPL, { service: { name: 'payments-v1', host: 'payments.internal' } })).body.service
    assert.equal((await call('DELETE', `/runtime-groups/production/services/${first.id}`)).status, 409, 'refused without the flag')
    assert.equal((await call('DELETE', `/runtime-groups/production/services/${first.id}?detach_versions=true`)).status, 204)
    assert.equal((await call('GET', '/service-packages/payments/versions/v1')).body.implementation, null)
    assert.equal((await call('GET', IMPL)).status, 404)
    const again = await call('PUT', IMPL, { service: { name: 'payments-v1', host: 'payments.internal' } })
    assert.equal(again.status, 201)
    assert.notEqual(again.body.service.id, first.id)
    assert.equal((await call('DELETE', '/service-packages/payments/versions/v1')).status, 204)
  })
})
