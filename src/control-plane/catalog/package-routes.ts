import { GatewayError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { isUuid, newId, nowSeconds } from '../shared/ids.js'
import { pageResult } from '../shared/pagination.js'
import { invalid, parsePackageBody, slugFor, type PackageFields } from './package-input.js'
import {
  checkPackageUnique, deletePackageRow, findPackage, findPackageForUpdate, insertPackage, requirePackage, requirePackageForUpdate,
  searchPackages, updatePackage,
  type PackageSearch, type ServicePackage
} from './package-store.js'
import { readCatalogPage, readLabelFilters, readTextParam } from './query-input.js'
import { parseSearch } from './search-query.js'
import { mapConstraintErrors } from './sql-errors.js'
import { deleteVersionWithImplementation } from './version-routes.js'
import { allVersions, type VersionRecord } from './version-store.js'
import { packageSummary } from '../analytics/index.js'

// /service-packages and /service-packages/{id|slug|name}. Each write is one transaction; a
// constraint violation from a racing writer is still a 409.

const TAG = 'Service catalog'
const CONFLICT = 'the service package name, slug or id is taken'

function readSearch (query: URLSearchParams): PackageSearch {
  const q = readTextParam(query, 'q')
  const published = readFlag(query, 'portal_published') ? true : readTextParam(query, 'portal_published') === undefined ? undefined : false
  return {
    query: q === undefined ? undefined : parseSearch(q),
    labels: readLabelFilters(query),
    runtimeGroup: readTextParam(query, 'runtime_group'),
    portalPublished: published
  }
}

function readFlag (query: URLSearchParams, name: string): boolean {
  const v = readTextParam(query, name)
  if (v !== undefined && v !== 'true' && v !== 'false') throw invalid(`${name} must be true or false`, [{ path: name, message: 'must be true or false' }])
  return v === 'true'
}

/** One entry per version name, with the runtime groups (environments) it is in: the catalog list's view. */
function versionSummary (versions: VersionRecord[]): Array<{ version: string, environments: Array<{ runtime_group: { id: string, name: string }, status: string, implemented: boolean }> }> {
  const byName = new Map<string, Array<{ runtime_group: { id: string, name: string }, status: string, implemented: boolean }>>()
  for (const v of versions) {
    const list = byName.get(v.version) ?? []
    list.push({ runtime_group: { id: v.runtime_group_id, name: v.runtime_group_name }, status: v.status, implemented: v.service_id !== null })
    byName.set(v.version, list)
  }
  return [...byName.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([version, environments]) => ({ version, environments: environments.sort((a, b) => a.runtime_group.name < b.runtime_group.name ? -1 : 1) }))
}

/** A package from a create/replace body: absent optional fields take their defaults. */
function fromBody (id: string, fields: PackageFields, now: number, createdAt: number): ServicePackage {
  const name = fields.name as string
  return {
    id,
    name,
    slug: typeof fields.slug === 'string' ? fields.slug : slugFor(name),
    description: fields.description ?? null,
    labels: fields.labels ?? {},
    portal_published: fields.portal_published ?? false,
    created_at: createdAt,
    updated_at: now
  }
}

async function create (deps: ControlPlaneDeps, ctx: AdminContext): Promise<ServicePackage> {
  const fields = parsePackageBody(await ctx.json(), 'create')
  const now = nowSeconds()
  const pkg = fromBody(fields.id ?? newId(), fields, now, now)
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    if (await findPackage(tx, pkg.id) !== null) throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', CONFLICT, { fields: [{ path: 'id', message: 'already exists' }] })
    await checkPackageUnique(tx, pkg)
    await insertPackage(tx, pkg)
    return pkg
  }), CONFLICT)
}

