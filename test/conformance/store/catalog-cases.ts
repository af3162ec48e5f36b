import assert from 'node:assert/strict'
import { GatewayError } from '../../../src/errors.js'
import { newId } from '../../../src/control-plane/shared/ids.js'
import { isUniqueViolation } from '../../../src/control-plane/catalog/sql-errors.js'
import {
  checkPackageUnique, deletePackageRow, findPackage, findPackageForUpdate, searchPackages, updatePackage, type PackageSearch
} from '../../../src/control-plane/catalog/package-store.js'
import { allVersions, checkVersionUnique, deleteVersionRow, listVersions, requireVersion, updateVersion } from '../../../src/control-plane/catalog/version-store.js'
import {
  allDocumentHeads, checkDocumentSlugUnique, deleteDocumentRow, findDocument, insertDocument, listDocuments, updateDocument, type DocumentRecord
} from '../../../src/control-plane/catalog/document-store.js'
import { deleteSpec, findSpecContent, findSpecDocument, findSpecSummary, saveSpec } from '../../../src/control-plane/catalog/spec-store.js'
import type { ParsedSpec } from '../../../src/control-plane/catalog/spec-parse.js'
import type { DbExecutor } from '../../../src/control-plane/store/db.js'
import { addGroup, addPackage, addVersion, countRows, rejection, storeCase, T0, type StoreCaseGroup } from './store-case.js'

// The catalog's SQL (src/control-plane/catalog/*-store.ts): packages and their search, versions,
// documents and specs.

const PAGE = { size: 100, offset: 0 }

async function search (ex: DbExecutor, dialect: 'sqlite' | 'postgres', s: Partial<PackageSearch>): Promise<string[]> {
  return (await searchPackages(ex, dialect, { labels: [], ...s }, PAGE)).map((p) => p.name)
}

function conflict (err: unknown): string[] {
  assert.ok(err instanceof GatewayError && err.code === 'ATRIUM_ERR_ADMIN_CONFLICT', String(err))
  return err.fields.map((f) => f.path)
}

function doc (packageId: string, slug: string, fields: Partial<DocumentRecord> = {}): DocumentRecord {
  return { id: newId(), service_package_id: packageId, parent_id: null, title: slug, slug, content: `# ${slug}`, status: 'published', created_at: T0, updated_at: T0, ...fields }
}

function spec (title: string): ParsedSpec {
  return {
    format: 'yaml',
    specification: { type: 'openapi', version: '3.1.0' },
    title,
    api_version: '1.0.0',
    document: { openapi: '3.1.0', info: { title, version: '1.0.0' }, paths: {} },
    operations: [{ method: 'GET', path: '/pets', summary: 'List pets', operation_id: 'listPets', deprecated: false }]
  }
}

