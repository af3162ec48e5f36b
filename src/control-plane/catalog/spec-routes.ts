import { GatewayError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { nowSeconds } from '../shared/ids.js'
import { hasNul } from './package-input.js'
import { requirePackage, requirePackageForUpdate } from './package-store.js'
import { parseSpec, SPEC_BODY_LIMIT } from './spec-parse.js'
import { deleteSpec, findSpecContent, saveSpec, type SpecSummary } from './spec-store.js'
import { versionAddress } from './query-input.js'
import { requireVersion } from './version-store.js'

// /service-packages/{id}/versions/{vid}/spec: one API spec per version. PUT takes the spec itself as
// the body (Content-Type application/json or application/yaml), validates it before anything is
// written (a rejected upload leaves the previous spec in place) and answers with what was read
// from it; GET returns that plus the upload as sent (`content`).

const TAG = 'Service catalog'

export type SpecView = SpecSummary & { service_version: { id: string }, content?: string }

async function put (deps: ControlPlaneDeps, ctx: AdminContext): Promise<{ created: boolean, body: SpecView }> {
  const { text, mediaType } = await ctx.text()
  if (hasNul(text)) throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'the API spec must not contain NUL characters', { fields: [{ path: '', message: 'must not contain NUL characters' }] })
  // The version must exist before the (possibly slow) validation says anything about the body.
  const pkg = await requirePackage(deps.db, ctx.params.id)
  await requireVersion(deps.db, pkg.id, versionAddress(ctx.params, ctx.query))
  const spec = await parseSpec(text, mediaType)
  return await deps.db.transaction(async (tx) => {
    const locked = await requirePackageForUpdate(tx, ctx.params.id)
    const version = await requireVersion(tx, locked.id, versionAddress(ctx.params, ctx.query))
    const { created, summary } = await saveSpec(tx, version.id, text, spec, nowSeconds())
    return { created, body: { service_version: { id: version.id }, ...summary } }
  })
}

export function specRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  const path = '/service-packages/:id/versions/:vid/spec'
  return [
    {
      method: 'GET',
      path,
      summary: 'Read the API spec of a service version: what was read from it and the upload (content)',
      tag: TAG,
      handler: async (ctx) => {
        const pkg = await requirePackage(deps.db, ctx.params.id)
        const version = await requireVersion(deps.db, pkg.id, versionAddress(ctx.params, ctx.query))
        const found = await findSpecContent(deps.db, version.id)
        if (found === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `version "${version.version}" has no API spec`)
        return { status: 200, body: { service_version: { id: version.id }, ...found.summary, content: found.content } satisfies SpecView }
      }
    },
    {
      method: 'PUT',
      path,
      summary: 'Upload (create or replace) the API spec of a service version: the OpenAPI 3.0/3.1 or Swagger 2.0 document itself, JSON or YAML',
      tag: TAG,
      bodyLimit: SPEC_BODY_LIMIT,
      requestSchema: { type: 'object', description: 'the spec document; also accepted as application/yaml' },
      handler: async (ctx) => {
        const { created, body } = await put(deps, ctx)
        return { status: created ? 201 : 200, body }
      }
    },
    {
      method: 'DELETE',
      path,
      summary: 'Delete the API spec of a service version',
      tag: TAG,
      handler: async (ctx) => {
        await deps.db.transaction(async (tx) => {
          const pkg = await requirePackageForUpdate(tx, ctx.params.id)
          const version = await requireVersion(tx, pkg.id, versionAddress(ctx.params, ctx.query))
          if (!await deleteSpec(tx, version.id)) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `version "${version.version}" has no API spec`)
        })
        return { status: 204 }
      }
    }
  ]
}
