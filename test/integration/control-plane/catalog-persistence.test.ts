import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startControlPlaneOn as start, callOn as call } from './gateway-kit.js'

// The catalog survives a restart: a second control plane on the same SQLite file or PostgreSQL
// database sees the packages, labels (and their search), versions and implementations.

describeStores((store) => {
  test('packages, versions and implementations are still there after a restart', async (t) => {
    const first = await start(store.url)
    let firstOpen = true
    t.after(async () => { if (firstOpen) await first.close() })
    assert.equal((await call(first, 'POST', '/runtime-groups', { name: 'production' })).status, 201)
    const pkg = (await call(first, 'POST', '/service-packages', { name: 'Payments', description: 'Cards', labels: { team: 'payments' } })).body
    const version = (await call(first, 'POST', '/service-packages/payments/versions', { version: 'v1', runtime_group: 'production', status: 'published' })).body
    const impl = await call(first, 'PUT', '/service-packages/payments/versions/v1/implementation', { service: { name: 'payments-v1', host: 'payments.internal' } })
    assert.equal(impl.status, 201)
    const expectedVersion = (await call(first, 'GET', `/service-packages/payments/versions/${version.id as string}`)).body
    await first.close()
    firstOpen = false

    const second = await start(store.url)
    t.after(() => second.close())
    const { analytics: _summary, ...reread } = (await call(second, 'GET', `/service-packages/${pkg.id as string}`)).body
    assert.deepEqual(reread, pkg)
    assert.deepEqual((await call(second, 'GET', '/service-packages?labels=team:payments&q=card&runtime_group=production')).body, { data: [pkg], next: null })
    assert.deepEqual((await call(second, 'GET', '/service-packages/payments/versions/v1')).body, expectedVersion)
    assert.deepEqual((await call(second, 'GET', '/service-packages/payments/versions/v1/implementation')).body, impl.body)
  })
})
