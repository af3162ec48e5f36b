import { GatewayError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import type { DbExecutor } from '../store/db.js'
import { newId, nowSeconds } from '../shared/ids.js'
import { pageResult } from '../shared/pagination.js'
import {
  DEPTH_MAX, DOCUMENT_BODY_LIMIT, DOCUMENT_STATUSES, DOCUMENTS_MAX, documentSlugFor, parseDocumentBody,
  type DocumentFields, type DocumentStatus
} from './document-input.js'
import {
  allDocumentHeads, checkDocumentSlugUnique, deleteDocumentRow, findDocument, insertDocument, listDocuments, requireDocument, updateDocument,
  type DocumentHead, type DocumentRecord
} from './document-store.js'
import { childrenMap, heightOf, levelOf, wouldCycle } from './document-tree.js'
import { invalid } from './package-input.js'
import { requirePackage, requirePackageForUpdate, type Dialect } from './package-store.js'
import { readCatalogPage, readTextParam } from './query-input.js'
import { mapConstraintErrors } from './sql-errors.js'

// /service-packages/{id}/documents[/{doc}]: markdown pages of a package, in a hierarchy (parent),
// each published to the Dev Portal on its own (status). Writes lock the package row, so hierarchy
// checks and the slug check see every committed document.

const TAG = 'Service catalog'
const CONFLICT = 'the document slug or id is taken'

export interface DocumentView {
  id: string
  service_package: { id: string }
  title: string
  slug: string
  parent: { id: string } | null
  status: DocumentStatus
  /** Bytes of content (UTF-8). */
  size: number
  /** Only when one document is read or written, never in lists. */
  content?: string
  created_at: number
  updated_at: number
}

function view (d: DocumentHead | DocumentRecord, withContent: boolean): DocumentView {
  const content = 'content' in d ? d.content : undefined
  return {
    id: d.id,
    service_package: { id: d.service_package_id },
    title: d.title,
    slug: d.slug,
    parent: d.parent_id === null ? null : { id: d.parent_id },
    status: d.status,
    size: 'size' in d ? d.size : Buffer.byteLength(content ?? '', 'utf8'),
    ...(withContent && content !== undefined ? { content } : {}),
    created_at: d.created_at,
    updated_at: d.updated_at
  }
}

/** The parent's id after checking it exists in the package, creates no cycle and keeps the depth. */
async function resolveParent (tx: DbExecutor, dialect: Dialect, packageId: string, ref: string | null, docId: string): Promise<string | null> {
  if (ref === null) return null
  const parent = await findDocument(tx, packageId, ref)
  if (parent === null) throw invalid('the parent document does not exist', [{ path: 'parent', message: `no document "${ref}" in this service package` }])
  const heads = await allDocumentHeads(tx, dialect, packageId)
  if (parent.id === docId || wouldCycle(heads, docId, parent.id)) {
    throw invalid('the parent would make a cycle', [{ path: 'parent', message: 'must not be the document itself or one of its descendants' }])
  }
  const exists = heads.some((h) => h.id === docId)
  const levels = levelOf(heads, parent.id) + (exists ? heightOf(heads, docId) : 1)
  if (levels > DEPTH_MAX) throw invalid('the hierarchy would be too deep', [{ path: 'parent', message: `documents nest at most ${DEPTH_MAX} levels deep` }])
  return parent.id
}

async function create (deps: ControlPlaneDeps, ctx: AdminContext): Promise<DocumentView> {
  const fields = parseDocumentBody(await ctx.json(), 'create')
  const title = fields.title as string
  const slug = typeof fields.slug === 'string' ? fields.slug : documentSlugFor(title)
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    const id = fields.id ?? newId()
    if ((await tx.query('SELECT 1 AS x FROM service_package_documents WHERE id = $1', [id])).length > 0) {
      throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', 'a document with this id exists', { fields: [{ path: 'id', message: 'already exists' }] })
    }
    const count = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM service_package_documents WHERE service_package_id = $1', [pkg.id])
    if (Number(count[0].n) >= DOCUMENTS_MAX) {
      throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `a service package holds at most ${DOCUMENTS_MAX} documents`)
    }
    await checkDocumentSlugUnique(tx, pkg.id, slug, id)
    const now = nowSeconds()
    const record: DocumentRecord = {
      id,
      service_package_id: pkg.id,
      parent_id: await resolveParent(tx, deps.db.dialect, pkg.id, fields.parent ?? null, id),
      title,
      slug,
      content: fields.content ?? '',
      status: fields.status ?? 'unpublished',
      created_at: now,
      updated_at: now
    }
    await insertDocument(tx, record)
    return view(record, true)
  }), CONFLICT)
}