export const catalogCases: StoreCaseGroup = {
  name: 'catalog',
  cases: [
    storeCase('a package is found by id, by slug or by name (a slug before another package\'s name), with its labels', async ({ db }) => {
      const pkg = await addPackage(db, 'Payments API', { slug: 'payments', description: 'Cards', labels: { team: 'payments' }, portal_published: true })
      const decoy = await addPackage(db, 'payments', { slug: 'other' })
      assert.deepEqual(await findPackage(db, pkg.id.toUpperCase()), pkg)
      assert.deepEqual(await findPackage(db, 'payments'), pkg, 'slug wins')
      assert.deepEqual(await findPackage(db, 'Payments API'), pkg)
      assert.deepEqual(await findPackage(db, 'other'), decoy)
      assert.equal(await findPackage(db, 'nothing'), null)
      assert.deepEqual(await db.transaction(async (tx) => await findPackageForUpdate(tx, 'payments')), pkg)
    }),

    storeCase('names and slugs are unique: checkPackageUnique names each taken field, the table refuses the rest', async ({ db }) => {
      const pkg = await addPackage(db, 'Orders', { slug: 'orders' })
      assert.deepEqual(conflict(await rejection(checkPackageUnique(db, { ...pkg, id: newId() }))), ['name', 'slug'])
      assert.deepEqual(conflict(await rejection(checkPackageUnique(db, { ...pkg, id: newId(), name: 'Other' }))), ['slug'])
      await checkPackageUnique(db, pkg) // itself
      assert.ok(isUniqueViolation(await rejection(addPackage(db, 'Orders', { slug: 'orders-2' }))))
    }),

    storeCase('q searches names, descriptions, label keys and values case-insensitively, with % _ and \\ taken literally', async ({ kind, db }) => {
      await addPackage(db, 'Payments', { description: 'Card PAYMENTS in Zürich' })
      await addPackage(db, 'Users', { labels: { Team: 'Identity' } })
      await addPackage(db, 'Pct', { description: '100% off_line \\ path' })
      await addPackage(db, 'Plain', { description: '100 offXline' })
      assert.deepEqual(await search(db, kind, { q: 'payments' }), ['Payments'])
      assert.deepEqual(await search(db, kind, { q: 'ZÜRICH' }), ['Payments'], 'Unicode, lower-cased in JS for both stores')
      assert.deepEqual(await search(db, kind, { q: 'team' }), ['Users'])
      assert.deepEqual(await search(db, kind, { q: 'IDENT' }), ['Users'])
      assert.deepEqual(await search(db, kind, { q: '100%' }), ['Pct'])
      assert.deepEqual(await search(db, kind, { q: 'off_line' }), ['Pct'])
      assert.deepEqual(await search(db, kind, { q: '\\ p' }), ['Pct'])
      assert.deepEqual(await search(db, kind, { q: 'nowhere' }), [])
    }),

    storeCase('label filters match exact pairs, all of them; an update rewrites the label rows with the labels', async ({ kind, db }) => {
      const a = await addPackage(db, 'A', { labels: { team: 'payments', tier: 'gold' } })
      await addPackage(db, 'B', { labels: { team: 'payments' } })
      await addPackage(db, 'C', { labels: { team: 'Payments' } })
      assert.deepEqual(await search(db, kind, { labels: [['team', 'payments']] }), ['A', 'B'])
      assert.deepEqual(await search(db, kind, { labels: [['team', 'payments'], ['tier', 'gold']] }), ['A'])
      await updatePackage(db, { ...a, labels: { team: 'billing' }, updated_at: T0 + 1 })
      assert.deepEqual(await search(db, kind, { labels: [['team', 'payments']] }), ['B'])
      assert.deepEqual(await search(db, kind, { labels: [['team', 'billing']] }), ['A'])
      assert.equal(await countRows(db, 'service_package_labels', 'service_package_id = $1', [a.id]), 1)
    }),

    storeCase('search filters by runtime group (id or name) and portal publication, and pages in byte order of names', async ({ kind, db }) => {
      const prod = await addGroup(db, 'production')
      const names = ['beta', 'Zulu', 'alpha', 'Émile', 'Alpha']
      const pkgs = []
      for (const [i, name] of names.entries()) pkgs.push(await addPackage(db, name, { slug: `p${i}`, portal_published: i % 2 === 0 }))
      await addVersion(db, pkgs[0], prod, 'v1')
      await addVersion(db, pkgs[3], prod, 'v1')
      assert.deepEqual(await search(db, kind, {}), ['Alpha', 'Zulu', 'alpha', 'beta', 'Émile'])
      assert.deepEqual(await search(db, kind, { runtimeGroup: 'production' }), ['beta', 'Émile'])
      assert.deepEqual(await search(db, kind, { runtimeGroup: prod.id }), ['beta', 'Émile'])
      assert.deepEqual(await search(db, kind, { portalPublished: true }), ['Alpha', 'alpha', 'beta'])
      assert.deepEqual(await search(db, kind, { portalPublished: false }), ['Zulu', 'Émile'])
      const page = await searchPackages(db, kind, { labels: [] }, { size: 2, offset: 2 })
      assert.deepEqual(page.map((p) => p.name), ['alpha', 'beta', 'Émile'], 'size + 1 rows from the offset')
    }),

    storeCase('deleting a package deletes its labels, versions and documents', async ({ db }) => {
      const group = await addGroup(db, 'g')
      const pkg = await addPackage(db, 'Gone', { labels: { a: 'b' } })
      const kept = await addPackage(db, 'Kept', { labels: { a: 'b' } })
      await addVersion(db, pkg, group, 'v1')
      await addVersion(db, kept, group, 'v1')
      await insertDocument(db, doc(pkg.id, 'guide'))
      await deletePackageRow(db, pkg.id)
      for (const table of ['service_package_labels', 'service_versions', 'service_package_documents']) {
        assert.equal(await countRows(db, table, 'service_package_id = $1', [pkg.id]), 0, table)
      }
      assert.equal(await countRows(db, 'service_versions'), 1)
      assert.equal(await countRows(db, 'service_package_labels'), 1)
    }),

    storeCase('a version name is unique per package and runtime group; by name it must be unambiguous, by id it always is', async ({ kind, db }) => {
      const prod = await addGroup(db, 'production')
      const staging = await addGroup(db, 'staging')
      const pkg = await addPackage(db, 'Pets')
      const v1prod = await addVersion(db, pkg, prod, 'v1', { status: 'published' })
      const v1staging = await addVersion(db, pkg, staging, 'v1')
      const v2 = await addVersion(db, pkg, prod, 'v2', { service_id: newId() })
      assert.ok(isUniqueViolation(await rejection(addVersion(db, pkg, prod, 'v1'))))
      assert.deepEqual(conflict(await rejection(checkVersionUnique(db, pkg.id, 'v1', prod.id, newId()))), ['version'])
      await checkVersionUnique(db, pkg.id, 'v1', prod.id, v1prod.id)
      assert.deepEqual(conflict(await rejection(requireVersion(db, pkg.id, { vid: 'v1' }))), ['vid'])
      assert.deepEqual(await requireVersion(db, pkg.id, { vid: 'v1', runtimeGroup: 'staging' }), v1staging, 'a name plus its group')
      assert.deepEqual(await requireVersion(db, pkg.id, { vid: 'v1', runtimeGroup: prod.id }), v1prod)
      assert.deepEqual(await requireVersion(db, pkg.id, { vid: v1staging.id.toUpperCase() }), v1staging)
      assert.deepEqual(await requireVersion(db, pkg.id, { vid: 'v2' }), v2)
      assert.deepEqual((await listVersions(db, kind, pkg.id, undefined, PAGE)).map((v) => [v.version, v.runtime_group_name]),
        [['v1', 'production'], ['v1', 'staging'], ['v2', 'production']])
      assert.deepEqual((await listVersions(db, kind, pkg.id, 'staging', PAGE)).map((v) => v.id), [v1staging.id])
      assert.deepEqual((await listVersions(db, kind, pkg.id, prod.id, PAGE)).map((v) => v.id), [v1prod.id, v2.id])
      await updateVersion(db, { ...v2, version: 'v3', status: 'deprecated', service_id: null, updated_at: T0 + 5 })
      assert.deepEqual(await requireVersion(db, pkg.id, { vid: v2.id }), { ...v2, version: 'v3', status: 'deprecated', service_id: null, updated_at: T0 + 5 })
      await deleteVersionRow(db, v1staging.id)
      assert.deepEqual((await allVersions(db, pkg.id)).map((v) => v.id).sort(), [v1prod.id, v2.id].sort())
      const err = await rejection(requireVersion(db, pkg.id, { vid: 'v9' }))
      assert.ok(err instanceof GatewayError && err.code === 'ATRIUM_ERR_ADMIN_NOT_FOUND')
      const elsewhere = await rejection(requireVersion(db, pkg.id, { vid: 'v3', runtimeGroup: 'staging' }))
      assert.ok(elsewhere instanceof GatewayError && elsewhere.code === 'ATRIUM_ERR_ADMIN_NOT_FOUND', 'v3 is not in staging')
    }),

    storeCase('documents: found by id or slug, listed without content by parent and status, sized in UTF-8 bytes; a parent takes its subtree along', async ({ kind, db }) => {
      const pkg = await addPackage(db, 'Docs')
      const other = await addPackage(db, 'Other')
      const root = doc(pkg.id, 'guide', { title: 'Guide', content: 'é😀' })
      const child = doc(pkg.id, 'setup', { title: 'Setup', parent_id: root.id, status: 'unpublished' })
      const grandchild = doc(pkg.id, 'deep', { title: 'Deep', parent_id: child.id })
      const top = doc(pkg.id, 'faq', { title: 'FAQ' })
      for (const d of [root, child, grandchild, top]) await insertDocument(db, d)
      await insertDocument(db, doc(other.id, 'guide'))
      assert.deepEqual(await findDocument(db, pkg.id, 'guide'), root)
      assert.deepEqual(await findDocument(db, pkg.id, child.id.toUpperCase()), child)
      assert.equal(await findDocument(db, other.id, child.id), null)
      const heads = await allDocumentHeads(db, kind, pkg.id)
      assert.deepEqual(heads.map((h) => h.title), ['Deep', 'FAQ', 'Guide', 'Setup'])
      assert.equal(heads.find((h) => h.slug === 'guide')?.size, 6)
      assert.ok(heads.every((h) => !('content' in h)))
      assert.deepEqual((await listDocuments(db, kind, pkg.id, { parentId: null }, PAGE)).map((h) => h.slug), ['faq', 'guide'])
      assert.deepEqual((await listDocuments(db, kind, pkg.id, { parentId: root.id }, PAGE)).map((h) => h.slug), ['setup'])
      assert.deepEqual((await listDocuments(db, kind, pkg.id, { status: 'unpublished' }, PAGE)).map((h) => h.slug), ['setup'])
      assert.ok(isUniqueViolation(await rejection(insertDocument(db, doc(pkg.id, 'guide')))))
      assert.deepEqual(conflict(await rejection(checkDocumentSlugUnique(db, pkg.id, 'faq', root.id))), ['slug'])
      await checkDocumentSlugUnique(db, pkg.id, 'faq', top.id)
      await updateDocument(db, { ...top, parent_id: root.id, content: 'x'.repeat(10), updated_at: T0 + 1 })
      assert.equal((await allDocumentHeads(db, kind, pkg.id)).find((h) => h.id === top.id)?.size, 10)
      await deleteDocumentRow(db, root.id)
      assert.deepEqual(await allDocumentHeads(db, kind, pkg.id), [], 'the subtree (setup, deep, and faq moved under guide) went with it')
      assert.equal(await countRows(db, 'service_package_documents'), 1)
    }),

    storeCase('a version has at most one spec: saved, replaced (created_at kept), read back whole, deleted, and deleted with its version', async ({ db }) => {
      const group = await addGroup(db, 'g')
      const pkg = await addPackage(db, 'Pets')
      const version = await addVersion(db, pkg, group, 'v1')
      const yaml = 'openapi: 3.1.0\ninfo: { title: Pets, version: 1.0.0 }\npaths: {}\n# é\n'
      const first = await saveSpec(db, version.id, yaml, spec('Pets'), T0 + 10)
      assert.equal(first.created, true)
      assert.deepEqual(await findSpecSummary(db, version.id), first.summary)
      assert.equal(first.summary.size, Buffer.byteLength(yaml))
      const second = await saveSpec(db, version.id, '{}', spec('Pets v2'), T0 + 20)
      assert.equal(second.created, false)
      assert.deepEqual([second.summary.created_at, second.summary.updated_at, second.summary.title], [T0 + 10, T0 + 20, 'Pets v2'])
      assert.deepEqual(await findSpecContent(db, version.id), { summary: second.summary, content: '{}' })
      assert.deepEqual(JSON.parse(await findSpecDocument(db, version.id) ?? 'null'), spec('Pets v2').document)
      assert.equal(await deleteSpec(db, version.id), true)
      assert.equal(await deleteSpec(db, version.id), false)
      assert.equal(await findSpecSummary(db, version.id), null)
      await saveSpec(db, version.id, yaml, spec('Pets'), T0 + 30)
      await deleteVersionRow(db, version.id)
      assert.equal(await countRows(db, 'service_version_specs'), 0)
    })
  ]
}
