import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { SHOTS, openHubPage, startHub } from './hub-kit.js'
import { httpCall, type SimpleResponse } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { startNodeProcess, tempDir, waitUntil, type NodeProcess } from '../hybrid/hybrid-kit.js'

// The Service Hub workflow of a service owner, in a real browser against a real control plane and
// one real node per runtime group: groups development / staging / production made in the UI (a
// public URL for production); a package "Payments" with v1 in production and v2 in development; v2's
// implementation with two routes, one a `~` regex; plugins at route, version and package scope, each
// checked by requests through the nodes; v2 promoted dev → staging → production from its row, the
// diff shown first, with an overlay (the service URL and the rate limit differ per environment); a
// second promotion changes nothing; the catalog list, the Dev Portal and the analytics per version
// show the result; last, a consumer with a key and key-auth on production's v2 only.
// Screenshots in test-results/ui/.

const GROUPS = ['development', 'staging', 'production'] as const
type Group = typeof GROUPS[number]

/** An upstream that says which environment it is, with the request it got. */
function backend (env: Group) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    req.resume()
    req.on('end', () => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ env, url: req.url, headers: req.headers }))
    })
  }
}

test('a version goes from development to production through the Service Hub UI, with its routes, its plugins at every scope and a per-environment overlay', async (t) => {
  const { base, portal, cluster, call } = await startHub(t)
  const backends = Object.fromEntries(await Promise.all(GROUPS.map(async (g) => [g, `http://127.0.0.1:${(await startUpstream(t, backend(g))).port}`]))) as Record<Group, string>
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())

  const { page, dialogs } = await openHubPage(t)

  const nodes = {} as Record<Group, NodeProcess>
  const through = async (group: Group, path: string): Promise<SimpleResponse> => await httpCall(nodes[group].proxy + path, { agent })
  const served = (r: SimpleResponse): { env: string, url: string, headers: Record<string, string> } => JSON.parse(r.body)

  await t.test('runtime groups are created in the UI, one node joins each', async () => {
    await page.goto(`${base}/ui/#/runtime-groups`)
    for (const name of GROUPS) {
      const create = page.locator('form.create-group')
      await create.locator('input[name=name]').fill(name)
      if (name === 'production') await create.locator('input[name=public_url]').fill('https://api.payments.example')
      await create.locator('button[type=submit]').click()
      await page.locator(`section.runtime-group[data-name=${name}]`).waitFor()
    }
    assert.equal((await call('GET', '/runtime-groups/production')).public_url, 'https://api.payments.example')
    process.env.ATRIUM_ANALYTICS_INTERVAL_MS = '500'
    try {
      for (const name of GROUPS) {
        const { token } = await call('POST', `/runtime-groups/${name}/data-plane-tokens`, { name: `${name}-node` })
        nodes[name] = await startNodeProcess(t, cluster, token, join(tempDir(t), name))
      }
    } finally {
      delete process.env.ATRIUM_ANALYTICS_INTERVAL_MS
    }
  })

  let packageId = ''
  const row = (version: string, group: Group): string => `tr.version[data-version=${version}][data-runtime-group=${group}]`
  const details = (version: string, group: Group): ReturnType<typeof page.locator> => page.locator(`tr.details[data-version=${version}][data-runtime-group=${group}]`)
  const openDetails = async (version: string, group: Group): Promise<void> => {
    await page.locator(row(version, group)).waitFor()
    if (await details(version, group).isHidden()) await page.click(`${row(version, group)} button:has-text("Details")`)
    await details(version, group).locator('form.implementation-form').waitFor()
  }
  const implement = async (version: string, group: Group, url: string): Promise<void> => {
    await openDetails(version, group)
    const impl = details(version, group).locator('form.implementation-form')
    await impl.locator('input[name=service-name]').fill(`payments-${version}`)
    await impl.locator('input[name=url]').fill(url)
    await impl.locator('button[type=submit]').click()
    await details(version, group).locator('form.route-form').waitFor()
  }
  const addRoute = async (version: string, group: Group, name: string, path: string): Promise<void> => {
    const form = details(version, group).locator('form.route-form')
    await form.locator('input[name=route-name]').fill(name)
    await form.locator('textarea[name=paths]').fill(path)
    await form.locator('button[type=submit]').click()
    await details(version, group).locator(`tr.route[data-route=${name}]`).waitFor()
  }

  await t.test('the package, v1 in production and v2 in development, each implemented with its routes, published', async () => {
    await page.goto(`${base}/ui/#/catalog`)
    const create = page.locator('form.create-package')
    await create.locator('input[name=name]').fill('Payments')
    await create.locator('button.add-label').click()
    await create.locator('input[name=label-key]').fill('team')
    await create.locator('input[name=label-value]').fill('payments')
    await create.locator('button[type=submit]').click()
    await page.locator('h1.package-name').waitFor()
    packageId = decodeURIComponent(new URL(page.url()).hash.split('/')[2])
    await page.check('input[name=portal_published]')

    for (const [version, group] of [['v1', 'production'], ['v2', 'development']] as const) {
      await page.fill('form.add-version input[name=version]', version)
      await page.selectOption('form.add-version select[name=runtime_group]', { label: group })
      await page.selectOption('form.add-version select[name=status]', 'published')
      await page.click('form.add-version button[type=submit]')
      await page.locator(row(version, group)).waitFor()
    }
    await implement('v1', 'production', backends.production)
    await addRoute('v1', 'production', 'payments-v1', '/v1/payments')
    await implement('v2', 'development', backends.development)
    await addRoute('v2', 'development', 'payments', '/payments')
    await addRoute('v2', 'development', 'payment-by-id', '~/payments/(?<id>\\d+)$')
    assert.match(await page.locator(`${row('v2', 'development')} td.routes`).innerText(), /\/payments; ~\/payments\/\(\?<id>/)
    await waitUntil('development serves v2', async () => served(await through('development', '/payments/42')).env === 'development', 15_000)
    await waitUntil('production serves v1', async () => served(await through('production', '/v1/payments')).env === 'production', 15_000)
  })

  await t.test('plugins at route, version and package scope from the plugin form; the nodes apply each where it belongs', async () => {
    await openDetails('v2', 'development')
    const form = details('v2', 'development').locator('form.plugin-form')
    await form.locator('select[name=plugin-name]').selectOption('request-transformer')
    await form.locator('select[name=plugin-target]').selectOption({ label: 'route payment-by-id' })
    await form.locator('textarea[name="config.add.headers"]').fill('x-by-id:yes')
    await form.locator('button[type=submit]').click()
    await details('v2', 'development').locator('tr.plugin[data-plugin=request-transformer][data-scope=route]').waitFor()

    await form.locator('select[name=plugin-name]').selectOption('rate-limiting')
    await form.locator('input[name="config.minute"]').waitFor()
    await form.locator('select[name=plugin-target]').selectOption({ label: 'this version (every route of it)' })
    await form.locator('input[name="config.minute"]').fill('1000')
    await form.locator('button[type=submit]').click()
    await details('v2', 'development').locator('tr.plugin[data-plugin=rate-limiting][data-scope=version]').waitFor()

    await form.locator('select[name=plugin-name]').selectOption('response-transformer')
    await form.locator('select[name=plugin-target]').selectOption({ label: 'All versions of this package' })
    await form.locator('textarea[name="config.add.headers"]').fill('x-api:payments')
    await form.locator('button[type=submit]').click()
    const pkgRow = details('v2', 'development').locator('tr.plugin[data-plugin=response-transformer][data-scope=package]')
    await pkgRow.waitFor()
    assert.match(await pkgRow.innerText(), /all versions of this package/)
    assert.equal((await call('GET', `/service-packages/${packageId}/plugins`)).data.length, 1, 'one package plugin, not one per version')

    await waitUntil('development has the three plugins', async () => (await through('development', '/payments/42')).headers['x-ratelimit-limit-minute'] === '1000', 15_000)
    const byId = await through('development', '/payments/42')
    assert.equal(served(byId).headers['x-by-id'], 'yes', 'the route plugin on its route')
    assert.equal(byId.headers['x-api'], 'payments', 'the package plugin on v2')
    const list = await through('development', '/payments')
    assert.equal(served(list).headers['x-by-id'], undefined, 'the route plugin not on the other route')
    assert.equal(list.headers['x-ratelimit-limit-minute'], '1000', 'the version plugin on every route')
    await waitUntil('the package plugin reaches v1 in production too', async () => (await through('production', '/v1/payments')).headers['x-api'] === 'payments', 15_000)
    assert.equal((await through('production', '/v1/payments')).headers['x-ratelimit-limit-minute'], undefined, 'v2\'s version plugin is not v1\'s')
    await page.screenshot({ path: join(SHOTS, 'workflow-plugins.png'), fullPage: true })
  })

  const promoteForm = (): ReturnType<typeof page.locator> => page.locator('tr.promote[data-version=v2][data-runtime-group=development] form.promote-form')
  const openPromote = async (to: Group): Promise<void> => {
    await page.goto(`${base}/ui/#/catalog`)
    await page.goto(`${base}/ui/#/packages/${packageId}`)
    await page.click(`${row('v2', 'development')} button.promote-version`)
    await promoteForm().waitFor()
    await promoteForm().locator('select[name=promote-target]').selectOption(to)
  }
  const showDiff = async (): Promise<string> => {
    await promoteForm().locator('button.promote-diff').click()
    const result = promoteForm().locator('.promote-result ul.diff, .promote-result p.diff-empty')
    await result.waitFor()
    return await result.innerText()
  }

  await t.test('v2 is promoted to staging from its row: the diff first, then the copy with its own service URL', async () => {
    await openPromote('staging')
    assert.equal(await promoteForm().locator('input[name=promote-service-url]').inputValue(), '', 'nothing remembered for a first promotion')
    await promoteForm().locator('textarea[name=promote-overrides]').fill('{"routes": {"no-such-route": {"paths": ["/x"]}}}')
    await promoteForm().locator('button.promote-diff').click()
    const note = promoteForm().locator('textarea[name=promote-overrides] + .field-error')
    await note.waitFor()
    assert.match(String(await note.getAttribute('data-field')), /^overrides\.routes/, 'a bad override is shown on the overrides box')
    await promoteForm().locator('textarea[name=promote-overrides]').fill('')
    await promoteForm().locator('input[name=promote-service-url]').fill(backends.staging)
    const diff = await showDiff()
    for (const line of ['+ service payments-v2', '+ route payments', '+ route payment-by-id', '+ plugin']) assert.ok(diff.includes(line), `the diff has "${line}": ${diff}`)
    assert.equal((await call('GET', '/runtime-groups/staging/config')).services?.length ?? 0, 0, 'the dry run wrote nothing')
    await page.screenshot({ path: join(SHOTS, 'workflow-promote-diff.png'), fullPage: true })
    await promoteForm().locator('button.promote-apply').click()
    await page.locator(row('v2', 'staging')).waitFor()
    await waitUntil('staging serves v2 from its own backend', async () => {
      const r = await through('staging', '/payments/7')
      return r.status === 200 && served(r).env === 'staging'
    }, 15_000)
    const r = await through('staging', '/payments/7')
    assert.equal(served(r).headers['x-by-id'], 'yes', 'the route plugin came along')
    assert.equal(r.headers['x-ratelimit-limit-minute'], '1000', 'the version plugin came along')
    assert.equal(r.headers['x-api'], 'payments', 'the package plugin applies in staging as soon as the package has a version there')
  })

  await t.test('v2 is promoted to production with an overlay; promoting again with the remembered overlay changes nothing', async () => {
    await openPromote('production')
    await promoteForm().locator('input[name=promote-service-url]').fill(backends.production)
    await promoteForm().locator('textarea[name=promote-overrides]').fill('{"plugins": {"rate-limiting": {"config": {"minute": 50}}}}')
    await showDiff()
    await promoteForm().locator('button.promote-apply').click()
    await page.locator(row('v2', 'production')).waitFor()
    await waitUntil('production serves v2 with its overlay', async () => (await through('production', '/payments/9')).headers['x-ratelimit-limit-minute'] === '50', 15_000)
    const r = await through('production', '/payments/9')
    assert.equal(served(r).env, 'production')
    assert.equal(served(r).headers['x-by-id'], 'yes')
    assert.equal(served(await through('production', '/v1/payments')).env, 'production', 'v1 still serves beside it')
    assert.equal((await through('staging', '/payments/9')).headers['x-ratelimit-limit-minute'], '1000', 'the overlay is production\'s only')

    const before = (await call('GET', '/runtime-groups/production')).config_version
    await openPromote('production')
    await waitUntil('the remembered overlay is prefilled', async () => await promoteForm().locator('input[name=promote-service-url]').inputValue() === backends.production)
    assert.deepEqual(JSON.parse(await promoteForm().locator('textarea[name=promote-overrides]').inputValue()), { plugins: { 'rate-limiting': { config: { minute: 50 } } } })
    assert.match(await showDiff(), /Nothing to change/)
    await promoteForm().locator('button.promote-apply').click()
    await page.locator(row('v2', 'production')).waitFor()
    await waitUntil('the promotion answered', async () => (await call('GET', `/service-packages/${packageId}/versions/v2/overrides?runtime_group=production`)).overrides.service?.url === backends.production)
    assert.equal((await call('GET', '/runtime-groups/production')).config_version, before, 'an idempotent promotion commits no config version')
    assert.equal((await through('production', '/payments/9')).headers['x-ratelimit-limit-minute'], '50')
    await page.screenshot({ path: join(SHOTS, 'workflow-promoted.png'), fullPage: true })
  })

  await t.test('the catalog lists v2 in three environments, the Dev Portal shows one v2 with production\'s public URL, and the analytics break traffic down per version', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await through('production', '/v1/payments')).status, 200)
      assert.equal((await through('production', `/payments/${i}`)).status, 200)
    }
    await page.goto(`${base}/ui/#/catalog`)
    const catalogRow = page.locator('table.packages tbody tr', { hasText: 'Payments' })
    await catalogRow.locator('td.versions li[data-version=v2]').waitFor()
    assert.deepEqual((await catalogRow.locator('td.versions li[data-version=v2] span.environment').allInnerTexts()).sort(), ['development', 'production', 'staging'])
    assert.match(await catalogRow.locator('td.versions li[data-version=v2]').innerText(), /^v2 \w+ \w+ \w+$/)
    assert.match(await catalogRow.locator('td.versions li[data-version=v1]').innerText(), /v1\s+production/)
    await page.fill('form.search input[name=q]', 'labels.team:payments AND (name:pay')
    await page.click('form.search button[type=submit]')
    await page.locator('form.search input[name=q] + .field-error[data-field=q]').waitFor()
    await page.fill('form.search input[name=q]', 'labels.team:payments AND name:pay')
    await page.click('form.search button[type=submit]')
    await page.locator('table.packages tbody tr', { hasText: 'Payments' }).waitFor()
    await waitUntil('the catalog counts last hour\'s traffic', async () => {
      await page.goto(`${base}/ui/#/packages/${packageId}`)
      await page.goto(`${base}/ui/#/catalog`)
      const text = await page.locator('table.packages tbody tr', { hasText: 'Payments' }).locator('td.traffic').innerText()
      return /^\d+ req/.test(text)
    }, 20_000)
    await page.screenshot({ path: join(SHOTS, 'workflow-catalog.png'), fullPage: true })

    await page.goto(`${portal}/packages/payments`)
    const versions = page.locator('table.versions tbody tr')
    assert.equal(await versions.count(), 2, 'one row per version name')
    const v2 = versions.filter({ hasText: 'v2' })
    const text = await v2.innerText()
    for (const g of GROUPS) assert.ok(text.includes(g), `v2 is listed in ${g}`)
    assert.ok(text.includes('https://api.payments.example/payments/{id}'), `production's regex route as a readable URL: ${text}`)
    assert.ok(!text.includes('payment-by-id') && !text.includes('payments-v2') && !text.includes('127.0.0.1'), 'no internal names')
    await page.goto(`${portal}/packages/payments/versions/v2`)
    assert.equal(await page.locator('section.environment').count(), 3)
    await page.screenshot({ path: join(SHOTS, 'workflow-portal.png'), fullPage: true })

    await page.goto(`${base}/ui/#/packages/${packageId}`)
    await page.locator('#analytics p.totals').waitFor()
    await page.selectOption('#analytics select[name=runtime_group]', { label: 'production' })
    await waitUntil('the analytics break production down per version', async () => {
      await page.selectOption('#analytics select[name=group_by]', '')
      await page.locator('#analytics table.breakdown').waitFor({ state: 'detached' })
      await page.selectOption('#analytics select[name=group_by]', 'version')
      await page.locator('#analytics table.breakdown').waitFor()
      const requests = async (group: string): Promise<number> => {
        const cells = page.locator(`#analytics table.breakdown tr[data-group="${group}"] td`)
        return await cells.count() === 0 ? 0 : Number(await cells.nth(1).innerText())
      }
      return await requests('v1 (production)') >= 3 && await requests('v2 (production)') >= 3
    }, 20_000)
    await page.screenshot({ path: join(SHOTS, 'workflow-analytics.png'), fullPage: true })
  })

  await t.test('a consumer with a key in production, and key-auth on v2 there: production\'s v2 asks for the key, v1 and staging\'s v2 do not', async () => {
    await page.goto(`${base}/ui/#/runtime-groups`)
    await page.click('section.runtime-group[data-name=production] a.consumers-link')
    const create = page.locator('form.create-consumer')
    await create.locator('input[name=username]').fill('checkout')
    await create.locator('button[type=submit]').click()
    const card = page.locator('section.consumer[data-consumer=checkout]')
    await card.waitFor()
    await card.locator('form.create-key button[type=submit]').click()
    const secret = card.locator('.secret-once input.secret-value')
    await secret.waitFor()
    const key = await secret.inputValue()

    await page.goto(`${base}/ui/#/packages/${packageId}`)
    await openDetails('v2', 'production')
    const form = details('v2', 'production').locator('form.plugin-form')
    await form.locator('select[name=plugin-name]').selectOption('key-auth')
    await form.locator('textarea[name="config.key_names"]').waitFor()
    await form.locator('select[name=plugin-target]').selectOption({ label: 'this version (every route of it)' })
    await form.locator('button[type=submit]').click()
    await details('v2', 'production').locator('tr.plugin[data-plugin=key-auth][data-scope=version]').waitFor()
    await waitUntil('production\'s v2 asks for a key', async () => (await through('production', '/payments/5')).status === 401, 15_000)
    const keyed = await httpCall(nodes.production.proxy + '/payments/5', { agent, headers: { apikey: key } })
    assert.equal(keyed.status, 200)
    assert.equal(served(keyed).headers['x-consumer-username'], 'checkout')
    assert.equal((await httpCall(nodes.production.proxy + '/payments/5', { agent, headers: { apikey: 'not-the-key' } })).status, 401)
    assert.equal((await through('production', '/v1/payments')).status, 200, 'v1 needs no key')
    assert.equal((await through('staging', '/payments/5')).status, 200, 'staging\'s v2 needs no key')
    await page.screenshot({ path: join(SHOTS, 'workflow-key-auth.png'), fullPage: true })
    assert.deepEqual(dialogs, [])
  })
})
