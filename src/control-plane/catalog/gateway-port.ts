import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { lockRuntimeGroup, requireRuntimeGroup, type RuntimeGroup } from '../runtime-groups/index.js'
import { deleteServiceCascade, getService, upsertImplementationService, type ServiceEntity } from '../gateway/index.js'
import { listEntities } from '../gateway/entity-store.js'

// What the catalog needs from runtime groups and gateway entities, in one place: a runtime group
// reference from a body, and a version's implementation service (read, upsert, delete with its
// routes and plugins). Gateway errors about the service body come back under `service.`.

/** The group a body names; unknown → 400 on `runtime_group` (it is a field, not the URL). */
export async function resolveRuntimeGroup (tx: DbExecutor, ref: string): Promise<RuntimeGroup> {
  try {
    return await requireRuntimeGroup(tx, ref)
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'ATRIUM_ERR_ADMIN_NOT_FOUND') {
      throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', `no runtime group with id or name "${ref}"`, { fields: [{ path: 'runtime_group', message: `no runtime group "${ref}"` }] })
    }
    throw err
  }
}

export type { ServiceEntity }

/** The version's service when it still exists (someone may have deleted it under /runtime-groups). */
export async function findImplementationService (ex: DbExecutor, runtimeGroupId: string, serviceId: string): Promise<ServiceEntity | null> {
  return await getService(ex, runtimeGroupId, serviceId)
}

/** The routes of a version's service (their declarative bodies: paths, hosts, methods, protocols …), first 1000. */
export async function listImplementationRoutes (ex: DbExecutor, runtimeGroupId: string, serviceId: string): Promise<Array<Record<string, unknown>>> {
  const routes = await listEntities(ex, runtimeGroupId, 'route', { size: 1000, offset: 0 }, { service_id: serviceId })
  return routes.map((r) => r.body)
}

/** Deletes the service with its routes and service-scoped plugins (bumping the group's config version). */
export async function deleteImplementationService (tx: DbExecutor, runtimeGroupId: string, serviceId: string): Promise<void> {
  const group = await lockRuntimeGroup(tx, runtimeGroupId)
  if (await getService(tx, runtimeGroupId, serviceId) === null) return
  await deleteServiceCascade(tx, group, serviceId)
}

/**
 * Locks the group, then replaces the version's service (`serviceId`) or creates it when there is none
 * (null, or deleted meanwhile); its field errors are reported as `service.<field>`.
 */
export async function upsertVersionService (tx: DbExecutor, runtimeGroupId: string, serviceId: string | null, body: unknown): Promise<{ created: boolean, service: ServiceEntity }> {
  const group = await lockRuntimeGroup(tx, runtimeGroupId)
  const existing = serviceId === null ? null : await getService(tx, runtimeGroupId, serviceId)
  try {
    return { created: existing === null, service: await upsertImplementationService(tx, group, existing?.id ?? null, body) }
  } catch (err) {
    if (!(err instanceof GatewayError) || err.fields.length === 0) throw err
    const fields = err.fields.map((f) => ({ path: f.path === '' ? 'service' : f.path.startsWith('[') ? `service${f.path}` : `service.${f.path}`, message: f.message }))
    throw new GatewayError(err.code, err.message, { cause: err, fields })
  }
}
