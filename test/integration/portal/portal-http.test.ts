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
    for (const expected of ['/packages/pets', '/packages/pets/docs/guide', '/packages/pets/docs/details', '/packages/pets/versions/v1',
      '/api/packages/pets/versions/v1/spec.json?environment=production', '/api/packages/pets/versions/v1/spec.json?environment=staging',
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
    const v1 = pages.get('/packages/pets/versions/v1') as string
    const section = (env: string): string => v1.slice(v1.indexOf(`data-environment="${env}"`), v1.indexOf('</section>', v1.indexOf(`data-environment="${env}"`)))
    assert.match(section('staging'), /class="banner deprecated"/, 'deprecated in staging')
    assert.doesNotMatch(section('production'), /banner deprecated/, 'not in production')
    const spec = JSON.parse(pages.get('/api/packages/pets/versions/v1/spec.json?environment=production') as string)
    assert.equal(spec.info.title, 'Pets API')
    assert.equal(JSON.parse(pages.get('/api/packages/pets/versions/v1/spec.json?environment=staging') as string).info.title, 'Users API')
    const guide = pages.get('/packages/pets/docs/guide') as string
    assert.match(guide, /<h1>Pets guide<\/h1>/)
    assert.match(guide, /<strong>bold<\/strong>/)
    assert.match(pages.get('/packages/pets/docs/details') as string, /<table>/)
    assert.match(guide, /href="\/packages\/pets\/docs\/details"/, 'the navigation shows the child document')

    for (const hidden of ['/packages/secret-pkg', '/packages/secret-pkg/docs/doc', '/packages/pets/docs/draft', '/packages/pets/docs/orphan',
      `/packages/pets/versions/${seeded.versions.v2hidden}`, `/api/packages/pets/versions/${seeded.versions.v2hidden}/spec.json`,
      '/packages/pets/versions/v2', '/api/packages/pets/versions/v2/spec.json', '/packages/pets/versions/v1?environment=nowhere',
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
    const v1 = '/packages/pets/versions/v1?environment=production'
    assert.equal((await kit.portal(v1)).status, 200)
    assert.equal((await kit.admin('PATCH', `/service-packages/pets/versions/${seeded.versions.v1prod}`, { status: 'unpublished' })).status, 200)
    assert.equal((await kit.portal(v1)).status, 404, 'v1 is no longer in production')
    assert.equal((await kit.portal('/api/packages/pets/versions/v1/spec.json?environment=production')).status, 404)
    assert.equal((await kit.portal(`/packages/pets/versions/${seeded.versions.v1prod}`)).status, 404, 'nor its old id URL')
    assert.equal((await kit.portal('/packages/pets/versions/v1')).status, 200, 'v1 is still in staging')
    assert.ok(!(await kit.portal('/packages/pets')).body.includes('api.example.com'))

    assert.equal((await kit.admin('PATCH', '/service-packages/pets/documents/guide', { status: 'unpublished' })).status, 200)
    assert.equal((await kit.portal('/packages/pets/docs/guide')).status, 404)
    assert.equal((await kit.portal('/packages/pets/docs/details')).status, 404, 'a child goes with its parent')

    assert.equal((await kit.admin('PATCH', '/service-packages/pets', { portal_published: false })).status, 200)
    assert.equal((await kit.portal('/packages/pets')).status, 404)
    assert.ok(!(await kit.portal('/')).body.includes('/packages/pets'))
    assert.equal((await kit.portal('/packages/pets/versions/v1')).status, 404)
  })

  test('versions: one row per version name with its environments, URLs by name (id URLs move there), Reachable at from public_url with readable regex paths and no internal names', async (t) => {
    const kit = await startPortalKit(t, store)
    const seeded = await seedCatalog(kit)
    const ok = async (r: Promise<{ status: number, text: string }>): Promise<void> => { const a = await r; assert.ok(a.status < 300, a.text) }
    await ok(kit.admin('PATCH', '/runtime-groups/staging', { public_url: 'https://staging.example.net:8443/gw/' }))
    await ok(kit.admin('PATCH', '/runtime-groups/production', { public_url: 'https://api.example.com' }))
    await ok(kit.admin('POST', '/runtime-groups/staging/routes', { name: 'pets-by-id-internal', paths: ['~/staging/pets/(?<pet_id>[0-9]+)/toys/(\\d+)$'], methods: ['GET', 'DELETE'], service: { name: 'pets-staging' } }))
    await ok(kit.admin('POST', '/runtime-groups/staging/routes', { name: 'pets-search-internal', paths: ['~/staging/(cats|dogs)+/search'], service: { name: 'pets-staging' } }))
    await ok(kit.admin('POST', '/runtime-groups/staging/routes', { name: 'pets-other-host', paths: ['/other'], hosts: ['other.example.org'], service: { name: 'pets-staging' } }))

    const pkg = (await kit.portal('/packages/pets')).body
    const rows = [...pkg.matchAll(/<tr>\s*<td><a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]])
    assert.deepEqual(rows, [['/packages/pets/versions/v1', 'v1']], 'v1 is one row, whatever the number of environments')
    const row = pkg.slice(pkg.indexOf('<tbody>'), pkg.indexOf('</tbody>'))
    assert.match(row, /production <span class="status status-published">/)
    assert.match(row, /staging <span class="status status-deprecated">/)
    assert.ok(row.indexOf('production') < row.indexOf('staging'), 'environments in the order the groups were made')
    assert.match(row, /<code>https:\/\/api\.example\.com\/pets<\/code>/, "production's public_url and the route path")
    assert.match(row, /<code>GET https:\/\/staging\.example\.net:8443\/gw\/staging\/pets<\/code>/, "staging's public_url (port and path kept, trailing slash dropped)")
    assert.match(row, /<code>GET, DELETE https:\/\/staging\.example\.net:8443\/gw\/staging\/pets\/\{pet_id\}\/toys\/\{param1\}<\/code>/, 'a regex route as a path template')
    assert.match(row, /<code>https:\/\/staging\.example\.net:8443\/gw <\/code>paths matching <code class="pattern">\/staging\/\(cats\|dogs\)\+\/search<\/code>/, 'a pattern with no template shown as one')
    assert.match(row, /<code>https:\/\/other\.example\.org:8443\/gw\/other<\/code>/, 'a route on another host is shown on that host')
    for (const internal of ['pets-prod', 'pets-staging', 'pets-public', '-internal', 'pets-other-host', seeded.versions.v1prod, seeded.versions.v1staging, '127.0.0.1']) {
      assert.ok(!pkg.includes(internal), `the package page does not show ${internal}`)
    }

    const page = await kit.portal('/packages/pets/versions/v1')
    assert.equal(page.status, 200)
    assert.match(page.body, /data-spec-url="\/api\/packages\/pets\/versions\/v1\/spec\.json\?environment=production"/, 'the first environment with a spec by default')
    assert.match(page.body, /href="\/packages\/pets\/versions\/v1\?environment=staging"/, 'the other environment\'s reference is a link')
    const staging = await kit.portal('/packages/pets/versions/v1?environment=staging')
    assert.match(staging.body, /data-spec-url="\/api\/packages\/pets\/versions\/v1\/spec\.json\?environment=staging"/)
    for (const internal of ['pets-staging', '-internal', seeded.versions.v1staging]) assert.ok(!staging.body.includes(internal), `the version page does not show ${internal}`)

    const moved = await kit.portal(`/packages/pets/versions/${seeded.versions.v1staging}`)
    assert.equal(moved.status, 301, 'an id URL moves to the name URL')
    assert.equal(moved.headers.location, '/packages/pets/versions/v1?environment=staging')
    const movedSpec = await kit.portal(`/api/packages/pets/versions/${seeded.versions.v1prod}/spec.json`)
    assert.equal(movedSpec.status, 301)
    assert.equal(movedSpec.headers.location, '/api/packages/pets/versions/v1/spec.json?environment=production')

    await ok(kit.admin('PATCH', '/runtime-groups/production', { public_url: null }))
    assert.match((await kit.portal('/packages/pets')).body, /<code>https:\/\/api\.example\.com\/pets<\/code>/, 'without public_url: the route host with its scheme')
    await ok(kit.admin('PATCH', '/runtime-groups/staging', { public_url: null }))
    assert.match((await kit.portal('/packages/pets')).body, /<code>GET \/staging\/pets<\/code>/, 'a route on any host: the path alone')
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
