import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SHOTS, openHubPage, startHub } from './hub-kit.js'
import { httpCall } from '../../support/http-client.js'
import { waitUntil } from '../hybrid/hybrid-kit.js'

// The Service Hub UI's edit, revoke and delete paths, in a real browser against a control plane
// (no node: what is checked is what the Admin API holds afterwards): runtime groups created (a bad
// name refused on the field), edited and deleted; a data-plane token issued and revoked; a
// consumer with a basic-auth credential and a chosen key, deleted; an implementation whose host
// names an upstream of the group; a route edited (headers as `name: v1,v2` lines) and deleted; a
// plugin edited through its generated form and deleted, next to a runtime-group (global) plugin.


test('the Service Hub UI edits, revokes and deletes what it created, and the Admin API holds the result', async (t) => {
  const { base, call } = await startHub(t)
  const { page, dialogs } = await openHubPage(t)

  await t.test('runtime groups: a bad name shown on its input, create, edit, issue and revoke a token, delete', async () => {
    await page.goto(`${base}/ui/#/runtime-groups`)
    const create = page.locator('form.create-group')
    await create.locator('input[name=name]').fill('bad name')
    await create.locator('button[type=submit]').click()
    await create.locator('input[name=name] + .field-error[data-field=name]').waitFor()
    for (const name of ['staging', 'scratch']) {
      await create.locator('input[name=name]').fill(name)
      await create.locator('button[type=submit]').click()
      await page.locator(`section.runtime-group[data-name=${name}]`).waitFor()
    }
    const card = page.locator('section.runtime-group[data-name=staging]')
    await card.locator('button.edit-group-toggle').click()
    const edit = card.locator('form.edit-group')
    await edit.locator('input[name=description]').fill('Staging cluster')
    await edit.locator('button.add-label').click()
    await edit.locator('input[name=label-key]').fill('env')
    await edit.locator('input[name=label-value]').fill('staging')
    await edit.locator('input[name=public_url]').fill('ftp://staging.example.com')
    await edit.locator('button[type=submit]').click()
    await edit.locator('input[name=public_url] + .field-error[data-field=public_url]').waitFor()
    await edit.locator('input[name=public_url]').fill('https://staging.example.com/')
    await edit.locator('button[type=submit]').click()
    await card.locator('p.group-description', { hasText: 'Staging cluster' }).waitFor()
    const group = await call('GET', '/runtime-groups/staging')
    assert.equal(group.description, 'Staging cluster')
    assert.equal(group.public_url, 'https://staging.example.com')
    assert.deepEqual(group.labels, { env: 'staging' })

    await card.locator('form.issue-token input[name=token-name]').fill('ci')
    await card.locator('form.issue-token button[type=submit]').click()
    await card.locator('.secret-once input.secret-value').waitFor()
    assert.equal((await call('GET', '/runtime-groups/staging/data-plane-tokens')).data.length, 1)
    await card.locator('tr.token[data-token=ci] button.revoke-token').click()
    await waitUntil('the token is revoked', async () => (await call('GET', '/runtime-groups/staging/data-plane-tokens')).data.length === 0)
    await page.locator('section.runtime-group[data-name=staging] p.empty', { hasText: 'No data-plane tokens.' }).waitFor()
    assert.equal(await page.locator('section.runtime-group[data-name=staging] .secret-once').count(), 0, 'the secret is gone once the page renders again')

    await page.click('section.runtime-group[data-name=scratch] button.delete-group')
    await page.locator('section.runtime-group[data-name=scratch]').waitFor({ state: 'detached' })
    assert.equal((await call('GET', '/runtime-groups')).data.length, 1)
    assert.equal(dialogs.length, 2, 'revoke and delete asked first')
  })

  await t.test('consumers: create with a chosen key and a basic-auth credential, delete the key, delete the consumer', async () => {
    await page.click('section.runtime-group[data-name=staging] a.consumers-link')
    await page.fill('form.create-consumer input[name=username]', 'bob')
    await page.click('form.create-consumer button[type=submit]')
    const card = page.locator('section.consumer[data-consumer=bob]')
    await card.waitFor()
    await card.locator('form.create-key input[name=key]').fill('bob-key-0123456789')
    await card.locator('form.create-key button[type=submit]').click()
    assert.equal(await card.locator('.secret-once input.secret-value').inputValue(), 'bob-key-0123456789')
    await card.locator('input[name=basic-username]').fill('bob-basic')
    await card.locator('input[name=basic-password]').fill('s3cret-pass')
    await card.locator('form.create-basic button[type=submit]').click()
    await card.locator('ul.basic-auth li', { hasText: 'bob-basic' }).waitFor()
    assert.equal((await call('GET', '/runtime-groups/staging/consumers/bob/key-auth')).data.length, 1)
    await card.locator('ul.keys li button.danger').click()
    await waitUntil('the key is deleted', async () => (await call('GET', '/runtime-groups/staging/consumers/bob/key-auth')).data.length === 0)
    await page.locator('section.consumer[data-consumer=bob] h2 button.danger').click()
    await page.locator('#app p.empty', { hasText: 'No consumers yet.' }).waitFor()
    assert.equal((await call('GET', '/runtime-groups/staging/consumers')).data.length, 0)
  })

  await t.test('an implementation balanced over an upstream, a route edited and deleted, a plugin edited and deleted', async () => {
    await call('POST', '/runtime-groups/staging/upstreams', { name: 'orders.upstream' }) // service-hub-upstream.test.ts drives the upstream editor
    const pkg = await call('POST', '/service-packages', { name: 'Billing' })
    const version = await call('POST', `/service-packages/${pkg.id as string}/versions`, { version: 'v2', runtime_group: 'staging' })
    await page.goto(`${base}/ui/#/packages/${pkg.id as string}`)
    await page.click('tr.version[data-version=v2] button:has-text("Details")')
    const details = page.locator('tr.details[data-version=v2]')
    const impl = details.locator('form.implementation-form')
    await impl.locator('input[name=target-kind][value=parts]').check()
    assert.equal(await impl.locator('datalist option[value="orders.upstream"]').count(), 1, 'the group\'s upstreams are offered as hosts')
    await impl.locator('input[name=host]').fill('orders.upstream')
    await impl.locator('input[name=path]').fill('/billing')
    await impl.locator('button[type=submit]').click()
    await details.locator('form.route-form').waitFor()
    const service = (await call('GET', `/service-packages/${pkg.id as string}/versions/${version.id as string}/implementation`)).service
    assert.equal(service.host, 'orders.upstream')
    assert.equal(service.path, '/billing')

    const form = details.locator('form.route-form')
    await form.locator('input[name=route-name]').fill('invoices')
    await form.locator('textarea[name=paths]').fill('/invoices')
    await form.locator('button[type=submit]').click()
    await details.locator('tr.route[data-route=invoices] button.edit-route').click()
    await form.locator('textarea[name=paths]').fill('/invoices\n/bills')
    await form.locator('textarea[name=headers]').fill('x-tenant: a,b')
    await form.locator('input[name=strip_path]').uncheck()
    await form.locator('button[type=submit]').click()
    await details.locator('tr.route[data-route=invoices]', { hasText: '/bills' }).waitFor()
    const route = (await call('GET', `/runtime-groups/staging/services/${service.id as string}/routes`)).data[0]
    assert.deepEqual(route.paths, ['/invoices', '/bills'])
    assert.deepEqual(route.headers, { 'x-tenant': ['a', 'b'] })
    assert.equal(route.strip_path, false)

    const plugins = details.locator('form.plugin-form')
    await plugins.locator('select[name=plugin-name]').selectOption('request-termination')
    await plugins.locator('input[name="config.status_code"]').fill('418')
    await plugins.locator('select[name=plugin-target]').selectOption({ label: 'runtime group staging (global)' })
    await plugins.locator('button[type=submit]').click()
    const row = details.locator('tr.plugin[data-plugin=request-termination][data-scope=runtime-group]')
    await row.waitFor()
    await row.locator('button.edit-plugin').click()
    assert.equal(await plugins.locator('input[name="config.status_code"]').inputValue(), '418')
    await plugins.locator('input[name="config.status_code"]').fill('503')
    await plugins.locator('input[name="config.message"]').fill('maintenance')
    await plugins.locator('button[type=submit]').click()
    await waitUntil('the plugin is edited', async () => (await call('GET', '/runtime-groups/staging/plugins')).data[0]?.config.status_code === 503)
    assert.equal((await call('GET', '/runtime-groups/staging/plugins')).data[0].config.message, 'maintenance')
    await page.screenshot({ path: join(SHOTS, 'editing-version.png'), fullPage: true })
    await details.locator('tr.plugin[data-plugin=request-termination] button.delete-plugin').click()
    await details.locator('.plugins-panel p.empty').waitFor()
    await details.locator('tr.route[data-route=invoices] button.delete-route').click()
    await details.locator('.routes-editor p.empty').waitFor()
    assert.equal((await call('GET', '/runtime-groups/staging/plugins')).data.length, 0)
    assert.equal((await call('GET', `/runtime-groups/staging/services/${service.id as string}/routes`)).data.length, 0)
  })
})
