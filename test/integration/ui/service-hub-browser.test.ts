import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { join } from 'node:path'
import { SHOTS, openHubPage, startHub } from './hub-kit.js'
import { httpCall } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { startNodeProcess, tempDir, waitUntil } from '../hybrid/hybrid-kit.js'
import { PETS_YAML } from '../portal/spec-fixtures.js'

// The Service Hub UI (/ui on the admin listener) in a real browser (Debian's Chromium driven by
// playwright-core) against a control plane with admin tokens and a real data-plane node process
// with a short analytics interval: the token prompt, a package created and given a version, a
// markdown document uploaded and a spec, the runtime groups page with the connected node, and the
// analytics charts drawn from traffic sent through the node. One browser for the file; screenshots
// go to test-results/ui/.

const TOKEN = 'admin-token-for-ui-tests'
const VIEWER = 'viewer-token-for-ui-tests'

test('the Service Hub UI: token prompt, catalog, package dashboard with versions, documents, spec and analytics charts from real traffic, runtime groups with their node', async (t) => {
  const { base, cluster, call: admin } = await startHub(t, { tokens: `admin:${TOKEN},viewer:${VIEWER}`, token: TOKEN })

  const up = await startUpstream(t, (req, res) => {
    req.resume()
    res.writeHead(Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? '200'), { 'content-type': 'text/plain' })
    res.end('ok')
  })
  await admin('POST', '/runtime-groups', { name: 'production', labels: { env: 'prod' } })
  const { token } = await admin('POST', '/runtime-groups/production/data-plane-tokens', {})
  process.env.ATRIUM_ANALYTICS_INTERVAL_MS = '500'
  let node
  try {
    node = await startNodeProcess(t, cluster, token as string, join(tempDir(t), 'node'))
  } finally {
    delete process.env.ATRIUM_ANALYTICS_INTERVAL_MS
  }

  const { page, dialogs } = await openHubPage(t)

  await t.test('the page loads without a token and asks for one; a wrong token shows the API error', async () => {
    const noToken = await httpCall(`${base}/ui/`)
    assert.equal(noToken.status, 200)
    assert.match(String(noToken.headers['content-security-policy']), /script-src 'self'/)
    assert.equal((await httpCall(`${base}/service-packages`)).status, 401, 'the Admin API still needs the token')
    await page.goto(`${base}/ui/`)
    await page.locator('form.login').waitFor()
    await page.fill('#token', 'wrong-token-123')
    await page.click('form.login button[type=submit]')
    await page.locator('#error .code').waitFor()
    assert.match(await page.locator('#error').innerText(), /401 ATRIUM_ERR_ADMIN_UNAUTHORIZED/)
    await page.screenshot({ path: join(SHOTS, 'login.png'), fullPage: true })
    await page.fill('#token', TOKEN)
    await page.click('form.login button[type=submit]')
    await page.locator('form.create-package').waitFor()
  })

  let packageId = ''
  await t.test('create a package, add a version; the catalog searches and filters it; API data is never markup', async () => {
    await page.fill('form.create-package input[name=name]', 'Orders')
    await page.fill('form.create-package input[name=description]', 'Orders <img src=x onerror=alert(1)>')
    await page.click('form.create-package button.add-label')
    await page.fill('form.create-package input[name=label-key]', 'team')
    await page.fill('form.create-package input[name=label-value]', 'shop')
    await page.click('form.create-package button[type=submit]')
    await page.locator('h1.package-name').waitFor()
    packageId = decodeURIComponent(new URL(page.url()).hash.split('/')[2])
    assert.equal(await page.locator('p.description').innerText(), 'Orders <img src=x onerror=alert(1)>')
    await page.fill('form.add-version input[name=version]', 'v1')
    await page.selectOption('form.add-version select[name=status]', 'published')
    await page.click('form.add-version button[type=submit]')
    await page.locator('tr.version[data-version=v1]').waitFor()
    assert.match(await page.locator('tr.version[data-version=v1]').innerText(), /v1\s+production/)
    assert.equal(await page.locator('tr.version[data-version=v1] select[name=version-status]').inputValue(), 'published')

    // A validation error shows the API's code, message and fields.
    await page.fill('form.add-version input[name=version]', 'v1')
    await page.click('form.add-version button[type=submit]')
    await page.locator('#error .code').waitFor()
    assert.match(await page.locator('#error').innerText(), /409 ATRIUM_ERR_ADMIN_CONFLICT/)

    await page.goto(`${base}/ui/#/catalog?q=ord&labels=team%3Ashop`)
    await page.locator('a.package-link').waitFor()
    assert.equal(await page.locator('a.package-link').innerText(), 'Orders')
    await page.goto(`${base}/ui/#/catalog?labels=team%3Aother`)
    await page.locator('#package-list p.empty').waitFor()
    await page.goto(`${base}/ui/#/catalog`)
    await page.locator('a.package-link').waitFor()
    await page.screenshot({ path: join(SHOTS, 'catalog.png'), fullPage: true })
    assert.deepEqual(dialogs, [])
  })

  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())
  await t.test('an implementation with a route serves traffic through the node', async () => {
    const versions = await admin('GET', `/service-packages/${packageId}/versions`)
    const vid = versions.data[0].id as string
    await admin('PUT', `/service-packages/${packageId}/versions/${vid}/implementation`, { service: { name: 'orders', url: `http://127.0.0.1:${up.port}` } })
    await admin('POST', '/runtime-groups/production/routes', { name: 'orders', paths: ['/orders'], service: { name: 'orders' } })
    await waitUntil('the node serves /orders', async () => (await httpCall(`${node.proxy}/orders/x`, { agent })).status === 200, 15_000)
    for (let i = 0; i < 19; i++) assert.equal((await httpCall(`${node.proxy}/orders/x`, { agent })).status, 200)
    for (let i = 0; i < 3; i++) assert.equal((await httpCall(`${node.proxy}/orders/x?status=404`, { agent })).status, 404)
    for (let i = 0; i < 2; i++) assert.equal((await httpCall(`${node.proxy}/orders/x?status=503`, { agent })).status, 503)
    const to = Math.floor(Date.now() / 1000) + 60
    await waitUntil('the CP has the 25 requests', async () => {
      const r = await admin('GET', `/analytics/requests?service_package=${packageId}&from=${to - 3600}&to=${to}`)
      return r.series[0]?.total.requests === 25
    }, 20_000)
  })

  await t.test('upload a markdown document and a spec; the dashboard lists them with the routes and operations', async () => {
    await page.goto(`${base}/ui/#/packages/${packageId}`)
    await page.locator('form.document-form').waitFor()
    assert.match(await page.locator('tr.version[data-version=v1] td.routes').innerText(), /\/orders/)
    await page.fill('form.document-form input[name=title]', 'Getting started')
    await page.setInputFiles('form.document-form input[name=markdown-file]', { name: 'start.md', mimeType: 'text/markdown', buffer: Buffer.from('# Getting started\n\nCall `GET /orders`.\n') })
    await waitUntil('the file is read into the editor', async () => (await page.locator('form.document-form textarea').inputValue()).startsWith('# Getting started'))
    await page.check('form.document-form input[name=doc-published]')
    await page.click('form.document-form button[type=submit]')
    await page.locator('tr.document[data-slug=getting-started]').waitFor()
    assert.match(await page.locator('tr.document[data-slug=getting-started]').innerText(), /Getting started\s+getting-started/)
    assert.equal(await page.locator('tr.document[data-slug=getting-started] input[type=checkbox]').isChecked(), true)
    const doc = await admin('GET', `/service-packages/${packageId}/documents/getting-started`)
    assert.equal(doc.content, '# Getting started\n\nCall `GET /orders`.\n')
    assert.equal(doc.status, 'published')

    // The publish toggles write at once.
    await page.selectOption('tr.version[data-version=v1] select[name=version-status]', 'deprecated')
    await waitUntil('the version is deprecated', async () => (await admin('GET', `/service-packages/${packageId}/versions`)).data[0].status === 'deprecated')
    await page.uncheck('tr.document[data-slug=getting-started] input[type=checkbox]')
    await waitUntil('the document is unpublished', async () => (await admin('GET', `/service-packages/${packageId}/documents/getting-started`)).status === 'unpublished')

    await page.fill('form.spec-form textarea', 'openapi: 3.1.0\ninfo: {title: broken}\n')
    await page.click('form.spec-form button[type=submit]')
    await page.locator('#error .fields li').first().waitFor()
    assert.match(await page.locator('#error').innerText(), /400 ATRIUM_ERR_ADMIN_INVALID/)
    await page.fill('form.spec-form textarea', PETS_YAML)
    await page.click('form.spec-form button[type=submit]')
    await page.locator('tr.version[data-version=v1] button:has-text("Details")').waitFor()
    await page.click('tr.version[data-version=v1] button:has-text("Details")')
    await page.locator('ul.operations li').first().waitFor()
    assert.match(await page.locator('ul.operations').innerText(), /GET \/pets/)
  })

  await t.test('the analytics panel charts the traffic sent through the node', async () => {
    await page.locator('#chart-latency canvas').first().waitFor()
    assert.match(await page.locator('#analytics p.totals').innerText(), /Requests 25 · 4xx 3 · 5xx 2 · p50 [\d.]+ ms/)
    for (const id of ['chart-traffic', 'chart-errors', 'chart-latency']) {
      const box = await page.locator(`#${id} canvas`).first().boundingBox()
      assert.ok(box !== null && box.width > 100 && box.height > 50, `${id} has a drawn canvas`)
    }
    // Every window can be chosen; 30 days asks per hour.
    await page.selectOption('#analytics select[name=window]', String(30 * 86_400))
    await waitUntil('the 30-day window is drawn', async () => (await page.locator('#analytics select[name=window]').inputValue()) === String(30 * 86_400))
    await page.locator('#chart-traffic canvas').first().waitFor()
    assert.match(await page.locator('#analytics p.totals').innerText(), /Requests 25 /)
    await page.selectOption('#analytics select[name=window]', '900')
    await page.locator('#chart-traffic canvas').first().waitFor()
    await page.screenshot({ path: join(SHOTS, 'package-dashboard.png'), fullPage: true })
  })

  await t.test('the runtime groups page lists the connected node and its sync status', async () => {
    await page.goto(`${base}/ui/#/runtime-groups`)
    await page.locator('section.runtime-group[data-name=production] tr.node').waitFor()
    const row = await page.locator('section.runtime-group[data-name=production] tr.node').innerText()
    assert.match(row, /connected/)
    assert.match(row, /in_sync/)
    await page.screenshot({ path: join(SHOTS, 'runtime-groups.png'), fullPage: true })
    assert.deepEqual(dialogs, [], 'no payload ran')
  })

  await t.test('a version balanced over an upstream shows the node\'s target health, and its marks steer the node', async () => {
    await admin('POST', '/runtime-groups/production/upstreams', { name: 'orders.upstream', healthchecks: { passive: { unhealthy: { http_failures: 3 } } } })
    const target = `127.0.0.1:${up.port}`
    await admin('POST', '/runtime-groups/production/upstreams/orders.upstream/targets', { target })
    await admin('PATCH', '/runtime-groups/production/services/orders', { host: 'orders.upstream' })
    await waitUntil('the node balances /orders over the upstream', async () => {
      const row = (await admin('GET', '/runtime-groups/production/upstreams/orders.upstream/health')).data[0]
      return row?.health === 'HEALTHY' && (await httpCall(`${node.proxy}/orders/x`, { agent })).status === 200
    }, 15_000)
    await page.goto(`${base}/ui/#/packages/${packageId}`)
    await page.click('tr.version[data-version=v1] button:has-text("Details")')
    const nodeRow = page.locator('table.upstream-health tr.node-health')
    await nodeRow.waitFor()
    assert.match(await page.locator('.upstream h3').innerText(), /Upstream orders\.upstream \(round-robin\)/)
    assert.match(await nodeRow.innerText(), new RegExp(`HEALTHY[\\s\\S]*${target.replace(/\./g, '\\.')}\\s+HEALTHY`))
    await page.click(`table.targets tr[data-target="${target}"] button.mark-unhealthy`)
    await waitUntil('the node refuses /orders: its only target is unhealthy', async () => (await httpCall(`${node.proxy}/orders/x`, { agent })).status === 503, 15_000)
    await waitUntil('the page shows the target UNHEALTHY', async () => {
      if (/UNHEALTHY/.test(await page.locator(`table.upstream-health li[data-target="${target}"]`).innerText())) return true
      await page.click('.upstream button.refresh') // the node reports within a second of a change
      return false
    }, 15_000)
    await page.screenshot({ path: join(SHOTS, 'upstream-health.png'), fullPage: true })
    await page.click(`table.targets tr[data-target="${target}"] button.mark-healthy`)
    await waitUntil('the node serves /orders again', async () => (await httpCall(`${node.proxy}/orders/x`, { agent })).status === 200, 15_000)
    assert.deepEqual(dialogs, [])
  })

  await t.test('a viewer token browses and gets the API\'s 403 on a write', async () => {
    await page.goto(`${base}/ui/#/catalog`)
    await page.locator('a.package-link').waitFor()
    await page.click('#logout')
    await page.locator('form.login').waitFor()
    await page.fill('#token', VIEWER)
    await page.click('form.login button[type=submit]')
    await page.locator('a.package-link').waitFor()
    await page.fill('form.create-package input[name=name]', 'Nope')
    await page.click('form.create-package button[type=submit]')
    await page.locator('#error .code').waitFor()
    assert.match(await page.locator('#error').innerText(), /403 ATRIUM_ERR_ADMIN_FORBIDDEN/)
  })
})

test('without admin tokens the Service Hub UI opens on the catalog with no sign-in prompt, from / too', async (t) => {
  const { base } = await startHub(t)
  const { page } = await openHubPage(t)
  await page.goto(`${base}/`)
  await page.locator('form.create-package').waitFor()
  assert.equal(new URL(page.url()).pathname, '/ui/', 'the root redirects to the UI')
  assert.equal(await page.locator('form.login').count(), 0)
  assert.equal(await page.locator('#logout').isHidden(), true, 'nothing to sign out of')
  await page.goto(`${base}/ui/#/runtime-groups`)
  await page.locator('#app p.empty').waitFor()
  assert.equal(await page.locator('form.login').count(), 0)
})
