import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startControlPlaneOn as start, callOn as call } from './gateway-kit.js'

// Two control planes on one store writing to the same package at once: uniqueness holds, and a
// version's implementation is created once, never twice.

describeStores((store) => {
  test('concurrent writers from two control planes create a version once and its implementation once', async (t) => {
    const a = await start(store.url)
    t.after(() => a.close())
    const b = await start(store.url)
    t.after(() => b.close())
    await call(a, 'POST', '/runtime-groups', { name: 'production' })
    await call(a, 'POST', '/service-packages', { name: 'payments' })

    const creates = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      call(i % 2 === 0 ? a : b, 'POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production' })))
    assert.deepEqual(creates.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409, 409, 409])

    const puts = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      call(i % 2 === 0 ? a : b, 'PUT', '/service-packages/payments/versions/v1/implementation', { service: { host: `h${i}.internal` } })))
    assert.deepEqual(puts.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201], JSON.stringify(puts.map((r) => r.body)))
    const services = (await call(b, 'GET', '/runtime-groups/production/services')).body.data
    assert.equal(services.length, 1, 'one implementation service, no orphans')
    assert.equal((await call(a, 'GET', '/service-packages/payments/versions/v1')).body.implementation.service.id, services[0].id)

    const labels = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      call(i % 2 === 0 ? a : b, 'PATCH', '/service-packages/payments', { labels: { writer: `w${i}` } })))
    assert.ok(labels.every((r) => r.status === 200))
    const final = (await call(a, 'GET', '/service-packages/payments')).body.labels.writer
    assert.deepEqual((await call(b, 'GET', `/service-packages?labels=writer:${final as string}`)).body.data.map((p: any) => p.name), ['payments'], 'label rows match the labels column')
  })
})
