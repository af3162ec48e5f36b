import { loadDeclarativeDocument } from '../../contract/index.js'
import type { DbExecutor } from '../store/db.js'
import type { RuntimeGroup } from '../runtime-groups/index.js'
import { findEntity, loadEntities } from './entity-store.js'
import { toResponse, type EntityResponse } from './entity-types.js'
import { deleteEntity, writeEntity } from './entity-writes.js'
import { isUuid } from '../shared/ids.js'
import { canonicalBody } from './entity-body.js'
import { createResolver, invalidError } from './group-document.js'

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

/**
 * A plugin body as it would be stored on a service (defaults filled in, as the Admin API shows it),
 * checked by the contract exactly as one on a service of a group would be; `service`, `route` and
 * `consumer` must not be given. Throws 400 ATRIUM_ERR_ADMIN_INVALID with the body's field paths.
 */
export function canonicalServicePlugin (input: Record<string, unknown>): Record<string, unknown> {
  const fields = (['service', 'route', 'consumer', 'id'] as const).filter((k) => k in input).map((path) => ({ path, message: 'not allowed here: the plugin applies to the service of every version of the package' }))
  if (fields.length > 0) throw invalidError(fields)
  const service = { id: PROBE_SERVICE_ID, name: 'package-plugin-check', host: 'example.invalid' }
  const doc = { _format_version: '3.0', services: [service], plugins: [{ ...input, service: { id: PROBE_SERVICE_ID } }] }
  const result = loadDeclarativeDocument(doc)
  if (!result.ok) {
    throw invalidError(result.errors.map((e) => ({ path: e.path.startsWith('plugins[0].') ? e.path.slice('plugins[0].'.length) : e.path === 'plugins[0]' ? '' : e.path, message: e.message })))
  }
  const { service: _service, ...body } = canonicalBody('plugin', { ...input, service: { id: PROBE_SERVICE_ID } }, createResolver([{ kind: 'service', id: PROBE_SERVICE_ID, body: service }]))
  void _service
  return body
}

const PROBE_SERVICE_ID = '00000000-0000-4000-8000-000000000000'

/** A plugin of the group that can run on a service's requests, with the scope that puts it there. */
export interface PluginInScope {
  scope: 'route' | 'service' | 'consumer' | 'global'
  /** The route, for scope route. */
  route?: { id: string, name: string | null }
  plugin: EntityResponse
}

/**
 * Every plugin of the group that applies to requests of the service: on its routes, on the service,
 * on a consumer only, or on nothing (global), most specific first (Kong's precedence).
 */
export async function pluginsApplyingTo (ex: DbExecutor, rgId: string, serviceId: string): Promise<PluginInScope[]> {
  const entities = await loadEntities(ex, rgId)
  const routes = new Map(entities.filter((e) => e.kind === 'route' && e.service_id === serviceId).map((e) => [e.id, e.name]))
  const out: PluginInScope[] = []
  for (const e of entities) {
    if (e.kind !== 'plugin') continue
    if (e.route_id !== null && routes.has(e.route_id)) out.push({ scope: 'route', route: { id: e.route_id, name: routes.get(e.route_id) ?? null }, plugin: toResponse(e) })
    else if (e.route_id === null && e.service_id === serviceId) out.push({ scope: 'service', plugin: toResponse(e) })
    else if (e.route_id === null && e.service_id === null) out.push({ scope: e.consumer_id === null ? 'global' : 'consumer', plugin: toResponse(e) })
  }
  const rank = { route: 0, service: 1, consumer: 2, global: 3 }
  return out.sort((a, b) => rank[a.scope] - rank[b.scope])
}
