import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { SECRET, seedCatalog, startPortalKit, type PortalKit } from './portal-kit.js'

// The Dev Portal over HTTP: what is published is shown, nothing unpublished is in any response
// (pages, the spec JSON, assets), values are escaped, markdown is sanitised, the portal is
// read-only and sends its security headers. Both stores.

function links (body: string): string[] {
  const out: string[] = []
  for (const m of body.matchAll(/(?:href|src|data-spec-url)="([^"]+)"/g)) out.push(m[1].replaceAll('&amp;', '&'))
  return out.filter((u) => u.startsWith('/'))
}

/** Every same-origin page, asset and JSON reachable from the home page, with its body. */
async function crawl (kit: PortalKit): Promise<Map<string, string>> {
  const seen = new Map<string, string>()
  const queue = ['/']
  while (queue.length > 0 && seen.size < 200) {
    const path = queue.shift() as string
    if (seen.has(path)) continue
    const r = await kit.portal(path)
    assert.equal(r.status, 200, `${path} is linked from the portal`)
    seen.set(path, r.body)
    if (String(r.headers['content-type']).startsWith('text/html')) for (const l of links(r.body)) if (!seen.has(l)) queue.push(l)
  }
  return seen
}

describeStores((store) => {
  test('the portal shows published packages, documents, versions with their routes and specs, and nothing unpublished anywhere', async (t) => {
    const kit = await startPortalKit(t, store)
    const seeded = await seedCatalog(kit)
    const pages = await crawl(kit)
    const all = [...pages.keys()]
    for (const expected of ['/packages/pets', '/packages/pets/docs/guide', '/packages/pets/docs/details', `/packages/pets/versions/${seeded.versions.v1prod}`,
      `/api/packages/pets/versions/${seeded.versions.v1prod}/spec.json`, `/api/packages/pets/versions/${seeded.versions.v1staging}/spec.json`,
      '/assets/portal.css', '/assets/swagger-ui/swagger-ui-bundle.js', '/assets/api-reference.js', '/packages/evil']) {
      assert.ok(all.includes(expected), `${expected} is reachable (got ${all.join(', ')})`)
    }
    for (const [path, body] of pages) assert.ok(!body.includes(SECRET), `${path} shows nothing unpublished`)

    const pets = pages.get('/packages/pets') as string
    assert.match(pets, /https:\/\/api\.example\.com\/pets/, 'the production route URL')
    assert.match(pets, /GET \/staging\/pets/, 'the staging route (any host) with its method')
    assert.match(pets, /production/)
    assert.match(pets, /staging/)
    assert.match(pets, /status-deprecated/)
    assert.ok(!pets.includes('>v2<'), 'the unpublished version is not listed')
    const staging = await kit.portal(`/packages/pets/versions/${seeded.versions.v1staging}`)
    assert.match(staging.body, /class="banner deprecated"/)
    assert.ok(!(pages.get(`/packages/pets/versions/${seeded.versions.v1prod}`) as string).includes('banner deprecated'))
    const spec = JSON.parse(pages.get(`/api/packages/pets/versions/${seeded.versions.v1prod}/spec.json`) as string)
    assert.equal(spec.info.title, 'Pets API')
    const guide = pages.get('/packages/pets/docs/guide') as string
    assert.match(guide, /<h1>Pets guide<\/h1>/)
    assert.match(guide, /<strong>bold<\/strong>/)
    assert.match(pages.get('/packages/pets/docs/details') as string, /<table>/)
    assert.match(guide, /href="\/packages\/pets\/docs\/details"/, 'the navigation shows the child document')

    for (const hidden of ['/packages/secret-pkg', '/packages/secret-pkg/docs/doc', '/packages/pets/docs/draft', '/packages/pets/docs/orphan',
      `/packages/pets/versions/${seeded.versions.v2hidden}`, `/api/packages/pets/versions/${seeded.versions.v2hidden}/spec.json`,
      `/packages/secret-pkg/versions/${seeded.versions.v1prod}`, `/?q=${SECRET}`, '/?labels=team:hidden', '/packages/Pets']) {
      const r = await kit.portal(hidden)
      if (hidden.startsWith('/?')) assert.match(r.body, /No APIs match/, `${hidden} finds nothing (the query itself is echoed in the search box)`)
      else {
        assert.ok(!r.body.includes(SECRET), `${hidden} leaks nothing`)
        assert.equal(r.status, 404, hidden)
      }
    }
    assert.ok(!(await kit.portal('/')).body.includes('team: hidden'), 'labels of unpublished packages are not offered as filters')
  })

  test('unpublishing a package, version or document takes it off the portal at once', async (t) => {
    const kit = await startPortalKit(t, store)
    const seeded = await seedCatalog(kit)
    const v1 = `/packages/pets/versions/${seeded.versions.v1prod}`
    assert.equal((await kit.portal(v1)).status, 200)
    assert.equal((await kit.admin('PATCH', `/service-packages/pets/versions/${seeded.versions.v1prod}`, { status: 'unpublished' })).status, 200)
    assert.equal((await kit.portal(v1)).status, 404)
    assert.equal((await kit.portal(`/api/packages/pets/versions/${seeded.versions.v1prod}/spec.json`)).status, 404)
    assert.ok(!(await kit.portal('/packages/pets')).body.includes('api.example.com'))

    assert.equal((await kit.admin('PATCH', '/service-packages/pets/documents/guide', { status: 'unpublished' })).status, 200)
    assert.equal((await kit.portal('/packages/pets/docs/guide')).status, 404)
    assert.equal((await kit.portal('/packages/pets/docs/details')).status, 404, 'a child goes with its parent')

    assert.equal((await kit.admin('PATCH', '/service-packages/pets', { portal_published: false })).status, 200)
    assert.equal((await kit.portal('/packages/pets')).status, 404)
    assert.ok(!(await kit.portal('/')).body.includes('/packages/pets'))
    assert.equal((await kit.portal(`/packages/pets/versions/${seeded.versions.v1staging}`)).status, 404)
  })

  test('the home page searches like the Admin API and filters by label', async (t) => {
    const kit = await startPortalKit(t, store)
    await seedCatalog(kit)
    await kit.admin('POST', '/service-packages', { name: 'Weather', description: 'forecasts', labels: { team: 'sky' }, portal_published: true })
    const names = (body: string): string[] => [...body.matchAll(/<h2><a href="\/packages\/([^"]+)">/g)].map((m) => m[1])
    assert.deepEqual(names((await kit.portal('/')).body), ['evil', 'pets', 'weather'])
    assert.deepEqual(names((await kit.portal('/?q=FORECAST')).body), ['weather'])
    assert.deepEqual(names((await kit.portal('/?q=animals')).body), ['pets'], 'q matches label values, as in the Admin API')
    assert.deepEqual(names((await kit.portal('/?labels=team:sky')).body), ['weather'])
    assert.deepEqual(names((await kit.portal('/?labels=team:sky&labels=kind:test')).body), [])
    const home = (await kit.portal('/')).body
    assert.match(home, /href="\/\?labels=team%3Asky"/, 'label filters are links')
    assert.equal((await kit.portal('/?labels=broken')).status, 400)
    assert.equal((await kit.portal('/?next=nonsense')).status, 400)
  })

  test('values are escaped and markdown is sanitised', async (t) => {
    const kit = await startPortalKit(t, store)
    await seedCatalog(kit)
    const home = (await kit.portal('/')).body
    assert.ok(home.includes('Evil &lt;script&gt;window.__xss=&quot;name&quot;&lt;/script&gt;'), 'the package name is escaped')
    assert.ok(home.includes('&quot;&gt;&lt;img src=x onerror='), 'the description is escaped')
    assert.ok(home.includes('Pets &amp; friends &lt;b&gt;API&lt;/b&gt;'))
    const doc = (await kit.portal('/packages/evil/docs/payloads')).body
    const article = doc.slice(doc.indexOf('<article'), doc.indexOf('</article>'))
    assert.match(article, /Safe text after the payloads/)
    for (const bad of [/<script/i, /\son\w+=/i, /javascript:/i, /<iframe/i, /<svg/i, /<form/i, /style=/i]) assert.doesNotMatch(article, bad)
    assert.ok(!doc.includes('<script>window'), 'no payload script anywhere on the page')
  })

  test('the portal is read-only, serves no Admin API and sends its security headers', async (t) => {
    const kit = await startPortalKit(t, store)
    await seedCatalog(kit)
    for (const path of ['/', '/packages/pets', '/assets/portal.css', '/nothing']) {
      const r = await kit.portal(path)
      const csp = String(r.headers['content-security-policy'])
      assert.match(csp, /default-src 'none'/)
      assert.match(csp, /script-src 'self'(;|$)/)
      assert.match(csp, /frame-ancestors 'none'/)
      assert.equal(r.headers['x-content-type-options'], 'nosniff')
      assert.equal(r.headers['x-frame-options'], 'DENY')
    }
    for (const path of ['/service-packages', '/service-packages/pets', '/runtime-groups', '/openapi.json', '/ui', '/assets/../package.json', '/assets/swagger-ui/index.html', '/assets/swagger-ui/swagger-ui-bundle.js.map']) {
      assert.equal((await kit.portal(path)).status, 404, path)
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await kit.portal('/service-packages', method)
      assert.equal(r.status, 405, method)
      assert.equal(r.headers.allow, 'GET, HEAD')
    }
    const head = await kit.portal('/packages/pets', 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body, '')
    assert.equal((await kit.admin('GET', '/service-packages/pets')).status, 200, 'the Admin API is on its own listener')
  })
})
