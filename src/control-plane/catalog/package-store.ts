import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid } from '../shared/ids.js'
import type { Page } from '../shared/pagination.js'
import { hasNul } from './package-input.js'
import { searchCondition, type SearchNode } from './search-query.js'

// SQL for service packages. The JSON `labels` column is what the API returns; the label rows and
// the lower-cased search columns are derived copies, rewritten with it in the same transaction.

export interface ServicePackage {
  id: string
  name: string
  slug: string
  description: string | null
  labels: Record<string, string>
  /** Shown in the Dev Portal (with its published versions and documents). */
  portal_published: boolean
  created_at: number
  updated_at: number
}

type PackageRow = {
  id: string
  name: string
  slug: string
  description: string | null
  labels: string
  portal_published: number
  created_at: number
  updated_at: number
}

export type Dialect = 'sqlite' | 'postgres'

const COLUMNS = 'p.id, p.name, p.slug, p.description, p.labels, p.portal_published, p.created_at, p.updated_at'

function toPackage (row: PackageRow): ServicePackage {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    labels: JSON.parse(row.labels) as Record<string, string>,
    portal_published: Number(row.portal_published) === 1,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at)
  }
}

/** Byte order in both stores (PostgreSQL's default collation depends on the server's locale). */
export function textOrder (dialect: Dialect, column: string): string {
  return dialect === 'postgres' ? `${column} COLLATE "C"` : column
}

/** By id (UUID-shaped reference), else by slug, else by name. */
export async function findPackage (ex: DbExecutor, ref: string): Promise<ServicePackage | null> {
  if (hasNul(ref)) return null
  const rows = isUuid(ref)
    ? await ex.query<PackageRow>(`SELECT ${COLUMNS} FROM service_packages p WHERE p.id = $1`, [ref.toLowerCase()])
    : await ex.query<PackageRow>(`SELECT ${COLUMNS} FROM service_packages p WHERE p.slug = $1 OR p.name = $1
        ORDER BY CASE WHEN p.slug = $1 THEN 0 ELSE 1 END LIMIT 1`, [ref])
  return rows.length === 0 ? null : toPackage(rows[0])
}

export async function requirePackage (ex: DbExecutor, ref: string): Promise<ServicePackage> {
  const pkg = await findPackage(ex, ref)
  if (pkg === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no service package "${ref}"`)
  return pkg
}

/**
 * findPackage for a write: takes the package's row lock first (a no-op UPDATE, which both stores
 * accept; PostgreSQL holds it to commit), then reads it again. Every write to a package or its
 * versions goes through here, so two CP replicas never interleave read-modify-writes of one package.
 */
export async function findPackageForUpdate (tx: DbExecutor, ref: string): Promise<ServicePackage | null> {
  const found = await findPackage(tx, ref)
  if (found === null) return null
  await tx.query('UPDATE service_packages SET updated_at = updated_at WHERE id = $1', [found.id])
  return await findPackage(tx, found.id)
}

export async function requirePackageForUpdate (tx: DbExecutor, ref: string): Promise<ServicePackage> {
  const pkg = await findPackageForUpdate(tx, ref)
  if (pkg === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no service package "${ref}"`)
  return pkg
}

/** 409 naming the field when another package already has this name or slug. */
export async function checkPackageUnique (ex: DbExecutor, pkg: ServicePackage): Promise<void> {
  const rows = await ex.query<{ name: string, slug: string }>(
    'SELECT name, slug FROM service_packages WHERE (name = $1 OR slug = $2) AND id <> $3', [pkg.name, pkg.slug, pkg.id])
  const fields = []
  if (rows.some((r) => r.name === pkg.name)) fields.push({ path: 'name', message: `a service package named "${pkg.name}" already exists` })
  if (rows.some((r) => r.slug === pkg.slug)) fields.push({ path: 'slug', message: `a service package with slug "${pkg.slug}" already exists` })
  if (fields.length > 0) throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', 'the service package name or slug is taken', { fields })
}

async function writeLabels (ex: DbExecutor, pkg: ServicePackage): Promise<void> {
  await ex.query('DELETE FROM service_package_labels WHERE service_package_id = $1', [pkg.id])
  for (const [key, value] of Object.entries(pkg.labels)) {
    await ex.query('INSERT INTO service_package_labels (service_package_id, key, value) VALUES ($1, $2, $3)', [pkg.id, key, value])
  }
}

export async function insertPackage (ex: DbExecutor, pkg: ServicePackage): Promise<void> {
  await ex.query(`INSERT INTO service_packages (id, name, slug, description, labels, search_name, search_description, created_at, updated_at, portal_published)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  [pkg.id, pkg.name, pkg.slug, pkg.description, JSON.stringify(pkg.labels), pkg.name.toLowerCase(), (pkg.description ?? '').toLowerCase(), pkg.created_at, pkg.updated_at, pkg.portal_published ? 1 : 0])
  await writeLabels(ex, pkg)
}

export async function updatePackage (ex: DbExecutor, pkg: ServicePackage): Promise<void> {
  await ex.query(`UPDATE service_packages SET name = $2, slug = $3, description = $4, labels = $5, search_name = $6,
    search_description = $7, updated_at = $8, portal_published = $9 WHERE id = $1`,
  [pkg.id, pkg.name, pkg.slug, pkg.description, JSON.stringify(pkg.labels), pkg.name.toLowerCase(), (pkg.description ?? '').toLowerCase(), pkg.updated_at, pkg.portal_published ? 1 : 0])
  await writeLabels(ex, pkg)
}

export async function deletePackageRow (ex: DbExecutor, id: string): Promise<void> {
  await ex.query('DELETE FROM service_packages WHERE id = $1', [id])
}

export interface PackageSearch {
  /** Case-insensitive substring of the name, the description, a label key or a label value. */
  q?: string
  /** A parsed Admin API search (search-query.ts): filters and operators. */
  query?: SearchNode
  /** Every pair must be a label of the package (exact key, exact value). */
  labels: Array<[string, string]>
  /** Id or name of a runtime group the package has a version in. */
  runtimeGroup?: string
  /** Only packages that are (true) or are not (false) in the Dev Portal. */
  portalPublished?: boolean
}

/** `\`, `%` and `_` taken literally in a LIKE pattern with ESCAPE '\'. */
/** One page (size + 1 rows, for the next cursor) in (name, id) order. */
export async function searchPackages (ex: DbExecutor, dialect: Dialect, search: PackageSearch, page: Page): Promise<ServicePackage[]> {
  const where: string[] = []
  const params: unknown[] = []
  const param = (value: unknown): string => { params.push(value); return `$${params.length}` }
  if (search.q !== undefined) where.push(searchCondition({ kind: 'text', text: search.q }, param))
  if (search.query !== undefined) where.push(searchCondition(search.query, param))
  for (const [key, value] of search.labels) where.push(searchCondition({ kind: 'label', key, value }, param))
  if (search.portalPublished !== undefined) where.push(`p.portal_published = ${param(search.portalPublished ? 1 : 0)}`)
  if (search.runtimeGroup !== undefined) where.push(searchCondition({ kind: 'runtime_group', ref: search.runtimeGroup }, param))
  const sql = `SELECT ${COLUMNS} FROM service_packages p ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${textOrder(dialect, 'p.name')}, p.id LIMIT ${param(page.size + 1)} OFFSET ${param(page.offset)}`
  return (await ex.query<PackageRow>(sql, params)).map(toPackage)
}
