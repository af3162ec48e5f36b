import { GatewayError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import type { DbExecutor } from '../store/db.js'
import { newId, nowSeconds } from '../shared/ids.js'
import { pageResult } from '../shared/pagination.js'
import { deleteImplementationService, findImplementationService, resolveRuntimeGroup } from './gateway-port.js'
import { invalid } from './package-input.js'
import { requirePackage, requirePackageForUpdate } from './package-store.js'
import { readCatalogPage, readTextParam, versionAddress } from './query-input.js'
import { mapConstraintErrors } from './sql-errors.js'
import { findSpecSummary, type SpecSummary } from './spec-store.js'
import { parseVersionBody } from './version-input.js'
import {
  checkVersionUnique, deleteVersionRow, insertVersion, listVersions, requireVersion, updateVersion, type VersionRecord
} from './version-store.js'

// /service-packages/{id}/versions[/{vid}]. A version's implementation lives in its runtime group,
// so deleting the version deletes that service (with its routes and plugins) in the same transaction.

const TAG = 'Service catalog'
const CONFLICT = 'this version already exists in that runtime group'

export interface VersionView {
  id: string
  version: string
  service_package: { id: string }
  runtime_group: { id: string, name: string }
  status: string
  implementation: { service: { id: string, name: string | null } } | null
  /** What was read from the version's API spec (PUT …/spec), with its operations; null without one. */
  api_spec: SpecSummary | null
  created_at: number
  updated_at: number
}

export async function viewVersion (ex: DbExecutor, v: VersionRecord): Promise<VersionView> {
  const service = v.service_id === null ? null : await findImplementationService(ex, v.runtime_group_id, v.service_id)
  return {
    id: v.id,
    version: v.version,
    service_package: { id: v.service_package_id },
    runtime_group: { id: v.runtime_group_id, name: v.runtime_group_name },
    status: v.status,
    implementation: service === null ? null : { service: { id: service.id, name: typeof service.name === 'string' ? service.name : null } },
    api_spec: await findSpecSummary(ex, v.id),
    created_at: v.created_at,
    updated_at: v.updated_at
  }
}

/** Deletes the version's gateway service (if it still exists), then the version. */
export async function deleteVersionWithImplementation (tx: DbExecutor, v: VersionRecord): Promise<void> {
  if (v.service_id !== null) await deleteImplementationService(tx, v.runtime_group_id, v.service_id)
  await deleteVersionRow(tx, v.id)
}

async function create (deps: ControlPlaneDeps, ctx: AdminContext): Promise<VersionView> {
  const fields = parseVersionBody(await ctx.json(), 'create')
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    const group = await resolveRuntimeGroup(tx, fields.runtimeGroup as string)
    const id = fields.id ?? newId()
    if ((await tx.query('SELECT 1 AS x FROM service_versions WHERE id = $1', [id])).length > 0) {
      throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', 'a service version with this id exists', { fields: [{ path: 'id', message: 'already exists' }] })
    }
    await checkVersionUnique(tx, pkg.id, fields.version as string, group.id, id)
    const now = nowSeconds()
    const record: VersionRecord = {
      id,
      service_package_id: pkg.id,
      version: fields.version as string,
      runtime_group_id: group.id,
      runtime_group_name: group.name,
      status: fields.status ?? 'unpublished',
      service_id: null,
      created_at: now,
      updated_at: now
    }
    await insertVersion(tx, record)
    return await viewVersion(tx, record)
  }), CONFLICT)
}

async function patch (deps: ControlPlaneDeps, ctx: AdminContext): Promise<VersionView> {
  const fields = parseVersionBody(await ctx.json(), 'patch')
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    const current = await requireVersion(tx, pkg.id, versionAddress(ctx.params, ctx.query))
    if (fields.id !== undefined && fields.id !== current.id) throw invalid('id cannot change', [{ path: 'id', message: 'must be the id of this version' }])
    const next: VersionRecord = { ...current, version: fields.version ?? current.version, status: fields.status ?? current.status, updated_at: nowSeconds() }
    if (fields.runtimeGroup !== undefined) {
      const group = await resolveRuntimeGroup(tx, fields.runtimeGroup)
      const implemented = current.service_id !== null && await findImplementationService(tx, current.runtime_group_id, current.service_id) !== null
      if (group.id !== current.runtime_group_id && implemented) {
        throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', 'this version has an implementation in its runtime group: delete the version or its service first', {
          fields: [{ path: 'runtime_group', message: 'cannot change while the version has an implementation' }]
        })
      }
      if (group.id !== current.runtime_group_id) next.service_id = null
      next.runtime_group_id = group.id
      next.runtime_group_name = group.name
    }
    await checkVersionUnique(tx, pkg.id, next.version, next.runtime_group_id, next.id)
    await updateVersion(tx, next)
    return await viewVersion(tx, next)
  }), CONFLICT)
}

export function versionRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  const base = '/service-packages/:id/versions'
  return [
    {
      method: 'GET',
      path: base,
      summary: 'List the versions of a service package (runtime_group, size, next)',
      tag: TAG,
      handler: async (ctx) => {
        const page = readCatalogPage(ctx.query)
        const group = readTextParam(ctx.query, 'runtime_group')
        const pkg = await requirePackage(deps.db, ctx.params.id)
        const rows = await listVersions(deps.db, deps.db.dialect, pkg.id, group, page)
        const result = pageResult(page, rows)
        const data = []
        for (const v of result.data) data.push(await viewVersion(deps.db, v))
        return { status: 200, body: { data, next: result.next } }
      }
    },
    { method: 'POST', path: base, summary: 'Create a version of a service package in a runtime group', tag: TAG, handler: async (ctx) => ({ status: 201, body: await create(deps, ctx) }) },
    {
      method: 'GET',
      path: `${base}/:vid`,
      summary: 'Read a service version by id (or by version when unique in the package)',
      tag: TAG,
      handler: async (ctx) => {
        const pkg = await requirePackage(deps.db, ctx.params.id)
        return { status: 200, body: await viewVersion(deps.db, await requireVersion(deps.db, pkg.id, versionAddress(ctx.params, ctx.query))) }
      }
    },
    { method: 'PATCH', path: `${base}/:vid`, summary: 'Update a service version (version, status, runtime_group)', tag: TAG, handler: async (ctx) => ({ status: 200, body: await patch(deps, ctx) }) },
    {
      method: 'DELETE',
      path: `${base}/:vid`,
      summary: 'Delete a service version and its implementation (service, routes, service plugins)',
      tag: TAG,
      handler: async (ctx) => {
        await deps.db.transaction(async (tx) => {
          const pkg = await requirePackageForUpdate(tx, ctx.params.id)
          await deleteVersionWithImplementation(tx, await requireVersion(tx, pkg.id, versionAddress(ctx.params, ctx.query)))
        })
        return { status: 204 }
      }
    }
  ]
}
