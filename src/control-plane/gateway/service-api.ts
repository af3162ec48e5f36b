import type { DbExecutor } from '../store/db.js'
import type { RuntimeGroup } from '../runtime-groups/index.js'
import { findEntity } from './entity-store.js'
import { toResponse, type EntityResponse } from './entity-types.js'
import { deleteEntity, writeEntity } from './entity-writes.js'
import { isUuid } from '../shared/ids.js'

// What the catalog calls to manage a service version's implementation. Each call runs inside the
// caller's transaction and bumps the group's config_version once; the caller must not bump again.

/** A gateway service as the Admin API returns it (Kong's shape with id and timestamps). */
export type ServiceEntity = EntityResponse

/**
 * Creates the service (existingServiceId null) or replaces it (PUT semantics: fields not given go
 * back to their defaults; id and created_at kept). Validates like POST/PUT /services: throws a
 * GatewayError 400 ATRIUM_ERR_ADMIN_INVALID with `fields` named as in `body`, 409 on a taken name.
 */
export async function upsertImplementationService (tx: DbExecutor, rg: RuntimeGroup, existingServiceId: string | null, body: unknown): Promise<ServiceEntity> {
  const { entity } = existingServiceId === null
    ? await writeEntity(tx, rg, { kind: 'service', mode: 'create', body })
    : await writeEntity(tx, rg, { kind: 'service', mode: 'replace', ref: existingServiceId, body })
  return toResponse(entity)
}

/** Deletes the service with its routes and the plugins scoped to them; no-op when it is gone. */
export async function deleteServiceCascade (tx: DbExecutor, rg: RuntimeGroup, serviceId: string): Promise<void> {
  await deleteEntity(tx, rg, 'service', serviceId, { cascade: true })
}

export async function getService (tx: DbExecutor, rgId: string, serviceId: string): Promise<ServiceEntity | null> {
  if (!isUuid(serviceId)) return null
  const entity = await findEntity(tx, rgId, 'service', serviceId)
  return entity === null ? null : toResponse(entity)
}
