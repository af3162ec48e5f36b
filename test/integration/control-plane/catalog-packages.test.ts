import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin as startCatalog, type Reply } from './gateway-kit.js'

// Service packages: CRUD, validation, search (q, labels, runtime_group) and pagination, on both stores.

function names (reply: Reply): string[] {
  return (reply.body.data as Array<{ name: string }>).map((p) => p.name)
}

describeStores((store) => {
  test('a package is created with a derived slug, read by id, slug or name, updated and deleted', async (t) => {
    const call = await startCatalog(t, store)
    const created = await call('POST', '/service-packages', { name: 'Payments API', description: 'Card payments', labels: { team: 'payments' } })
    assert.equal(created.status, 201)
    const pkg = created.body
    assert.equal(pkg.slug, 'payments-api')
    assert.equal(pkg.description, 'Card payments')
    assert.deepEqual(pkg.labels, { team: 'payments' })
    assert.match(pkg.id, /^[0-9a-f-]{36}$/)
    assert.equal(typeof pkg.created_at, 'number')
    assert.equal(pkg.updated_at, pkg.created_at)

    for (const ref of [pkg.id, 'payments-api', 'Payments%20API']) {
      const got = await call('GET', `/service-packages/${ref}`)
      assert.equal(got.status, 200, ref)
      // GET of one package adds its last hour of traffic (none here) to what POST answered.
      const { analytics, ...rest } = got.body
      assert.deepEqual(rest, pkg)
      assert.equal(analytics.requests, 0)
    }

    const patched = await call('PATCH', '/service-packages/payments-api', { description: null, labels: { team: 'billing', tier: 'gold' } })
    assert.equal(patched.status, 200)
    assert.equal(patched.body.name, 'Payments API')
    assert.equal(patched.body.slug, 'payments-api', 'the slug stays when only other fields change')
    assert.equal(patched.body.description, null)
    assert.deepEqual(patched.body.labels, { team: 'billing', tier: 'gold' })

    const renamed = await call('PATCH', `/service-packages/${pkg.id}`, { name: 'Card Payments', slug: null })
    assert.equal(renamed.body.slug, 'card-payments', 'slug null derives it again from the new name')

    const replaced = await call('PUT', `/service-packages/${pkg.id}`, { name: 'Card Payments', slug: 'cards' })
    assert.equal(replaced.status, 200)
    assert.deepEqual({ ...replaced.body, updated_at: 0 }, { id: pkg.id, name: 'Card Payments', slug: 'cards', description: null, labels: {}, portal_published: false, created_at: pkg.created_at, updated_at: 0 })

    const upserted = await call('PUT', '/service-packages/orders', { name: 'orders' })
    assert.equal(upserted.status, 201, 'PUT on an unknown name creates it, as Kong does')

    assert.equal((await call('DELETE', '/service-packages/cards')).status, 204)
    assert.equal((await call('GET', `/service-packages/${pkg.id}`)).status, 404)
    assert.equal((await call('DELETE', `/service-packages/${pkg.id}`)).status, 404)
    assert.deepEqual(names(await call('GET', '/service-packages')), ['orders'])
  })

  test('invalid bodies answer 400 listing every bad field and write nothing', async (t) => {
    const call = await startCatalog(t, store)
    const bad = await call('POST', '/service-packages', { name: 42, slug: 'Not A Slug', description: [], labels: { '-bad': 'x', ok: 'no spaces' }, colour: 'red' })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.deepEqual(Object.keys(bad.body.fields).sort(), ['colour', 'description', 'labels.-bad', 'labels.ok', 'name', 'slug'])

    const cases: Array<[unknown, string]> = [
      [{}, 'name'],
      [[], ''],
      ['"text"', ''],
      [{ name: '' }, 'name'],
      [{ name: ' padded' }, 'name'],
      [{ name: 'x'.repeat(129) }, 'name'],
      [{ name: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' }, 'name'],
      [{ name: '日本' }, 'slug'],
      [{ name: 'ok', labels: ['team'] }, 'labels'],
      [{ name: 'ok', labels: { team: 1 } }, 'labels.team'],
      [{ name: 'ok', labels: { team: 'a'.repeat(64) } }, 'labels.team'],
      [{ name: 'ok', id: 'not-a-uuid' }, 'id'],
      [{ name: 'ok', created_at: 1 }, 'created_at']
    ]
    for (const [body, field] of cases) {
      const r = await call('POST', '/service-packages', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.ok(field in r.body.fields, `${JSON.stringify(body)} → ${JSON.stringify(r.body.fields)}`)
    }
    assert.equal((await call('POST', '/service-packages', '{"name":')).status, 400)
    assert.deepEqual((await call('GET', '/service-packages')).body, { data: [], next: null })

    await call('POST', '/service-packages', { name: 'keep', labels: { a: 'b' } })
    const patch = await call('PATCH', '/service-packages/keep', { description: 'changed', labels: { 'bad key': 'x' } })
    assert.equal(patch.status, 400)
    assert.deepEqual(Object.keys(patch.body.fields), ['labels.bad key'])
    const kept = await call('GET', '/service-packages/keep')
    assert.equal(kept.body.description, null)
    assert.deepEqual(kept.body.labels, { a: 'b' })
  })

  test('names, slugs and ids are unique (409) and unknown packages are 404', async (t) => {
    const call = await startCatalog(t, store)
    const first = await call('POST', '/service-packages', { name: 'Users', slug: 'users' })
    assert.equal(first.status, 201)
    const sameName = await call('POST', '/service-packages', { name: 'Users', slug: 'people' })
    assert.equal(sameName.status, 409)
    assert.equal(sameName.body.code, 'ATRIUM_ERR_ADMIN_CONFLICT')
    assert.ok('name' in sameName.body.fields)
    const sameSlug = await call('POST', '/service-packages', { name: 'USERS' })
    assert.equal(sameSlug.status, 409, 'the derived slug "users" is taken')
    assert.ok('slug' in sameSlug.body.fields)
    assert.equal((await call('POST', '/service-packages', { name: 'Other', id: first.body.id })).status, 409)
    await call('POST', '/service-packages', { name: 'Groups' })
    assert.equal((await call('PATCH', '/service-packages/groups', { name: 'Users' })).status, 409)
    assert.equal((await call('PUT', '/service-packages/groups', { name: 'Groups', slug: 'users' })).status, 409)
    assert.equal((await call('GET', '/service-packages/nope')).status, 404)
    assert.equal((await call('PATCH', '/service-packages/3f2504e0-4f89-41d3-9a0c-0305e82c3301', { description: 'x' })).status, 404)
    assert.equal((await call('PUT', '/service-packages/somewhere', { name: 'elsewhere' })).status, 400, 'PUT may not create a package under another name')
  })

  test('q searches name, description and label keys and values, case-insensitively and literally', async (t) => {
    const call = await startCatalog(t, store)
    await call('POST', '/service-packages', { name: 'Payments', description: 'Moves MONEY between accounts', labels: { team: 'finance' } })
    await call('POST', '/service-packages', { name: 'Users', description: 'Who is who', labels: { 'cost-center': 'hr_1' } })
    await call('POST', '/service-packages', { name: 'Ünïcode Gateway', description: '100% uptime' })
    await call('POST', '/service-packages', { name: 'hr1 tools' })
    const search = async (q: string): Promise<string[]> => names(await call('GET', `/service-packages?q=${encodeURIComponent(q)}`))
    assert.deepEqual(await search('PAY'), ['Payments'])
    assert.deepEqual(await search('money'), ['Payments'])
    assert.deepEqual(await search('FINANCE'), ['Payments'], 'label value')
    assert.deepEqual(await search('center'), ['Users'], 'label key')
    assert.deepEqual(await search('ünï'), ['Ünïcode Gateway'], 'non-ASCII case folding')
    assert.deepEqual(await search('100%'), ['Ünïcode Gateway'], '% is literal')
    assert.deepEqual(await search('hr_'), ['Users'], '_ is literal, not a wildcard matching "hr1"')
    assert.deepEqual(await search('s'), ['Payments', 'Users', 'hr1 tools'])
    assert.deepEqual(await search('nothing-like-this'), [])
    assert.deepEqual(await search('Payments Moves'), [], 'no match across fields')
  })

  test('q takes Konnect-style filters: name:, description:, labels.KEY:, runtime_group:, AND, OR and parentheses', async (t) => {
    const call = await startCatalog(t, store)
    assert.equal((await call('POST', '/runtime-groups', { name: 'staging' })).status, 201)
    await call('POST', '/service-packages', { name: 'Payments', description: 'Moves money', labels: { team: 'payments', tier: 'gold' } })
    await call('POST', '/service-packages', { name: 'Payouts', description: 'Sends money out', labels: { team: 'finance' } })
    await call('POST', '/service-packages', { name: 'Users', description: 'Who pays whom', labels: { team: 'payments-old' } })
    await call('POST', '/service-packages', { name: 'Ledger API', description: 'Books', labels: { tier: 'gold' } })
    assert.equal((await call('POST', '/service-packages/users/versions', { version: 'v1', runtime_group: 'staging' })).status, 201)
    const search = async (q: string): Promise<string[]> => {
      const r = await call('GET', `/service-packages?q=${encodeURIComponent(q)}`)
      assert.equal(r.status, 200, `${q}: ${r.text}`)
      return names(r)
    }
    assert.deepEqual(await search('name:pay'), ['Payments', 'Payouts'], 'name contains, case-insensitive')
    assert.deepEqual(await search('description:money'), ['Payments', 'Payouts'])
    assert.deepEqual(await search('labels.team:payments'), ['Payments'], 'a label value is exact')
    assert.deepEqual(await search('labels.tier:*'), ['Ledger API', 'Payments'], '* means the key is there')
    assert.deepEqual(await search('name:pay AND labels.team:finance'), ['Payouts'])
    assert.deepEqual(await search('name:pay labels.team:finance'), ['Payouts'], 'side by side means AND')
    assert.deepEqual(await search('labels.team:finance OR labels.tier:gold'), ['Ledger API', 'Payments', 'Payouts'])
    assert.deepEqual(await search('(name:users OR name:ledger) AND labels.tier:gold'), ['Ledger API'])
    assert.deepEqual(await search('name:users OR name:ledger AND labels.tier:gold'), ['Ledger API', 'Users'], 'AND binds tighter than OR')
    assert.deepEqual(await search('runtime_group:staging'), ['Users'])
    assert.deepEqual(await search('name:"ledger api"'), ['Ledger API'], 'a quoted value keeps its space')
    assert.deepEqual(await search('pays whom'), ['Users'], 'plain words are one phrase')
    assert.deepEqual(await search('money and more'), [], '"and" in lower case is text')
    assert.deepEqual(await search('"name:pay"'), [], 'a quoted filter is text')
    for (const bad of ['lables.team:payments', 'name:', '(name:pay', 'name:pay)', 'name:pay AND', 'OR name:pay', '"open']) {
      const r = await call('GET', `/service-packages?q=${encodeURIComponent(bad)}`)
      assert.equal(r.status, 400, bad)
      assert.deepEqual(Object.keys(r.body.fields), ['q'], bad)
    }
  })

  test('labels filters match exact key and value pairs, all of them', async (t) => {
    const call = await startCatalog(t, store)
    await call('POST', '/service-packages', { name: 'a', labels: { team: 'payments', env: 'prod' } })
    await call('POST', '/service-packages', { name: 'b', labels: { team: 'payments' } })
    await call('POST', '/service-packages', { name: 'c', labels: { owner: 'team', note: 'payments' } })
    await call('POST', '/service-packages', { name: 'd', labels: { Team: 'payments', xteam: 'payments', team2: 'payments', team: 'payments-old' } })
    const filter = async (query: string): Promise<string[]> => names(await call('GET', `/service-packages?${query}`))
    assert.deepEqual(await filter('labels=team:payments'), ['a', 'b'])
    assert.deepEqual(await filter('labels=team:payments&labels=env:prod'), ['a'])
    assert.deepEqual(await filter('labels=team:payments,env:prod'), ['a'])
    assert.deepEqual(await filter('labels=Team:payments'), ['d'], 'keys are case-sensitive')
    assert.deepEqual(await filter('labels=team:pay'), [])
    assert.deepEqual(await filter('labels=team:payments&q=PROD'), ['a'])
    const bad = await call('GET', '/service-packages?labels=team')
    assert.equal(bad.status, 400)
    assert.ok('labels' in bad.body.fields)
  })

  test('pagination walks every package exactly once in name order', async (t) => {
    const call = await startCatalog(t, store)
    const all: string[] = []
    for (let i = 0; i < 23; i++) {
      const name = `pkg-${String((i * 7) % 23).padStart(2, '0')}`
      all.push(name)
      assert.equal((await call('POST', '/service-packages', { name, labels: { parity: i % 2 === 0 ? 'even' : 'odd' } })).status, 201)
    }
    await call('POST', '/service-packages', { name: 'Zeta' })
    await call('POST', '/service-packages', { name: 'alpha' })
    const expected = ['Zeta', 'alpha', ...all.sort()] // byte order: upper case before lower case
    const seen: string[] = []
    let next: string | null = null
    let pages = 0
    do {
      const r: Reply = await call('GET', `/service-packages?size=4${next === null ? '' : `&next=${encodeURIComponent(next)}`}`)
      assert.equal(r.status, 200)
      assert.ok(r.body.data.length <= 4)
      seen.push(...names(r))
      next = r.body.next
      pages++
    } while (next !== null)
    assert.deepEqual(seen, expected)
    assert.equal(pages, 7)
    const filtered = await call('GET', '/service-packages?labels=parity:even&size=100')
    assert.equal(filtered.body.data.length, 12)
    assert.equal(filtered.body.next, null)
    assert.equal((await call('GET', '/service-packages?size=0')).status, 400)
    assert.equal((await call('GET', '/service-packages?next=garbage')).status, 400)
    const far = Buffer.from(JSON.stringify({ o: 1e20 })).toString('base64url')
    assert.equal((await call('GET', `/service-packages?next=${far}`)).status, 400, 'an offset past SQL integers is a bad cursor, not a 500')
    for (const query of ['q=%00', 'runtime_group=a%00', 'labels=a%00:b']) assert.equal((await call('GET', `/service-packages?${query}`)).status, 400, query)
    assert.equal((await call('GET', '/service-packages/a%00b')).status, 400, 'NUL in a path is refused before any lookup')
  })
})
