import { GatewayError, type FieldError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid } from '../shared/ids.js'
import type { SeriesRequest } from './query-input.js'

// From catalog names to what the rollups are keyed by. Rollups store the gateway ids the nodes
// report (runtime group, service, route); the catalog is mapped onto them AT QUERY TIME: a service
// version's implementation is a gateway service of its runtime group (service_versions.service_id),
// so `service_package` (and `version`) select those (group, service) pairs. A version without an
// implementation selects nothing; traffic of services no version implements is reachable through
// `runtime_group`.

export interface Scope {
  runtimeGroupId: string
  /** null: every service of the group */
  serviceId: string | null
}

export interface RouteFilter {
  /** null: a route id addressed directly (it may be deleted; its history stays queryable) */
  runtimeGroupId: string | null
  routeId: string
}

export interface ResolvedQuery {
  /** null: every runtime group and service; empty: nothing can match. */
  scopes: Scope[] | null
  routes: RouteFilter[] | null
}

async function findGroupId (ex: DbExecutor, ref: string): Promise<string | null> {
  const rows = await ex.query<{ id: string }>('SELECT id FROM runtime_groups WHERE id = $1 OR name = $1 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END LIMIT 1', [ref])
  return rows[0]?.id ?? null
}

/** By id, else slug, else name (as /service-packages/{id} resolves it). */
export async function findPackageId (ex: DbExecutor, ref: string): Promise<string | null> {
  const rows = isUuid(ref)
    ? await ex.query<{ id: string }>('SELECT id FROM service_packages WHERE id = $1', [ref.toLowerCase()])
    : await ex.query<{ id: string }>('SELECT id FROM service_packages WHERE slug = $1 OR name = $1 ORDER BY CASE WHEN slug = $1 THEN 0 ELSE 1 END LIMIT 1', [ref])
  return rows[0]?.id ?? null
}

/** The (group, service) pairs implementing the package's versions (optionally one version name or id, one group). */
export async function packageScopes (ex: DbExecutor, packageId: string, version?: string, runtimeGroupId?: string): Promise<{ scopes: Scope[], versionsFound: number }> {
  const params: unknown[] = [packageId]
  let filter = ''
  if (runtimeGroupId !== undefined) {
    params.push(runtimeGroupId)
    filter += ` AND runtime_group_id = $${params.length}`
  }
  if (version !== undefined) {
    params.push(isUuid(version) ? version.toLowerCase() : version)
    filter += ` AND (id = $${params.length} OR version = $${params.length})`
  }
  const rows = await ex.query<{ runtime_group_id: string, service_id: string | null }>(
    `SELECT runtime_group_id, service_id FROM service_versions WHERE service_package_id = $1${filter} ORDER BY runtime_group_id, id`, params)
  const scopes = rows.filter((r) => r.service_id !== null).map((r) => ({ runtimeGroupId: r.runtime_group_id, serviceId: r.service_id }))
  return { scopes, versionsFound: rows.length }
}

async function routeFilters (ex: DbExecutor, ref: string, groupIds: string[] | null): Promise<RouteFilter[]> {
  const rows = await ex.query<{ runtime_group_id: string, id: string }>(
    "SELECT runtime_group_id, id FROM gateway_entities WHERE kind = 'route' AND (id = $1 OR name = $1) ORDER BY runtime_group_id, id", [ref])
  const found = rows.filter((r) => groupIds === null || groupIds.includes(r.runtime_group_id)).map((r) => ({ runtimeGroupId: r.runtime_group_id, routeId: r.id }))
  if (found.length === 0 && isUuid(ref)) return [{ runtimeGroupId: null, routeId: ref.toLowerCase() }]
  return found
}

export async function resolveQuery (ex: DbExecutor, req: SeriesRequest): Promise<ResolvedQuery> {
  const fields: FieldError[] = []
  let groupId: string | undefined
  if (req.runtimeGroup !== undefined) {
    const id = await findGroupId(ex, req.runtimeGroup)
    if (id === null) fields.push({ path: 'runtime_group', message: `no runtime group "${req.runtimeGroup}"` })
    else groupId = id
  }
  let scopes: Scope[] | null = groupId === undefined ? null : [{ runtimeGroupId: groupId, serviceId: null }]
  if (req.servicePackage !== undefined) {
    const packageId = await findPackageId(ex, req.servicePackage)
    if (packageId === null) fields.push({ path: 'service_package', message: `no service package "${req.servicePackage}"` })
    else if (fields.length === 0) {
      const found = await packageScopes(ex, packageId, req.version, groupId)
      if (req.version !== undefined && found.versionsFound === 0) {
        fields.push({ path: 'version', message: `no version "${req.version}" in this service package${groupId === undefined ? '' : ' and runtime group'}` })
      }
      scopes = found.scopes
    }
  }
  let routes: RouteFilter[] | null = null
  if (req.route !== undefined && fields.length === 0) {
    const groups = scopes === null ? null : [...new Set(scopes.map((s) => s.runtimeGroupId))]
    routes = await routeFilters(ex, req.route, groups)
    if (routes.length === 0) fields.push({ path: 'route', message: `no route "${req.route}"${groups === null ? '' : ' in the selected runtime groups'}` })
  }
  if (fields.length > 0) throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'the analytics query names something that does not exist', { fields })
  return { scopes, routes }
}
