import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeStores } from '../../support/stores.js'
import { startAdmin, type Call } from './gateway-kit.js'

// Markdown documents of service packages: CRUD, slugs unique per package, validation with field
// paths, size limits, the hierarchy (no cycles, bounded depth, deleting parents); both stores.

async function setup (call: Call): Promise<void> {
  assert.equal((await call('POST', '/service-packages', { name: 'payments' })).status, 201)
  assert.equal((await call('POST', '/service-packages', { name: 'users' })).status, 201)
}

function doc (call: Call, pkg: string, body: unknown): ReturnType<Call> {
  return call('POST', `/service-packages/${pkg}/documents`, body)
}

describeStores((store) => {
  test('documents are created, listed without content, read, updated and deleted by id or slug', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    const created = await doc(call, 'payments', { title: 'Getting Started!', content: '# Hello\n\nWelcome.' })
    assert.equal(created.status, 201, created.text)
    assert.equal(created.body.slug, 'getting-started', 'derived from the title')
    assert.equal(created.body.status, 'unpublished', 'documents start unpublished')
    assert.equal(created.body.parent, null)
    assert.equal(created.body.content, '# Hello\n\nWelcome.')
    assert.equal(created.body.size, 17)
    const faq = await doc(call, 'payments', { title: 'FAQ', slug: 'faq', content: 'é', status: 'published', parent: 'getting-started' })
    assert.equal(faq.status, 201, faq.text)
    assert.deepEqual(faq.body.parent, { id: created.body.id })
    assert.equal(faq.body.size, 2, 'size counts UTF-8 bytes')

    const list = await call('GET', '/service-packages/payments/documents')
    assert.deepEqual(list.body.data.map((d: any) => d.slug), ['faq', 'getting-started'])
    assert.ok(list.body.data.every((d: any) => !('content' in d)), 'lists carry no content')
    assert.equal(list.body.next, null)
    assert.deepEqual((await call('GET', '/service-packages/payments/documents?status=published')).body.data.map((d: any) => d.slug), ['faq'])
    assert.deepEqual((await call('GET', '/service-packages/payments/documents?parent=none')).body.data.map((d: any) => d.slug), ['getting-started'])
    assert.deepEqual((await call('GET', '/service-packages/payments/documents?parent=getting-started')).body.data.map((d: any) => d.slug), ['faq'])
    assert.equal((await call('GET', '/service-packages/payments/documents?status=draft')).status, 400)
    const paged = await call('GET', '/service-packages/payments/documents?size=1')
    assert.equal(paged.body.data.length, 1)
    assert.notEqual(paged.body.next, null)

    assert.deepEqual((await call('GET', '/service-packages/payments/documents/faq')).body, faq.body)
    assert.deepEqual((await call('GET', `/service-packages/payments/documents/${faq.body.id}`)).body, faq.body)
    assert.equal((await call('GET', '/service-packages/users/documents/faq')).status, 404, 'documents belong to one package')

    const patched = await call('PATCH', '/service-packages/payments/documents/faq', { title: 'Questions', content: 'new', parent: null, status: 'unpublished' })
    assert.equal(patched.status, 200, patched.text)
    assert.equal(patched.body.slug, 'faq', 'a slug stays when the title changes')
    assert.equal(patched.body.parent, null)
    assert.equal(patched.body.content, 'new')
    const reslug = await call('PATCH', '/service-packages/payments/documents/faq', { slug: null })
    assert.equal(reslug.body.slug, 'questions', 'slug null derives it again')

    assert.equal((await doc(call, 'users', { title: 'Questions' })).status, 201, 'another package may use the slug')
    const dup = await doc(call, 'payments', { title: 'Questions' })
    assert.equal(dup.status, 409)
    assert.ok('slug' in dup.body.fields)
    const dupPatch = await call('PATCH', '/service-packages/payments/documents/questions', { slug: 'getting-started' })
    assert.equal(dupPatch.status, 409)

    assert.equal((await call('DELETE', '/service-packages/payments/documents/questions')).status, 204)
    assert.equal((await call('GET', '/service-packages/payments/documents/questions')).status, 404)
    assert.equal((await call('DELETE', '/service-packages/payments/documents/questions')).status, 404)
    assert.equal((await call('DELETE', '/service-packages/payments')).status, 204)
    assert.equal((await call('POST', '/service-packages', { name: 'payments' })).status, 201)
    assert.deepEqual((await call('GET', '/service-packages/payments/documents')).body.data, [], 'a deleted package took its documents')
  })

  test('invalid documents are refused with every field that is wrong', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    const bad = await doc(call, 'payments', { slug: 'Not A Slug', status: 'draft', content: 42, parent: 7, colour: 'red' })
    assert.equal(bad.status, 400)
    assert.equal(bad.body.code, 'ATRIUM_ERR_ADMIN_INVALID')
    assert.deepEqual(Object.keys(bad.body.fields).sort(), ['colour', 'content', 'parent', 'slug', 'status', 'title'])
    assert.match(bad.body.fields.title, /required/)
    const badTitle = await doc(call, 'payments', { title: ' padded ' })
    assert.deepEqual(Object.keys(badTitle.body.fields), ['title'])
    assert.equal((await doc(call, 'payments', { title: 'x'.repeat(257) })).status, 400)
    assert.equal((await doc(call, 'payments', { title: 'x'.repeat(256) })).status, 201)
    const noSlug = await doc(call, 'payments', { title: '!!!' })
    assert.equal(noSlug.status, 400)
    assert.match(noSlug.body.fields.slug, /cannot be derived/)
    const noParent = await doc(call, 'payments', { title: 'Orphan', parent: 'nowhere' })
    assert.equal(noParent.status, 400)
    assert.match(noParent.body.fields.parent, /no document "nowhere"/)
    assert.equal((await call('POST', '/service-packages/nope/documents', { title: 'x' })).status, 404)
    assert.equal((await call('POST', '/service-packages/payments/documents', '[1]')).status, 400)
  })

  test('content is limited to 1 MiB of UTF-8, the request body to 4 MiB', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    const atLimit = await doc(call, 'payments', { title: 'Big', content: 'x'.repeat(1024 * 1024) })
    assert.equal(atLimit.status, 201)
    assert.equal(atLimit.body.size, 1024 * 1024)
    const over = await doc(call, 'payments', { title: 'Bigger', content: 'é'.repeat(512 * 1024 + 1) })
    assert.equal(over.status, 400, '1 MiB + 2 bytes in UTF-8')
    assert.match(over.body.fields.content, /at most 1048576 bytes/)
    const patchOver = await call('PATCH', '/service-packages/payments/documents/big', { content: 'x'.repeat(1024 * 1024 + 1) })
    assert.equal(patchOver.status, 400)
    const huge = await doc(call, 'payments', { title: 'Huge', content: 'x'.repeat(4 * 1024 * 1024) })
    assert.equal(huge.status, 413)
    assert.equal(huge.body.code, 'ATRIUM_ERR_ADMIN_BODY_TOO_LARGE')
    assert.equal((await call('GET', '/service-packages/payments/documents/big')).body.content.length, 1024 * 1024)
  })

  test('the hierarchy has no cycles, at most 8 levels, and a parent is deleted with its children only on request', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    const a = (await doc(call, 'payments', { title: 'A' })).body
    const b = (await doc(call, 'payments', { title: 'B', parent: 'a' })).body
    assert.equal((await doc(call, 'payments', { title: 'C', parent: { id: b.id } })).status, 201)
    const self = await call('PATCH', '/service-packages/payments/documents/a', { parent: 'a' })
    assert.equal(self.status, 400)
    assert.match(self.body.fields.parent, /itself or one of its descendants/)
    const cycle = await call('PATCH', '/service-packages/payments/documents/a', { parent: 'c' })
    assert.equal(cycle.status, 400, 'a → b → c → a')
    assert.ok('parent' in cycle.body.fields)
    assert.equal((await call('GET', '/service-packages/payments/documents/a')).body.parent, null, 'nothing changed')
    const other = (await doc(call, 'users', { title: 'Elsewhere' })).body
    assert.equal((await doc(call, 'payments', { title: 'D', parent: other.id })).status, 400, 'a parent from another package')

    let parent = 'c'
    for (let level = 4; level <= 8; level++) {
      const r = await doc(call, 'payments', { title: `L${level}`, parent })
      assert.equal(r.status, 201, `level ${level}`)
      parent = r.body.slug
    }
    const tooDeep = await doc(call, 'payments', { title: 'L9', parent })
    assert.equal(tooDeep.status, 400)
    assert.match(tooDeep.body.fields.parent, /at most 8 levels/)
    const side = (await doc(call, 'payments', { title: 'Side' })).body
    assert.equal((await doc(call, 'payments', { title: 'Side child', parent: 'side' })).status, 201)
    assert.equal((await call('PATCH', '/service-packages/payments/documents/side', { parent: 'l7' })).status, 400, 'moving a 2-level subtree under level 7 makes 9')
    assert.equal((await call('PATCH', '/service-packages/payments/documents/side', { parent: 'l6' })).status, 200)

    const refused = await call('DELETE', '/service-packages/payments/documents/a')
    assert.equal(refused.status, 409)
    assert.match(refused.body.message, /recursive=true/)
    assert.equal(refused.body.fields.children, 'b')
    assert.equal((await call('DELETE', '/service-packages/payments/documents/a?recursive=yes')).status, 400)
    assert.equal((await call('DELETE', '/service-packages/payments/documents/a?recursive=true')).status, 204)
    const left = (await call('GET', '/service-packages/payments/documents')).body.data
    assert.deepEqual(left, [], `the whole subtree went, side (${side.id}) too since it was moved under it`)
  })

  test('at most 1000 documents per package', async (t) => {
    const call = await startAdmin(t, store)
    await setup(call)
    for (let i = 0; i < 1000; i++) assert.equal((await doc(call, 'payments', { title: `Doc ${i}` })).status, 201)
    const over = await doc(call, 'payments', { title: 'One too many' })
    assert.equal(over.status, 409)
    assert.match(over.body.message, /at most 1000 documents/)
    assert.equal((await doc(call, 'users', { title: 'Fine' })).status, 201)
  })
})
