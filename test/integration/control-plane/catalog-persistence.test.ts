import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { startControlPlane, type ControlPlane } from '../../../src/control-plane/control-plane.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { httpCall } from '../../support/http-client.js'
import { createTestStore, STORE_KINDS } from '../../support/stores.js'

// The catalog survives a restart: a second control plane on the same SQLite file or PostgreSQL
// database sees the packages, labels (and their search), versions and implementations.

async function start (url: string): Promise<ControlPlane> {
  return await startControlPlane({ dbUrl: url, adminListen: { host: '127.0.0.1', port: 0 }, auth: createAdminAuth({}), logger: pino({ level: 'silent' }) })
}

async function call (cp: ControlPlane, method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> {
  const r = await httpCall(`http://127.0.0.1:${cp.adminAddress.port}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: r.status, body: r.body === '' ? undefined : JSON.parse(r.body) }
}

for (const kind of STORE_KINDS) {
  test(`${kind}: packages, versions and implementations are still there after a restart`, async (t) => {
    const store = await createTestStore(kind)
    t.after(() => store.drop())
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
    assert.deepEqual((await call(second, 'GET', `/service-packages/${pkg.id as string}`)).body, pkg)
    assert.deepEqual((await call(second, 'GET', '/service-packages?labels=team:payments&q=card&runtime_group=production')).body, { data: [pkg], next: null })
    assert.deepEqual((await call(second, 'GET', '/service-packages/payments/versions/v1')).body, expectedVersion)
    assert.deepEqual((await call(second, 'GET', '/service-packages/payments/versions/v1/implementation')).body, impl.body)
  })
}
