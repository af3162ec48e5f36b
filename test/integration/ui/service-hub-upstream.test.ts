import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Agent } from 'node:http'
import { join } from 'node:path'
import { SHOTS, openHubPage, startHub } from './hub-kit.js'
import { httpCall } from '../../support/http-client.js'
import { startUpstream } from '../../support/upstream.js'
import { startNodeProcess, tempDir, waitUntil } from '../hybrid/hybrid-kit.js'

// An implementation balanced over targets from the Service Hub UI, checked by real requests through a
// real node: the "Balance over targets" form (a bad target refused on its line, and nothing left
// behind), two targets that both take traffic, a third added, one deleted, the algorithm changed.


test('a version\'s implementation is balanced over targets from the UI, and the node spreads requests over exactly those targets', async (t) => {
  const { base, cluster, call } = await startHub(t)
  const backends = await Promise.all(['a', 'b', 'c'].map(async (name) => ({ name, up: await startUpstream(t, (_req, res) => { res.end(name) }) })))
  const [a, b, c] = backends.map((x) => `127.0.0.1:${x.up.port}`)

  await call('POST', '/runtime-groups', { name: 'production' })
  const { token } = await call('POST', '/runtime-groups/production/data-plane-tokens', { name: 'node' })
  const pkg = await call('POST', '/service-packages', { name: 'Payments' })
  const version = await call('POST', `/service-packages/${pkg.id as string}/versions`, { version: 'v1', runtime_group: 'production' })
  await call('PUT', `/service-packages/${pkg.id as string}/versions/${version.id as string}/implementation`, { service: { name: 'payments', url: `http://${a}` } })
  const service = (await call('GET', `/service-packages/${pkg.id as string}/versions/${version.id as string}/implementation`)).service
  await call('POST', `/runtime-groups/production/services/${service.id as string}/routes`, { name: 'pay', paths: ['/pay'] })
  const node = await startNodeProcess(t, cluster, token, join(tempDir(t), 'node'))
  const agent = new Agent({ keepAlive: false })
  t.after(() => agent.destroy())
  /** Which backends answer 30 requests through the node. */
  const answering = async (): Promise<string> => {
    const seen = new Set<string>()
    for (let i = 0; i < 30; i++) {
      const r = await node.get('/pay', agent)
      seen.add(r.status === 200 ? r.body : `status ${r.status}`)
    }
    return [...seen].sort().join(',')
  }
  await waitUntil('the node serves /pay from a', async () => await answering() === 'a', 15_000)

  const { page } = await openHubPage(t)
  await page.goto(`${base}/ui/#/packages/${pkg.id as string}`)
  await page.click('tr.version[data-version=v1] button:has-text("Details")')
  const details = page.locator('tr.details[data-version=v1]')
  const form = details.locator('form.balance-form')
  await form.locator('input[name=upstream-name]').fill('payments.upstream')
  await form.locator('textarea[name=targets]').fill(`${a} 100\n${b} heavy`)
  await form.locator('button[type=submit]').click()
  const note = form.locator('textarea[name=targets] + .field-error')
  await note.waitFor()
  assert.equal(await note.getAttribute('data-field'), 'targets[1].weight')
  assert.equal((await call('GET', '/runtime-groups/production/upstreams')).data.length, 0, 'a refused target leaves no upstream behind')
  assert.equal((await call('GET', `/runtime-groups/production/services/${service.id as string}`)).host, '127.0.0.1')

  await form.locator('textarea[name=targets]').fill(`${a} 100\n${b} 100`)
  await form.locator('button[type=submit]').click()
  await details.locator('.upstream h3', { hasText: 'payments.upstream' }).waitFor()
  assert.equal((await call('GET', `/runtime-groups/production/services/${service.id as string}`)).host, 'payments.upstream')
  const targetsOf = async (): Promise<string[]> => (await call('GET', '/runtime-groups/production/upstreams/payments.upstream/targets')).data.map((x: { target: string }) => x.target).sort()
  assert.deepEqual(await targetsOf(), [a, b].sort())
  await waitUntil('the node balances over a and b', async () => await answering() === 'a,b', 15_000)

  // Re-rendered after the change above, so the locators are taken again.
  const controls = (): ReturnType<typeof details.locator> => details.locator('.upstream-controls')
  await controls().locator('input[name=target]').fill(c)
  await controls().locator('input[name=weight]').fill('50')
  await controls().locator('form.add-target button[type=submit]').click()
  await details.locator(`table.targets tr[data-target="${c}"]`).waitFor()
  await waitUntil('the node balances over a, b and c', async () => await answering() === 'a,b,c', 15_000)

  await details.locator(`table.targets tr[data-target="${a}"] button.delete-target`).click()
  await details.locator(`table.targets tr[data-target="${a}"]`).waitFor({ state: 'detached' })
  assert.deepEqual(await targetsOf(), [b, c].sort())
  await waitUntil('the node no longer sends to a', async () => await answering() === 'b,c', 15_000)

  // Least connections, with one request at a time, may pick the same target each time: what is
  // checked is the upstream the node gets and that it still answers from b or c only.
  await controls().locator('select[name=algorithm]').selectOption('least-connections')
  await controls().locator('form.upstream-algorithm button[type=submit]').click()
  await details.locator('.upstream h3', { hasText: 'least-connections' }).waitFor()
  assert.equal((await call('GET', '/runtime-groups/production/upstreams/payments.upstream')).algorithm, 'least-connections')
  const { config_version: configVersion } = await call('GET', '/runtime-groups/production')
  await waitUntil('the node has the new algorithm', async () => (await node.status()).config_version >= configVersion, 15_000)
  assert.match(await answering(), /^(b|c|b,c)$/)
  await page.screenshot({ path: join(SHOTS, 'upstream-targets.png'), fullPage: true })
})