function patched (current: DocumentRecord, fields: DocumentFields): DocumentRecord {
  const title = fields.title ?? current.title
  return {
    ...current,
    title,
    slug: fields.slug === null ? documentSlugFor(title) : fields.slug ?? current.slug,
    content: fields.content ?? current.content,
    status: fields.status ?? current.status,
    updated_at: nowSeconds()
  }
}

async function patch (deps: ControlPlaneDeps, ctx: AdminContext): Promise<DocumentView> {
  const fields = parseDocumentBody(await ctx.json(), 'patch')
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    const current = await requireDocument(tx, pkg.id, ctx.params.doc)
    if (fields.id !== undefined && fields.id !== current.id) throw invalid('id cannot change', [{ path: 'id', message: 'must be the id of this document' }])
    const next = patched(current, fields)
    if (fields.parent !== undefined) next.parent_id = await resolveParent(tx, deps.db.dialect, pkg.id, fields.parent, current.id)
    await checkDocumentSlugUnique(tx, pkg.id, next.slug, next.id)
    await updateDocument(tx, next)
    return view(next, true)
  }), CONFLICT)
}

async function remove (deps: ControlPlaneDeps, ctx: AdminContext): Promise<void> {
  const recursive = ctx.query.get('recursive')
  if (recursive !== null && recursive !== 'true' && recursive !== 'false') {
    throw invalid('recursive must be true or false', [{ path: 'recursive', message: 'must be true or false' }])
  }
  await deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    const doc = await requireDocument(tx, pkg.id, ctx.params.doc)
    const children = childrenMap(await allDocumentHeads(tx, deps.db.dialect, pkg.id)).get(doc.id) ?? []
    if (children.length > 0 && recursive !== 'true') {
      throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `document "${doc.slug}" has ${children.length} child document(s): move or delete them first, or delete with ?recursive=true`, {
        fields: [{ path: 'children', message: children.map((c) => c.slug).join(', ') }]
      })
    }
    await deleteDocumentRow(tx, doc.id)
  })
}

function readListFilter (query: URLSearchParams): { status?: DocumentStatus, parent?: string } {
  const status = readTextParam(query, 'status')
  if (status !== undefined && !(DOCUMENT_STATUSES as readonly string[]).includes(status)) {
    throw invalid('status is invalid', [{ path: 'status', message: `must be one of ${DOCUMENT_STATUSES.join(', ')}` }])
  }
  return { status: status as DocumentStatus | undefined, parent: readTextParam(query, 'parent') }
}

export function documentRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  const base = '/service-packages/:id/documents'
  return [
    {
      method: 'GET',
      path: base,
      summary: 'List the documents of a service package without their content (status, parent = id, slug or "none", size, next)',
      tag: TAG,
      handler: async (ctx) => {
        const page = readCatalogPage(ctx.query)
        const filter = readListFilter(ctx.query)
        const pkg = await requirePackage(deps.db, ctx.params.id)
        let parentId: string | null | undefined
        if (filter.parent === 'none') parentId = null
        else if (filter.parent !== undefined) parentId = (await findDocument(deps.db, pkg.id, filter.parent))?.id ?? '-'
        const rows = await listDocuments(deps.db, deps.db.dialect, pkg.id, { status: filter.status, parentId }, page)
        const result = pageResult(page, rows)
        return { status: 200, body: { data: result.data.map((d) => view(d, false)), next: result.next } }
      }
    },
    {
      method: 'POST',
      path: base,
      summary: 'Create a markdown document: {title, slug?, parent?, content, status?}',
      tag: TAG,
      bodyLimit: DOCUMENT_BODY_LIMIT,
      handler: async (ctx) => ({ status: 201, body: await create(deps, ctx) })
    },
    {
      method: 'GET',
      path: `${base}/:doc`,
      summary: 'Read a document (with its content) by id or slug',
      tag: TAG,
      handler: async (ctx) => {
        const pkg = await requirePackage(deps.db, ctx.params.id)
        return { status: 200, body: view(await requireDocument(deps.db, pkg.id, ctx.params.doc), true) }
      }
    },
    {
      method: 'PATCH',
      path: `${base}/:doc`,
      summary: 'Update a document (title, slug, parent, content, status)',
      tag: TAG,
      bodyLimit: DOCUMENT_BODY_LIMIT,
      handler: async (ctx) => ({ status: 200, body: await patch(deps, ctx) })
    },
    {
      method: 'DELETE',
      path: `${base}/:doc`,
      summary: 'Delete a document (409 when it has children, unless ?recursive=true)',
      tag: TAG,
      handler: async (ctx) => { await remove(deps, ctx); return { status: 204 } }
    }
  ]
}
