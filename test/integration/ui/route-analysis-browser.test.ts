import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { SHOTS, openHubPage, startHub } from './hub-kit.js'
import { PETSTORE } from '../route-analysis/spec-documents.js'

// The version page's route analysis in a real browser: the conflicts of the version's routes with
// their example requests, and the explain form (winner, the routes that lost and why, near misses,
// a malformed URL on its field), and routes made from the version's API spec (diff first).

test('the version page shows its routes\' conflicts and explains which route takes a request', async (t) => {
  const { base, call } = await startHub(t)
  await call('POST', '/runtime-groups', { name: 'production' })
  const pkg = await call('POST', '/service-packages', { name: 'Users' })
  await call('POST', `/service-packages/${pkg.id as string}/versions`, { version: 'v1', runtime_group: 'production' })
  const { service } = await call('PUT', `/service-packages/${pkg.id as string}/versions/v1/implementation`, { service: { name: 'users-v1', url: 'http://127.0.0.1:9/u' } })
  for (const r of [{ name: 'me', paths: ['/users/me'] }, { name: 'by-name', paths: ['~/users/\\w+$'] }, { name: 'create', paths: ['/users'], methods: ['POST'] }]) {
    await call('POST', `/runtime-groups/production/services/${service.id as string}/routes`, r)
  }
  await call('PUT', `/service-packages/${pkg.id as string}/versions/v1/spec`, PETSTORE)
  const { page, dialogs } = await openHubPage(t)
  await page.goto(`${base}/ui/#/packages/${pkg.id as string}`)
  await page.click('tr.version[data-version=v1] button:has-text("Details")')
  const details = page.locator('tr.details[data-version=v1]')

  const conflict = details.locator('section.route-conflicts li.conflict[data-kind=regex_overlaps_prefix][data-route=me]')
  await conflict.waitFor()
  const text = await conflict.innerText()
  assert.match(text, /\/users\/me goes to by-name/)
  assert.match(text, /Example: GET http:\/\/any-host\/users\/me/)

  const form = details.locator('form.explain-form')
  await form.locator('input[name=explain-url]').fill('http://api.example.com/users/me?x=1')
  await form.locator('button[type=submit]').click()
  const winner = form.locator('.explain-result p.winner')
  await winner.waitFor()
  assert.equal(await winner.getAttribute('data-route'), 'by-name')
  assert.match(await winner.innerText(), /→ upstream path \/u\?x=1/)
  assert.match(await form.locator('.explain-result ul.candidates li[data-route=me]').innerText(), /a regex path beats a prefix path/)
  assert.match(await form.locator('.explain-result ul.near-misses li[data-route=create]').innerText(), /methods: GET is not one of POST/)
  await page.screenshot({ path: join(SHOTS, 'route-analysis.png'), fullPage: true })

  await form.locator('input[name=explain-url]').fill('ftp://api.example.com/x')
  await form.locator('button[type=submit]').click()
  await form.locator('input[name=explain-url] + .field-error[data-field=url]').waitFor()
  assert.equal(await form.locator('.explain-result p').count(), 0, 'the last answer is cleared')

  const specForm = details.locator('form.spec-routes-form')
  await specForm.locator('select[name=spec-grouping]').selectOption('path')
  await specForm.locator('button.spec-routes-diff').click()
  await specForm.locator('.spec-routes-result ul.diff').waitFor()
  assert.deepEqual(await specForm.locator('.spec-routes-result ul.diff li').allInnerTexts(), ['+ route users-v1-pets', '+ route users-v1-pets-petId'])
  assert.match(await specForm.locator('tr[data-route=users-v1-pets-petId]').innerText(), /GET\s+~\/v1\/pets\/\(\?<petId>\[\^#\?\/\]\+\)\$\s+GET \/pets\/\{petId\}/)
  assert.equal((await call('GET', `/runtime-groups/production/services/${service.id as string}/routes`)).data.length, 3, 'the diff wrote nothing')
  await specForm.locator('button.spec-routes-apply').click()
  await page.locator('tr.version[data-version=v1] td', { hasText: '~/v1/pets/' }).waitFor()
  assert.equal((await call('GET', `/runtime-groups/production/services/${service.id as string}/routes`)).data.length, 5)
  assert.deepEqual(dialogs, [])
})
