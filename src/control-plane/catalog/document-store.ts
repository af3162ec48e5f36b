import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid } from '../shared/ids.js'
import type { Page } from '../shared/pagination.js'
import type { DocumentStatus } from './document-input.js'
import { hasNul } from './package-input.js'
import { textOrder, type Dialect } from './package-store.js'

// SQL for service package documents. A document belongs to one package; `parent_id` is another
// document of the same package (ON DELETE CASCADE: deleting a parent deletes its subtree, which the
// API only does when asked). The hierarchy has no cycles: writes check it (wouldCycle) under the
// package's row lock.

export type DocumentRecord = {
  id: string
  service_package_id: string
  parent_id: string | null
  title: string
  slug: string
  content: string
  status: DocumentStatus
  created_at: number
  updated_at: number
}

/** What lists, navigation and hierarchy checks need: everything but the content. */
export type DocumentHead = Omit<DocumentRecord, 'content'> & { size: number }

const HEAD_COLUMNS = 'id, service_package_id, parent_id, title, slug, status, size, created_at, updated_at'

function toHead (row: DocumentHead): DocumentHead {
  return { ...row, size: Number(row.size), created_at: Number(row.created_at), updated_at: Number(row.updated_at) }
}

/** By id when UUID-shaped, else by slug. */
export async function findDocument (ex: DbExecutor, packageId: string, ref: string): Promise<DocumentRecord | null> {
  if (hasNul(ref)) return null
  const rows = isUuid(ref)
    ? await ex.query<DocumentRecord>('SELECT * FROM service_package_documents WHERE service_package_id = $1 AND id = $2', [packageId, ref.toLowerCase()])
    : await ex.query<DocumentRecord>('SELECT * FROM service_package_documents WHERE service_package_id = $1 AND slug = $2', [packageId, ref])
  if (rows.length === 0) return null
  const r = rows[0]
  return { id: r.id, service_package_id: r.service_package_id, parent_id: r.parent_id, title: r.title, slug: r.slug, content: r.content, status: r.status, created_at: Number(r.created_at), updated_at: Number(r.updated_at) }
}

export async function requireDocument (ex: DbExecutor, packageId: string, ref: string): Promise<DocumentRecord> {
  const doc = await findDocument(ex, packageId, ref)
  if (doc === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no document "${ref}" in this service package`)
  return doc
}

export interface DocumentFilter {
  status?: DocumentStatus
  /** A parent id, or null for top-level documents only. */
  parentId?: string | null
}

/** One page (size + 1 rows) in (title, id) order. */
export async function listDocuments (ex: DbExecutor, dialect: Dialect, packageId: string, filter: DocumentFilter, page: Page): Promise<DocumentHead[]> {
  const params: unknown[] = [packageId]
  const where = ['service_package_id = $1']
  if (filter.status !== undefined) { params.push(filter.status); where.push(`status = $${params.length}`) }
  if (filter.parentId === null) where.push('parent_id IS NULL')
  else if (filter.parentId !== undefined) { params.push(filter.parentId); where.push(`parent_id = $${params.length}`) }
  params.push(page.size + 1, page.offset)
  const rows = await ex.query<DocumentHead>(`SELECT ${HEAD_COLUMNS} FROM service_package_documents WHERE ${where.join(' AND ')}
    ORDER BY ${textOrder(dialect, 'title')}, id LIMIT $${params.length - 1} OFFSET $${params.length}`, params)
  return rows.map(toHead)
}

/** Every document of a package without content, in (title, id) order: hierarchy checks and navigation. */
export async function allDocumentHeads (ex: DbExecutor, dialect: Dialect, packageId: string): Promise<DocumentHead[]> {
  const rows = await ex.query<DocumentHead>(`SELECT ${HEAD_COLUMNS} FROM service_package_documents WHERE service_package_id = $1
    ORDER BY ${textOrder(dialect, 'title')}, id`, [packageId])
  return rows.map(toHead)
}

/** 409 naming `slug` when another document of the package has it. */
export async function checkDocumentSlugUnique (ex: DbExecutor, packageId: string, slug: string, exceptId: string): Promise<void> {
  const rows = await ex.query('SELECT id FROM service_package_documents WHERE service_package_id = $1 AND slug = $2 AND id <> $3', [packageId, slug, exceptId])
  if (rows.length > 0) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `a document with slug "${slug}" already exists in this service package`, {
      fields: [{ path: 'slug', message: 'already used by another document of this package' }]
    })
  }
}

export async function insertDocument (ex: DbExecutor, d: DocumentRecord): Promise<void> {
  await ex.query(`INSERT INTO service_package_documents (id, service_package_id, parent_id, title, slug, content, status, size, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  [d.id, d.service_package_id, d.parent_id, d.title, d.slug, d.content, d.status, Buffer.byteLength(d.content, 'utf8'), d.created_at, d.updated_at])
}

export async function updateDocument (ex: DbExecutor, d: DocumentRecord): Promise<void> {
  await ex.query(`UPDATE service_package_documents SET parent_id = $2, title = $3, slug = $4, content = $5, status = $6, size = $7, updated_at = $8
    WHERE id = $1`, [d.id, d.parent_id, d.title, d.slug, d.content, d.status, Buffer.byteLength(d.content, 'utf8'), d.updated_at])
}

/** Deletes the document; its descendants go with it (foreign key cascade). */
export async function deleteDocumentRow (ex: DbExecutor, id: string): Promise<void> {
  await ex.query('DELETE FROM service_package_documents WHERE id = $1', [id])
}
