import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { openBrowser } from '../../support/browser.js'
import { PETS_YAML, xssSpec } from './spec-fixtures.js'
import { startPortalKit, XSS_MARKDOWN, type PortalKit } from './portal-kit.js'

// The Dev Portal in a real browser (Debian's Chromium driven by playwright-core): a package built
// through the Admin API (versions in two runtime groups, a spec, a markdown document) appears once
// published, with its markdown rendered and its API reference drawn by Swagger UI; unpublished, it
// is gone; payloads in markdown and in spec descriptions never run. One browser, one page for the
// whole file. Screenshots go to test-results/portal/.

const SHOTS = join('test-results', 'portal')

async function ok (p: Promise<{ status: number, text: string, body: any }>): Promise<any> {
  const r = await p
  assert.ok(r.status < 300, `${r.status} ${r.text}`)
  return r.body
}

async function build (kit: PortalKit): Promise<{ prod: string, staging: string }> {
  const a = kit.admin
  await ok(a('POST', '/runtime-groups', { name: 'production' }))
  await ok(a('POST', '/runtime-groups', { name: 'staging' }))
  await ok(a('POST', '/service-packages', { name: 'Pet Store', slug: 'pet-store', description: 'Adopt a pet.', labels: { team: 'animals' } }))
  const prod = (await ok(a('POST', '/service-packages/pet-store/versions', { version: 'v1', runtime_group: 'production' }))).id
  const staging = (await ok(a('POST', '/service-packages/pet-store/versions', { version: 'v2', runtime_group: 'staging' }))).id
  await ok(a('PUT', `/service-packages/pet-store/versions/${prod}/implementation`, { service: { name: 'pets', url: 'http://127.0.0.1:9/pets' } }))
  await ok(a('POST', '/runtime-groups/production/routes', { name: 'pets', paths: ['/pets'], hosts: ['api.example.com'], service: { name: 'pets' } }))
  await ok(a('PUT', `/service-packages/pet-store/versions/${staging}/implementation`, { service: { name: 'pets', url: 'http://127.0.0.1:9/pets' } }))
  await ok(a('POST', '/runtime-groups/staging/routes', { name: 'pets', paths: ['/v2/pets'], service: { name: 'pets' } }))
  await ok(a('PUT', `/service-packages/pet-store/versions/${prod}/spec`, PETS_YAML, 'application/yaml'))
  await ok(a('PUT', `/service-packages/pet-store/versions/${staging}/spec`, PETS_YAML.replace('2.1.0', '3.0.0'), 'application/yaml'))
  await ok(a('POST', '/service-packages/pet-store/documents', { title: 'Getting started', content: '# Getting started\n\nCall **GET /pets** to list pets.\n\n- one\n- two\n' }))
  return { prod, staging }
}

