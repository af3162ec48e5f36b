import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { join } from 'node:path'
import { SHOTS, openHubPage, startHub } from './hub-kit.js'
import { httpCall, type SimpleResponse } from '../../support/http-client.js'
import { echoHandler, startUpstream } from '../../support/upstream.js'
import { startNodeProcess, tempDir, waitUntil, type NodeProcess } from '../hybrid/hybrid-kit.js'

// A service owner configures everything from the Service Hub UI, in a real browser, and the
// configuration is checked with real requests through a real data-plane node: a runtime group and a
// data-plane token (the node joins with the token read off the page), a package with labels from the
// key/value editor, a version, its implementation, two routes (one a regex path, first refused on
// the field), a plugin at version scope and one at route scope through the forms generated from the
// plugins' JSON Schemas (a bound violated first, shown on the field), a consumer with a key-auth key
// and a key-auth plugin on one route, toggled off; then the analytics breakdown per route, with the
// auto-refresh timer stopped when the page is left. One browser; screenshots in test-results/ui/.


test('a service owner configures a package end to end from the Service Hub UI, and the node applies each plugin at its scope', async (t) => {
  const { base, cluster, call } = await startHub(t)
  const admin = async (path: string): Promise<any> => await call('GET', path)
  const up = await startUpstream(t, echoHandler)
  const agent = new Agent({ keepAlive: true })
  t.after(() => agent.destroy())

  const { page, dialogs } = await openHubPage(t)
  // Counts the page's live intervals, to see the auto-refresh timer stop when the page is left.
  // (Script text: the tests compile without the DOM's types.)
  await page.addInitScript({
    content: `(() => {
      const live = new Set(), set = window.setInterval.bind(window), clear = window.clearInterval.bind(window)
      window.setInterval = (...args) => { const id = set(...args); live.add(id); return id }
      window.clearInterval = (id) => { live.delete(id); clear(id) }
      window.liveIntervals = () => live.size
    })()`
  })
  const liveIntervals = async (): Promise<number> => await page.evaluate('window.liveIntervals()')

  let node: NodeProcess | undefined
  await t.test('create a runtime group and issue a data-plane token; a node joins with the token shown once', async () => {
    await page.goto(`${base}/ui/#/runtime-groups`)
    const create = page.locator('form.create-group')
    await create.locator('input[name=name]').fill('production')
    await create.locator('input[name=description]').fill('EU production')
    await create.locator('button.add-label').click()
    await create.locator('input[name=label-key]').fill('env')
    await create.locator('input[name=label-value]').fill('prod')
    await create.locator('button[type=submit]').click()
    const card = page.locator('section.runtime-group[data-name=production]')
    await card.waitFor()
    assert.deepEqual((await admin('/runtime-groups/production')).labels, { env: 'prod' })
    await card.locator('form.issue-token input[name=token-name]').fill('node-1')
    await card.locator('form.issue-token button[type=submit]').click()
    const secret = card.locator('.secret-once input.secret-value')
    await secret.waitFor()
    const token = await secret.inputValue()
    assert.match(token, /^atdp_/)
    assert.equal(await card.locator('.secret-once button.copy').count(), 1)
    assert.match(await card.locator('tr.token[data-token=node-1]').innerText(), /node-1/)
    process.env.ATRIUM_ANALYTICS_INTERVAL_MS = '500'
    try {
      node = await startNodeProcess(t, cluster, token, join(tempDir(t), 'node'))
    } finally {
      delete process.env.ATRIUM_ANALYTICS_INTERVAL_MS
    }
    await page.screenshot({ path: join(SHOTS, 'configure-groups.png'), fullPage: true })
  })

  let packageId = ''
  await t.test('create a package with labels from the key/value editor; edit its details, a bad label key shown on its input', async () => {
    await page.goto(`${base}/ui/#/catalog`)
    const create = page.locator('form.create-package')
    await create.locator('input[name=name]').fill('Orders')
    for (const [k, v] of [['team', 'shop'], ['tier', 'gold']]) {
      await create.locator('button.add-label').click()
      await create.locator('.label-row').last().locator('input[name=label-key]').fill(k)
      await create.locator('.label-row').last().locator('input[name=label-value]').fill(v)
    }
    await create.locator('button[type=submit]').click()
    await page.locator('h1.package-name').waitFor()
    packageId = decodeURIComponent(new URL(page.url()).hash.split('/')[2])
    assert.deepEqual((await admin(`/service-packages/${packageId}`)).labels, { team: 'shop', tier: 'gold' })

    await page.click('button.edit-package')
    const meta = page.locator('form.package-meta')
    await meta.locator('textarea[name=description]').fill('Orders of the shop')
    await meta.locator('.label-row').nth(1).locator('button.remove-label').click()
    await meta.locator('button.add-label').click()
    await meta.locator('.label-row').last().locator('input[name=label-key]').fill('bad key')
    await meta.locator('.label-row').last().locator('input[name=label-value]').fill('x')
    await meta.locator('button[type=submit]').click()
    const note = meta.locator('.label-row input[name=label-key] + .field-error[data-field="labels.bad key"]')
    await note.waitFor()
    assert.match(await note.innerText(), /key must be/)
    await meta.locator('.label-row').last().locator('input[name=label-key]').fill('owner')
    await meta.locator('button[type=submit]').click()
    await waitUntil('the package is saved', async () => (await admin(`/service-packages/${packageId}`)).description === 'Orders of the shop')
    assert.deepEqual((await admin(`/service-packages/${packageId}`)).labels, { team: 'shop', owner: 'x' })
    await page.locator('p.description', { hasText: 'Orders of the shop' }).waitFor()
  })

  const details = page.locator('tr.details[data-version=v1]')
  await t.test('add a version, create its implementation and two routes; an invalid regex path is shown on the paths box', async () => {
    await page.fill('form.add-version input[name=version]', 'v1')
    await page.click('form.add-version button[type=submit]')
    await page.click('tr.version[data-version=v1] button:has-text("Details")')
    const impl = details.locator('form.implementation-form')
    await impl.locator('input[name=url]').fill('not a url')
    await impl.locator('button[type=submit]').click()
    await impl.locator('input[name=url] + .field-error[data-field="service.url"]').waitFor()
    await impl.locator('input[name=service-name]').fill('orders-svc')
    await impl.locator('input[name=url]').fill(`http://127.0.0.1:${up.port}`)
    await impl.locator('input[name=read_timeout]').fill('5000')
    await impl.locator('button[type=submit]').click()
    await details.locator('form.route-form').waitFor()
    const versions = await admin(`/service-packages/${packageId}/versions`)
    const service = await admin(`/service-packages/${packageId}/versions/${versions.data[0].id as string}/implementation`)
    assert.equal(service.service.name, 'orders-svc')
    assert.equal(service.service.read_timeout, 5000)
    assert.equal(service.service.port, up.port)

    const addRoute = async (name: string, paths: string, priority: string): Promise<void> => {
      const form = details.locator('form.route-form')
      await form.locator('input[name=route-name]').fill(name)
      await form.locator('textarea[name=paths]').fill(paths)
      await form.locator('input[name=methods][value=GET]').check()
      await form.locator('input[name=regex_priority]').fill(priority)
      await form.locator('button[type=submit]').click()
    }
    await addRoute('orders-list', '/orders', '0')
    await details.locator('tr.route[data-route=orders-list]').waitFor()
    await addRoute('order-by-id', '~/orders/(\\d+', '10')
    const note = details.locator('form.route-form textarea[name=paths] + .field-error[data-field="paths[0]"]')
    await note.waitFor()
    assert.match(await note.innerText(), /invalid regex/)
    await details.locator('form.route-form textarea[name=paths]').fill('~/orders/\\d+$')
    await details.locator('form.route-form button[type=submit]').click()
    await details.locator('tr.route[data-route=order-by-id]').waitFor()
    assert.match(await details.locator('tr.route[data-route=order-by-id]').innerText(), /~\/orders\/\\d\+\$/)
    assert.match(await page.locator('tr.version[data-version=v1] td.routes').innerText(), /GET \/orders; GET ~\/orders/)
  })

  const get = async (path: string, headers: Record<string, string> = {}): Promise<SimpleResponse> => await httpCall(`${node?.proxy ?? ''}${path}`, { agent, headers })
  await t.test('a version-scope and a route-scope plugin from the generated forms; the node applies each at its scope', async () => {
    await waitUntil('the node serves both routes', async () => (await get('/orders')).status === 200 && (await get('/orders/42')).status === 200, 15_000)

    const form = details.locator('form.plugin-form')
    await form.locator('select[name=plugin-name]').selectOption('response-transformer')
    await form.locator('select[name=plugin-target]').selectOption({ label: 'this version (every route of it)' })
    await form.locator('textarea[name="config.add.headers"]').fill('x-served-by:atrium-ui')
    await form.locator('button[type=submit]').click()
    await details.locator('tr.plugin[data-plugin=response-transformer][data-scope=version]').waitFor()

    await form.locator('select[name=plugin-name]').selectOption('rate-limiting')
    const minute = form.locator('input[name="config.minute"]')
    await minute.waitFor()
    assert.equal(await minute.getAttribute('min'), '1', 'the schema bound is an input attribute')
    assert.equal(await form.locator('select[name="config.policy"]').inputValue() !== '', true, 'the default is prefilled')
    await form.locator('select[name=plugin-target]').selectOption({ label: 'route order-by-id' })
    await minute.fill('0')
    await form.locator('button[type=submit]').click()
    const note = form.locator('input[name="config.minute"] + .field-error[data-field="config.minute"]')
    await note.waitFor()
    assert.match(await note.innerText(), /must be between 1 and/)
    await minute.fill('')
    await form.locator('input[name="config.hour"]').fill('100')
    await form.locator('button[type=submit]').click()
    await details.locator('tr.plugin[data-plugin=rate-limiting][data-scope=route]').waitFor()
    assert.match(await details.locator('tr.plugin[data-plugin=rate-limiting]').innerText(), /route\s+route order-by-id/)

    await waitUntil('the node has both plugins', async () => (await get('/orders/42')).headers['x-ratelimit-limit-hour'] === '100', 15_000)
    const byId = await get('/orders/42')
    assert.equal(byId.headers['x-served-by'], 'atrium-ui', 'the version plugin applies to every route')
    const list = await get('/orders')
    assert.equal(list.status, 200)
    assert.equal(list.headers['x-served-by'], 'atrium-ui')
    assert.equal(list.headers['x-ratelimit-limit-hour'], undefined, 'the route plugin applies to its route only')
  })

  await t.test('a consumer with a key-auth key shown once, and a key-auth plugin on one route, enabled then disabled', async () => {
    await page.goto(`${base}/ui/#/runtime-groups`)
    await page.click('section.runtime-group[data-name=production] a.consumers-link')
    const create = page.locator('form.create-consumer')
    await create.locator('input[name=username]').fill('alice')
    await create.locator('input[name=custom_id]').fill('a-1')
    await create.locator('input[name=tags]').fill('partner, beta')
    await create.locator('button[type=submit]').click()
    const card = page.locator('section.consumer[data-consumer=alice]')
    await card.waitFor()
    assert.deepEqual((await admin('/runtime-groups/production/consumers/alice')).tags, ['partner', 'beta'])
    await card.locator('form.create-key button[type=submit]').click()
    const secret = card.locator('.secret-once input.secret-value')
    await secret.waitFor()
    const key = await secret.inputValue()
    assert.ok(key.length >= 16)
    assert.equal(await card.locator('ul.keys li').count(), 1)
    await page.screenshot({ path: join(SHOTS, 'configure-consumers.png'), fullPage: true })

    await page.goto(`${base}/ui/#/packages/${packageId}`)
    await page.locator('tr.version[data-version=v1]').waitFor()
    if (await details.isHidden()) await page.click('tr.version[data-version=v1] button:has-text("Details")')
    const form = details.locator('form.plugin-form')
    await form.locator('select[name=plugin-name]').selectOption('key-auth')
    await form.locator('textarea[name="config.key_names"]').waitFor()
    assert.equal(await form.locator('textarea[name="config.key_names"]').inputValue(), 'apikey')
    await form.locator('select[name=plugin-target]').selectOption({ label: 'route orders-list' })
    await form.locator('button[type=submit]').click()
    const row = details.locator('tr.plugin[data-plugin=key-auth][data-scope=route]')
    await row.waitFor()
    await waitUntil('the node asks /orders for a key', async () => (await get('/orders')).status === 401, 15_000)
    const keyed = await get('/orders', { apikey: key })
    assert.equal(keyed.status, 200)
    assert.equal(JSON.parse(keyed.body).headers['x-consumer-username'], 'alice')
    assert.equal((await get('/orders/42')).status, 200, 'the other route needs no key')
    assert.equal((await get('/orders', { apikey: 'wrong' })).status, 401)
    await page.screenshot({ path: join(SHOTS, 'configure-version.png'), fullPage: true })

    await row.locator('input[name=plugin-enabled-toggle]').uncheck()
    await waitUntil('the node serves /orders without a key again', async () => (await get('/orders')).status === 200, 15_000)
    const plugins = (await admin('/runtime-groups/production/plugins')).data
    assert.equal(plugins.find((p: any) => p.name === 'key-auth').enabled, false)
  })

  await t.test('the analytics panel breaks the traffic down per route; auto-refresh asks again, and its timer stops when the page is left', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await get('/orders/7')).status, 200)
    const to = Math.floor(Date.now() / 1000) + 60
    const counted = async (): Promise<Record<string, number>> => {
      const r = await admin(`/analytics/requests?service_package=${packageId}&from=${to - 3600}&to=${to}&group_by=route`)
      return Object.fromEntries(r.series.map((s: any) => [s.group.route, s.total.requests]))
    }
    let expected: Record<string, number> = {}
    await waitUntil('the CP has the traffic of both routes', async () => {
      expected = await counted()
      return (expected['order-by-id'] ?? 0) >= 4 && (expected['orders-list'] ?? 0) >= 1
    }, 20_000)

    await page.goto(`${base}/ui/#/catalog`)
    await page.goto(`${base}/ui/#/packages/${packageId}`)
    await page.locator('#analytics p.totals').waitFor()
    // The node reports every 500 ms: until its last report is in, the page (asked later) may count more than `expected`.
    const byId = page.locator('#analytics table.breakdown tr[data-group=order-by-id]')
    let cells: string[] = []
    await waitUntil('the breakdown per route shows what the API counts', async () => {
      await page.selectOption('#analytics select[name=group_by]', '')
      await page.locator('#analytics table.breakdown').waitFor({ state: 'detached' })
      await page.selectOption('#analytics select[name=group_by]', 'route')
      await byId.waitFor()
      cells = await byId.locator('td').allInnerTexts()
      expected = await counted()
      return Number(cells[1]) === expected['order-by-id']
    }, 20_000)
    assert.match(cells[4], /^\d+\.\d%$/, 'the error rate')
    await page.locator('#analytics table.breakdown tr[data-group=orders-list]').waitFor()
    assert.match(await page.locator('#analytics p.totals').innerText(), /error rate \d+\.\d%/)
    await page.selectOption('#analytics select[name=runtime_group]', { label: 'production' })
    await page.selectOption('#analytics select[name=group_by]', 'status_class')
    await page.locator('#analytics table.breakdown tr[data-group="2xx"]').waitFor()
    await page.locator('#analytics table.breakdown tr[data-group="4xx"]').waitFor()
    await page.screenshot({ path: join(SHOTS, 'configure-analytics.png'), fullPage: true })

    const before = await liveIntervals()
    const asked = page.waitForRequest((r) => r.url().includes('/analytics/requests') && r.url().includes('group_by=status_class'), { timeout: 20_000 })
    await page.check('#analytics input[name=auto-refresh]')
    assert.equal(await liveIntervals(), before + 1)
    await asked
    await page.click('#nav a[href="#/catalog"]')
    await page.locator('form.create-package').waitFor()
    assert.equal(await liveIntervals(), before, 'leaving the page stopped the timer')
    assert.deepEqual(dialogs, [])
  })
})