async function patch (deps: ControlPlaneDeps, ctx: AdminContext): Promise<ServicePackage> {
  const fields = parsePackageBody(await ctx.json(), 'patch')
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const current = await requirePackageForUpdate(tx, ctx.params.id)
    if (fields.id !== undefined && fields.id !== current.id) throw invalid('id cannot change', [{ path: 'id', message: 'must be the id of this service package' }])
    const name = fields.name ?? current.name
    const next: ServicePackage = {
      ...current,
      name,
      slug: fields.slug === null ? slugFor(name) : fields.slug ?? current.slug,
      description: fields.description === undefined ? current.description : fields.description,
      labels: fields.labels ?? current.labels,
      portal_published: fields.portal_published ?? current.portal_published,
      updated_at: nowSeconds()
    }
    await checkPackageUnique(tx, next)
    await updatePackage(tx, next)
    return next
  }), CONFLICT)
}

/** Kong's PUT: replaces the package, or creates it when nothing has this id, slug or name. */
async function put (deps: ControlPlaneDeps, ctx: AdminContext): Promise<{ pkg: ServicePackage, created: boolean }> {
  const ref = ctx.params.id
  const fields = parsePackageBody(await ctx.json(), 'replace')
  const now = nowSeconds()
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const current = await findPackageForUpdate(tx, ref)
    const id = current?.id ?? (isUuid(ref) ? ref.toLowerCase() : fields.id ?? newId())
    if (fields.id !== undefined && fields.id !== id) throw invalid('id does not match the path', [{ path: 'id', message: 'must be the id in the path' }])
    const pkg = fromBody(id, fields, now, current?.created_at ?? now)
    if (current === null && !isUuid(ref) && ref !== pkg.name && ref !== pkg.slug) {
      throw invalid('the path names another package', [{ path: 'name', message: `must be "${ref}" (the name or slug in the path) to create it` }])
    }
    await checkPackageUnique(tx, pkg)
    if (current === null) await insertPackage(tx, pkg)
    else await updatePackage(tx, pkg)
    return { pkg, created: current === null }
  }), CONFLICT)
}

async function remove (deps: ControlPlaneDeps, ctx: AdminContext): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    for (const version of await allVersions(tx, pkg.id)) await deleteVersionWithImplementation(tx, version)
    await deletePackageRow(tx, pkg.id)
  })
}

export function packageRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/service-packages',
      summary: 'List and search service packages (q: text, name:, description:, labels.KEY:, runtime_group:, AND, OR, parentheses; labels=k:v, runtime_group, portal_published, size, next; summary=true adds each package\'s versions by environment and last-hour analytics)',
      tag: TAG,
      handler: async (ctx) => {
        const search = readSearch(ctx.query)
        const page = readCatalogPage(ctx.query)
        const summary = readFlag(ctx.query, 'summary')
        const result = pageResult(page, await searchPackages(deps.db, deps.db.dialect, search, page))
        if (!summary) return { status: 200, body: result }
        const data = []
        for (const pkg of result.data) data.push({ ...pkg, versions: versionSummary(await allVersions(deps.db, pkg.id)), analytics: await packageSummary(deps.db, pkg.id) })
        return { status: 200, body: { data, next: result.next } }
      }
    },
    { method: 'POST', path: '/service-packages', summary: 'Create a service package', tag: TAG, handler: async (ctx) => ({ status: 201, body: await create(deps, ctx) }) },
    {
      method: 'GET',
      path: '/service-packages/:id',
      summary: 'Read a service package by id, slug or name, with its traffic over the last hour (analytics: requests, errors, error_rate, p99)',
      tag: TAG,
      handler: async (ctx) => {
        const pkg = await requirePackage(deps.db, ctx.params.id)
        return { status: 200, body: { ...pkg, analytics: await packageSummary(deps.db, pkg.id) } }
      }
    },
    { method: 'PATCH', path: '/service-packages/:id', summary: 'Update fields of a service package', tag: TAG, handler: async (ctx) => ({ status: 200, body: await patch(deps, ctx) }) },
    {
      method: 'PUT',
      path: '/service-packages/:id',
      summary: 'Replace (or create) a service package',
      tag: TAG,
      handler: async (ctx) => {
        const { pkg, created } = await put(deps, ctx)
        return { status: created ? 201 : 200, body: pkg }
      }
    },
    {
      method: 'DELETE',
      path: '/service-packages/:id',
      summary: 'Delete a service package, its versions and their implementations',
      tag: TAG,
      handler: async (ctx) => { await remove(deps, ctx); return { status: 204 } }
    }
  ]
}
