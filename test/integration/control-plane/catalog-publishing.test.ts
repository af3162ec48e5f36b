import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin } from './gateway-kit.js'

// Publishing to the Dev Portal in the Admin API: packages are off the portal until
// portal_published is true; versions (published | deprecated | unpublished) and documents
// (published | unpublished) each have their own status and start unpublished.

describeStores((store) => {
  test('portal_published starts false, is set by POST, PATCH and PUT, and filters the package search', async (t) => {
    const call = await startAdmin(t, store)
    const off = await call('POST', '/service-packages', { name: 'internal' })
    assert.equal(off.body.portal_published, false)
    const on = await call('POST', '/service-packages', { name: 'public', portal_published: true })
    assert.equal(on.status, 201)
    assert.equal(on.body.portal_published, true)
    assert.equal((await call('GET', '/service-packages/public')).body.portal_published, true)

    const names = async (query: string): Promise<string[]> => (await call('GET', `/service-packages${query}`)).body.data.map((p: any) => p.name)
    assert.deepEqual(await names('?portal_published=true'), ['public'])
    assert.deepEqual(await names('?portal_published=false'), ['internal'])
    assert.deepEqual(await names(''), ['internal', 'public'])
    const badFilter = await call('GET', '/service-packages?portal_published=yes')
    assert.equal(badFilter.status, 400)
    assert.ok('portal_published' in badFilter.body.fields)

    const patched = await call('PATCH', '/service-packages/internal', { portal_published: true })
    assert.equal(patched.body.portal_published, true)
    assert.equal((await call('PATCH', '/service-packages/internal', { description: 'x' })).body.portal_published, true, 'a PATCH without the field keeps it')
    const bad = await call('PATCH', '/service-packages/internal', { portal_published: 'true' })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.fields.portal_published, 'must be true or false')
    const replaced = await call('PUT', '/service-packages/internal', { name: 'internal' })
    assert.equal(replaced.body.portal_published, false, 'PUT replaces: absent means the default')
  })

  test('versions and documents have their own status: versions published, deprecated or unpublished; documents published or unpublished', async (t) => {
    const call = await startAdmin(t, store)
    await call('POST', '/runtime-groups', { name: 'production' })
    await call('POST', '/service-packages', { name: 'public', portal_published: true })
    const v = await call('POST', '/service-packages/public/versions', { version: 'v1', runtime_group: 'production' })
    assert.equal(v.body.status, 'unpublished')
    for (const status of ['published', 'deprecated', 'unpublished']) {
      assert.equal((await call('PATCH', '/service-packages/public/versions/v1', { status })).body.status, status)
    }
    assert.equal((await call('PATCH', '/service-packages/public/versions/v1', { status: 'retired' })).status, 400)
    const d = await call('POST', '/service-packages/public/documents', { title: 'Intro' })
    assert.equal(d.body.status, 'unpublished')
    assert.equal((await call('PATCH', '/service-packages/public/documents/intro', { status: 'published' })).body.status, 'published')
    const bad = await call('PATCH', '/service-packages/public/documents/intro', { status: 'deprecated' })
    assert.equal(bad.status, 400)
    assert.match(bad.body.fields.status, /published, unpublished/)
  })
})
