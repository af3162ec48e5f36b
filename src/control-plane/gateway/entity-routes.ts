import { GatewayError } from '../../errors.js'
import type { AdminContext, AdminResult, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import type { Db, DbExecutor } from '../store/db.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { lockRuntimeGroup, requireRuntimeGroup, type RuntimeGroup } from '../runtime-groups/index.js'
import { findEntity, listEntities } from './entity-store.js'
import { ENTITY_KINDS, KINDS, toResponse, type EntityKind, type StoredEntity } from './entity-types.js'
import { deleteEntity, writeEntity } from './entity-writes.js'
import { certificateFor } from './certificate-redaction.js'
import { detachRequested, inUseError } from './config-catalog.js'
import { detachVersions, versionsImplementedBy } from '../catalog/implementation-links.js'
import { nowSeconds } from '../shared/ids.js'

// Kong's Admin API per runtime group: `/runtime-groups/:rg/{services,routes,plugins,consumers,upstreams,certificates}`,
// `/…/:id_or_name`, and routes nested under their service. A certificate is addressed by id or by
// one of its SNI names; its keys are redacted for viewer tokens (certificate-redaction.ts).

const TAG = 'Gateway entities'

function notFound (kind: EntityKind, ref: string, rg: RuntimeGroup): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no ${KINDS[kind].label} "${ref}" in runtime group "${rg.name}"`)
}

async function requireService (ex: DbExecutor, rg: RuntimeGroup, ref: string): Promise<StoredEntity> {
  const service = await findEntity(ex, rg.id, 'service', ref)
  if (service === null) throw notFound('service', ref, rg)
  return service
}

/** The entity's answer as the caller's role may read it. */
function answer (ctx: AdminContext, e: StoredEntity): Record<string, unknown> {
  return e.kind === 'certificate' ? certificateFor(ctx.role, toResponse(e)) : toResponse(e)
}

const DELETE_NOTE: Partial<Record<EntityKind, string>> = {
  service: ' (409 while routes or plugins use it, unless ?cascade=true; 409 ATRIUM_ERR_CATALOG_IMPLEMENTATION_IN_USE while it implements a catalog version, unless ?detach_versions=true)',
  certificate: ' with its SNIs'
}

const ADDRESSED_BY: Record<EntityKind, string> = {
  service: 'id or name', route: 'id or name', plugin: 'id', consumer: 'id or name', upstream: 'id or name', certificate: 'id or SNI name'
}

function cascadeOf (ctx: AdminContext): boolean {
  const v = ctx.query.get('cascade')
  return v === 'true' || v === '1'
}

/**
 * A service that implements catalog versions is deleted only with ?detach_versions=true (the versions
 * then have no implementation), as PUT /config: a plain delete would leave them pointing at nothing.
 */
async function releaseCatalogVersions (tx: DbExecutor, ctx: AdminContext, rg: RuntimeGroup): Promise<void> {
  const service = await findEntity(tx, rg.id, 'service', ctx.params.id)
  if (service === null) return
  const versions = await versionsImplementedBy(tx, rg.id, new Set([service.id]))
  if (versions.length === 0) return
  const name = typeof service.body.name === 'string' ? service.body.name : null
  if (!detachRequested(ctx)) throw inUseError(`service "${name ?? service.id}" implements catalog versions`, versions.map((v) => ({ ...v, service: name })), '?detach_versions=true')
  await detachVersions(tx, versions.map((v) => v.version_id), nowSeconds())
}

/** The routes of one entity kind, mounted at `base` (`/runtime-groups/:rg/routes` or nested under a service). */
function kindRoutes ({ db, routeConflicts }: ControlPlaneDeps, kind: EntityKind, base: string, nested: boolean): AdminRoute[] {
  const label = KINDS[kind].label
  const where = nested ? ' of a service' : ''
  // Writes lock the group before reading anything of it (see lockRuntimeGroup).
  const scope = async (ex: DbExecutor, ctx: AdminContext, forWrite = false): Promise<{ rg: RuntimeGroup, parent?: StoredEntity }> => {
    const rg = forWrite ? await lockRuntimeGroup(ex, ctx.params.rg) : await requireRuntimeGroup(ex, ctx.params.rg)
    return nested ? { rg, parent: await requireService(ex, rg, ctx.params.svc) } : { rg }
  }
  // A route write answers with the route conflicts it introduces (`warnings`, route-analysis/).
  const conflicts = kind === 'route' ? routeConflicts : undefined
  const write = (mode: 'create' | 'replace' | 'patch') => async (ctx: AdminContext): Promise<AdminResult> => {
    const body = await ctx.json()
    const before = conflicts === undefined ? null : await conflicts.current((await requireRuntimeGroup(db, ctx.params.rg)).id)
    const { created, entity, rgId } = await db.transaction(async (tx) => {
      const { rg, parent } = await scope(tx, ctx, true)
      return { ...await writeEntity(tx, rg, { kind, mode, ref: ctx.params.id, body, parentService: parent }), rgId: rg.id }
    })
    const out = answer(ctx, entity)
    if (conflicts !== undefined && before !== null) out.warnings = await conflicts.introduced(rgId, before)
    return { status: created ? 201 : 200, body: out }
  }
  return [
    {
      method: 'GET', path: base, tag: TAG, summary: `List ${label}s${where}`,
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        const { rg, parent } = await scope(db, ctx)
        const rows = await listEntities(db, rg.id, kind, page, parent === undefined ? {} : { service_id: parent.id })
        return { status: 200, body: pageResult(page, rows.map((e) => answer(ctx, e))) }
      }
    },
    { method: 'POST', path: base, tag: TAG, summary: `Create a ${label}${where}${kind === 'certificate' ? ' (with `snis`: a list of SNI names)' : ''}`, handler: write('create') },
    {
      method: 'GET', path: `${base}/:id`, tag: TAG, summary: `Get a ${label}${where} by ${ADDRESSED_BY[kind]}`,
      handler: async (ctx) => {
        const { rg, parent } = await scope(db, ctx)
        const entity = await findEntity(db, rg.id, kind, ctx.params.id)
        if (entity === null || (parent !== undefined && entity.service_id !== parent.id)) throw notFound(kind, ctx.params.id, rg)
        return { status: 200, body: answer(ctx, entity) }
      }
    },
    { method: 'PATCH', path: `${base}/:id`, tag: TAG, summary: `Update fields of a ${label}${where}`, handler: write('patch') },
    { method: 'PUT', path: `${base}/:id`, tag: TAG, summary: `Create or replace a ${label}${where} by ${ADDRESSED_BY[kind]}`, handler: write('replace') },
    {
      method: 'DELETE', path: `${base}/:id`, tag: TAG, summary: `Delete a ${label}${where}${DELETE_NOTE[kind] ?? ''}`,
      handler: async (ctx) => {
        await db.transaction(async (tx) => {
          const { rg, parent } = await scope(tx, ctx, true)
          if (kind === 'service') await releaseCatalogVersions(tx, ctx, rg)
          await deleteEntity(tx, rg, kind, ctx.params.id, { cascade: cascadeOf(ctx), parentService: parent })
        })
        return { status: 204 }
      }
    }
  ]
}

export function gatewayEntityRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  return [
    ...ENTITY_KINDS.flatMap((kind) => kindRoutes(deps, kind, `/runtime-groups/:rg/${KINDS[kind].segment}`, false)),
    ...kindRoutes(deps, 'route', '/runtime-groups/:rg/services/:svc/routes', true)
  ]
}
