import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { httpCall } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { startNodeProcess, tempDir, waitUntil } from '../hybrid/hybrid-kit.js'
import { SHOTS, openHubPage, startHub } from '../ui/hub-kit.js'
import { runAtrium } from '../../support/cli-process.js'

// Spec drift from real traffic: known requests through a real node (reporting analytics every
// 500 ms) against a known spec give exactly the expected unused operations, undocumented requests
// and undeclared statuses; the API's errors, `atrium drift`, and the version page's drift panel.

const ID = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }
const SPEC = {
  openapi: '3.0.3',
  info: { title: 'Shop', version: '1' },
  servers: [{ url: '/shop' }],
  paths: {
    '/orders': {
      get: { operationId: 'listOrders', responses: { 200: { description: 'ok' } } },
      post: { operationId: 'createOrder', responses: { 201: { description: 'created' } } }
    },
    '/orders/{id}': { parameters: [ID], get: { operationId: 'getOrder', responses: { 200: { description: 'ok' }, '4XX': { description: 'client error' } } } },
    '/orders/{id}/cancel': { parameters: [ID], post: { operationId: 'cancelOrder', responses: { 200: { description: 'ok' } } } },
    '/health': { get: { responses: { default: { description: 'anything' } } } }
  }
}

test('spec drift: unused operations, undocumented requests and undeclared statuses from traffic through a node', async (t) => {
  const { base, cluster, call } = await startHub(t)
  const raw = async (path: string): Promise<{ status: number, body: any }> => {
    const r = await httpCall(base + path)
    return { status: r.status, body: JSON.parse(r.body) }
  }
  const up = await startUpstream(t, (req, res) => {
    req.resume()
    res.statusCode = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? '200')
    res.end('ok')
  })
  await call('POST', '/runtime-groups', { name: 'production' })
  const { token } = await call('POST', '/runtime-groups/production/data-plane-tokens', {})
  process.env.ATRIUM_ANALYTICS_INTERVAL_MS = '500'
  let node
  try {
    node = await startNodeProcess(t, cluster, token as string, join(tempDir(t), 'node'))
  } finally {
    delete process.env.ATRIUM_ANALYTICS_INTERVAL_MS
  }
  await call('POST', '/service-packages', { name: 'Shop' })
  await call('POST', '/service-packages/shop/versions', { version: 'v1', runtime_group: 'production' })
  const { service } = await call('PUT', '/service-packages/shop/versions/v1/implementation', { service: { name: 'shop-v1', url: `http://127.0.0.1:${up.port}` } })
  await call('POST', `/runtime-groups/production/services/${service.id as string}/routes`, { name: 'shop', paths: ['/shop'], strip_path: false })
  const noSpec = await raw('/service-packages/shop/versions/v1/drift')
  assert.equal(noSpec.status, 409)
  await call('PUT', '/service-packages/shop/versions/v1/spec', SPEC)
  await waitUntil('the node serves /shop', async () => (await httpCall(`${node.proxy}/shop/health`)).status === 200, 15_000)

  const traffic: Array<[string, string, number]> = [
    ['GET', '/shop/orders', 3], ['GET', '/shop/orders/42', 2], ['GET', '/shop/orders/43?status=500', 1], ['GET', '/shop/orders/abc?status=404', 1],
    ['GET', '/shop/admin/users', 2], ['DELETE', '/shop/orders/7', 1], ['GET', '/shop/health?status=503', 1]
  ]
  let sent = 1 // the readiness probe above
  for (const [method, path, times] of traffic) {
    for (let i = 0; i < times; i++) await httpCall(`${node.proxy}${path}`, { method })
    sent += times
  }
  let drift: any
  await waitUntil('the node reported every request', async () => {
    drift = (await raw('/service-packages/shop/versions/v1/drift')).body
    return drift.requests === sent
  }, 20_000)
  assert.equal(drift.version, 'v1')
  assert.equal(drift.runtime_group.name, 'production')
  assert.equal(drift.operations, 5)
  assert.deepEqual(drift.unused_operations, [
    { method: 'POST', path: '/orders', operation_id: 'createOrder' },
    { method: 'POST', path: '/orders/{id}/cancel', operation_id: 'cancelOrder' }
  ])
  assert.deepEqual(drift.undocumented, [
    { method: 'GET', path: '/shop/admin/users', requests: 2, statuses: [200], examples: ['/shop/admin/users'] },
    { method: 'DELETE', path: '/shop/orders/{id}', requests: 1, statuses: [200], examples: ['/shop/orders/7'] }
  ])
  assert.deepEqual(drift.undeclared_statuses, [{ method: 'GET', path: '/orders/{id}', operation_id: 'getOrder', status: 500, requests: 1 }])
  assert.equal(drift.documented_requests, sent - 3)

  const before = (await raw(`/service-packages/shop/versions/v1/drift?to=${drift.from}&from=${drift.from - 60}`)).body
  assert.equal(before.requests, 0, 'an earlier window saw nothing')
  assert.equal(before.unused_operations.length, 5)
  const bad = await raw('/service-packages/shop/versions/v1/drift?from=yesterday')
  assert.equal(bad.status, 400)
  assert.deepEqual(Object.keys(bad.body.fields), ['from'])

  const { page, dialogs } = await openHubPage(t)
  await page.goto(`${base}/ui/#/packages/shop`)
  await page.click('tr.version[data-version=v1] button:has-text("Details")')
  const panel = page.locator('tr.details[data-version=v1] section.drift')
  await panel.locator('ul.undocumented').waitFor()
  assert.deepEqual(await panel.locator('ul.unused li').allInnerTexts(), ['POST /orders (createOrder)', 'POST /orders/{id}/cancel (cancelOrder)'])
  assert.match(await panel.locator('ul.undocumented li[data-operation="GET /shop/admin/users"]').innerText(), /2 requests, e\.g\. \/shop\/admin\/users/)
  assert.match(await panel.locator('ul.undeclared li[data-status="500"]').innerText(), /GET \/orders\/\{id\} answered 500/)
  assert.match(await panel.locator('p.drift-totals').innerText(), new RegExp(`^${sent} requests, ${sent - 3} of them documented`))
  await page.screenshot({ path: join(SHOTS, 'drift.png'), fullPage: true })
  assert.deepEqual(dialogs, [])

  const cli = await runAtrium(['drift', 'Shop', 'v1', '--admin-url', base])
  assert.equal(cli.code, 2, cli.stderr)
  assert.match(cli.stdout, /^unused: POST \/orders \(createOrder\)$/m)
  assert.match(cli.stdout, /^undocumented: GET \/shop\/admin\/users — 2 requests, e\.g\. \/shop\/admin\/users$/m)
  assert.match(cli.stdout, /^undeclared status: GET \/orders\/\{id\} answered 500 — 1 request$/m)
})
