import { GatewayError } from '../../errors.js'
import type { AdminContext } from '../admin-api/admin-route.js'
import { versionsImplementedBy, type ImplementedVersion } from '../catalog/implementation-links.js'
import type { DbExecutor } from '../store/db.js'
import type { ConfigPlan, DiffItem } from './config-plan.js'
import type { StoredEntity } from './entity-types.js'

// What a PUT /config does to the catalog. A version's implementation is a service of the group
// (catalog/implementation-links.ts): a plan that deletes that service leaves the version without
// one ('delete'); a plan that changes the service, its routes or the plugins scoped to them changes
// what the version serves ('update'). Computed from the plan, so POST /config/diff and PUT agree.

export type CatalogChange = ImplementedVersion & { service: string | null, change: 'delete' | 'update' }

/** The service an entity belongs to: itself, its service, or its route's service. */
function serviceOf (e: StoredEntity | undefined, byId: Map<string, StoredEntity>): string | null {
  if (e === undefined) return null
  if (e.kind === 'service') return e.id
  if (e.service_id !== null) return e.service_id
  return e.route_id === null ? null : byId.get(e.route_id)?.service_id ?? null
}

export async function catalogChanges (ex: DbExecutor, rgId: string, existing: StoredEntity[], p: ConfigPlan): Promise<CatalogChange[]> {
  const before = new Map(existing.map((e) => [e.id, e]))
  const after = new Map(p.entities.map((e) => [e.id, e]))
  const deleted = new Set(p.delete.filter((d) => d.kind === 'service').map((d) => d.id))
  const touched = new Set<string>()
  const touch = (items: DiffItem[], where: Map<string, StoredEntity>): void => {
    for (const item of items) {
      const service = serviceOf(where.get(item.id), where)
      if (service !== null) touched.add(service)
    }
  }
  touch(p.create, after)
  touch(p.update, after)
  touch(p.delete, before)
  const versions = await versionsImplementedBy(ex, rgId, new Set([...deleted, ...touched]))
  // A dangling service_id (its service deleted earlier) names no service of the group: nothing changes for it.
  return versions.filter((v) => before.has(v.service_id)).map((v) => ({
    ...v, service: before.get(v.service_id)?.name ?? null, change: deleted.has(v.service_id) ? 'delete' : 'update'
  }))
}

/** `?detach_versions=true`: the caller accepts that versions lose their implementation. */
export function detachRequested (ctx: AdminContext): boolean {
  const v = ctx.query.get('detach_versions')
  return v === 'true' || v === '1'
}

export type VersionRef = Omit<CatalogChange, 'change'>

export function versionRef ({ change, ...ref }: CatalogChange): VersionRef {
  return ref
}

/** 409 naming the versions (`details.versions`) whose implementation a write would delete. */
export function inUseError (what: string, versions: VersionRef[], how = '?detach_versions=true (atrium config apply --detach-versions)'): GatewayError {
  const names = versions.map((v) => `${v.package} ${v.version} (service ${v.service ?? v.service_id})`).join(', ')
  return new GatewayError('ATRIUM_ERR_CATALOG_IMPLEMENTATION_IN_USE',
    `${what}: ${names}; add ${how} to detach them`,
    { details: { versions } })
}