test('a package built through the Admin API shows in the portal once published, with rendered markdown and a Swagger UI reference, and goes away when unpublished; payloads never run', async (t) => {
  const kit = await startPortalKit(t, 'sqlite')
  const { prod, staging } = await build(kit)
  const browser = await openBrowser()
  t.after(browser.close)
  const { page } = browser
  mkdirSync(SHOTS, { recursive: true })
  const dialogs: string[] = []
  const cspErrors: string[] = []
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss() })
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text()) })
  const visit = async (path: string): Promise<number> => (await page.goto(kit.portalUrl + path, { waitUntil: 'load' }))?.status() ?? 0

  await t.test('nothing shows before it is published', async () => {
    assert.equal(await visit('/'), 200)
    assert.equal(await page.locator('a[href="/packages/pet-store"]').count(), 0)
    assert.equal(await visit('/packages/pet-store'), 404)
  })

  await t.test('published: home, package page, markdown and the API reference render', async () => {
    await ok(kit.admin('PATCH', '/service-packages/pet-store', { portal_published: true }))
    await ok(kit.admin('PATCH', `/service-packages/pet-store/versions/${prod}`, { status: 'published' }))
    await ok(kit.admin('PATCH', `/service-packages/pet-store/versions/${staging}`, { status: 'deprecated' }))
    await ok(kit.admin('PATCH', '/service-packages/pet-store/documents/getting-started', { status: 'published' }))

    assert.equal(await visit('/'), 200)
    await page.locator('a[href="/packages/pet-store"]').waitFor()
    await page.screenshot({ path: join(SHOTS, 'home.png'), fullPage: true })
    await page.click('a[href="/packages/pet-store"]')
    await page.locator('table.versions').waitFor()
    const table = await page.locator('table.versions').innerText()
    assert.match(table, /v1\s+production\s+PUBLISHED/i)
    assert.match(table, /v2\s+staging\s+DEPRECATED/i)
    assert.match(table, /https:\/\/api\.example\.com\/pets/, 'the route URL in production')
    assert.match(table, /\/v2\/pets/, 'the route URL in staging')
    await page.screenshot({ path: join(SHOTS, 'package.png'), fullPage: true })

    await page.click('nav.docs-nav a:has-text("Getting started")')
    await page.locator('article.markdown h1').waitFor()
    assert.equal(await page.locator('article.markdown h1').innerText(), 'Getting started')
    assert.equal(await page.locator('article.markdown strong').innerText(), 'GET /pets')
    assert.equal(await page.locator('article.markdown li').count(), 2)
    await page.screenshot({ path: join(SHOTS, 'document.png'), fullPage: true })

    assert.equal(await visit(`/packages/pet-store/versions/${prod}`), 200)
    await page.locator('#swagger-ui .opblock').first().waitFor({ timeout: 15_000 })
    assert.equal(await page.locator('#swagger-ui .opblock').count(), 3, 'three operations drawn by Swagger UI')
    assert.match(await page.locator('#swagger-ui .info .title').innerText(), /Pets API/)
    assert.match(await page.locator('#swagger-ui').innerText(), /List pets/)
    assert.equal(await page.locator('.banner.deprecated').count(), 0)
    await page.screenshot({ path: join(SHOTS, 'api-reference.png'), fullPage: true })

    assert.equal(await visit(`/packages/pet-store/versions/${staging}`), 200)
    assert.match(await page.locator('.banner.deprecated').innerText(), /deprecated/)
    await page.locator('#swagger-ui .opblock').first().waitFor({ timeout: 15_000 })
    await page.screenshot({ path: join(SHOTS, 'deprecated-version.png'), fullPage: true })
    assert.deepEqual(cspErrors, [], 'the pages and Swagger UI work under the CSP')
  })

  await t.test('unpublished: the version, then the package, are gone', async () => {
    await ok(kit.admin('PATCH', `/service-packages/pet-store/versions/${prod}`, { status: 'unpublished' }))
    assert.equal(await visit(`/packages/pet-store/versions/${prod}`), 404)
    assert.equal(await visit('/packages/pet-store'), 200)
    assert.doesNotMatch(await page.locator('table.versions').innerText(), /production/)
    await ok(kit.admin('PATCH', '/service-packages/pet-store', { portal_published: false }))
    assert.equal(await visit('/'), 200)
    assert.equal(await page.locator('a[href="/packages/pet-store"]').count(), 0)
    assert.equal(await visit('/packages/pet-store/docs/getting-started'), 404)
  })

  await t.test('payloads in markdown and in spec descriptions do not run', async () => {
    await ok(kit.admin('POST', '/service-packages', { name: 'Evil', slug: 'evil', portal_published: true }))
    const v = (await ok(kit.admin('POST', '/service-packages/evil/versions', { version: 'v1', runtime_group: 'production', status: 'published' }))).id
    await ok(kit.admin('PUT', `/service-packages/evil/versions/${v}/spec`, xssSpec('evil-marker'), 'application/json'))
    await ok(kit.admin('POST', '/service-packages/evil/documents', { title: 'Payloads', slug: 'payloads', status: 'published', content: XSS_MARKDOWN }))

    assert.equal(await visit('/packages/evil/docs/payloads'), 200)
    await page.locator('article.markdown').waitFor()
    assert.match(await page.locator('article.markdown').innerText(), /Safe text after the payloads/)
    for (const link of await page.locator('article.markdown a').all()) await link.click({ trial: false, noWaitAfter: true }).catch(() => {})
    await page.locator('article.markdown').hover()
    await page.screenshot({ path: join(SHOTS, 'xss-markdown.png'), fullPage: true })

    assert.equal(await visit(`/packages/evil/versions/${v}`), 200)
    await page.locator('#swagger-ui .opblock').first().waitFor({ timeout: 15_000 })
    await page.locator('#swagger-ui .opblock-summary').first().click()
    await page.locator('#swagger-ui .opblock-body').first().waitFor()
    assert.match(await page.locator('#swagger-ui').innerText(), /evil-marker/, 'the descriptions were rendered')
    for (const link of await page.locator('#swagger-ui .markdown a, #swagger-ui .renderedMarkdown a').all()) await link.click({ noWaitAfter: true }).catch(() => {})
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(SHOTS, 'xss-spec.png'), fullPage: true })
    assert.equal(await page.evaluate('typeof window.__xss'), 'undefined', 'no payload set window.__xss')
    assert.deepEqual(dialogs, [], 'no payload opened a dialog')
  })
})
