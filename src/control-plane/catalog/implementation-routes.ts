import { GatewayError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { nowSeconds } from '../shared/ids.js'
import { findImplementationService, upsertVersionService } from './gateway-port.js'
import { invalid, requireObject } from './package-input.js'
import { requirePackage, requirePackageForUpdate } from './package-store.js'
import { versionAddress } from './query-input.js'
import { mapConstraintErrors } from './sql-errors.js'
import { requireVersion, updateVersion } from './version-store.js'

// /service-packages/{id}/versions/{vid}/implementation: the version's gateway service, created or
// updated in the version's runtime group in the same transaction as the version. Its routes are
// managed under /runtime-groups/{rg}/services/{service id}/routes.

const TAG = 'Service catalog'

function readImplementationBody (body: unknown): unknown {
  const input = requireObject(body, 'an implementation')
  const fields = Object.keys(input).filter((k) => k !== 'service').map((k) => ({ path: k, message: 'unknown field' }))
  if (!('service' in input)) fields.push({ path: 'service', message: 'required field missing' })
  else if (input.service === null || typeof input.service !== 'object' || Array.isArray(input.service)) fields.push({ path: 'service', message: 'must be an object of service fields' })
  if (fields.length > 0) throw invalid('the implementation is invalid', fields)
  return input.service
}

async function put (deps: ControlPlaneDeps, ctx: AdminContext): Promise<{ created: boolean, body: unknown }> {
  const service = readImplementationBody(await ctx.json())
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    const version = await requireVersion(tx, pkg.id, versionAddress(ctx.params, ctx.query))
    const { created, service: saved } = await upsertVersionService(tx, version.runtime_group_id, version.service_id, service)
    await updateVersion(tx, { ...version, service_id: saved.id, updated_at: nowSeconds() })
    return { created, body: { service: saved } }
  }), 'the implementation conflicts with another entity of the runtime group')
}

export function implementationRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  const path = '/service-packages/:id/versions/:vid/implementation'
  return [
    {
      method: 'GET',
      path,
      summary: 'Read the implementation (gateway service) of a service version',
      tag: TAG,
      handler: async (ctx) => {
        const pkg = await requirePackage(deps.db, ctx.params.id)
        const version = await requireVersion(deps.db, pkg.id, versionAddress(ctx.params, ctx.query))
        const service = version.service_id === null ? null : await findImplementationService(deps.db, version.runtime_group_id, version.service_id)
        if (service === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `version "${version.version}" has no implementation`)
        return { status: 200, body: { service } }
      }
    },
    {
      method: 'PUT',
      path,
      summary: 'Create or update the implementation: {"service": {…service fields…}} in the version\'s runtime group',
      tag: TAG,
      handler: async (ctx) => {
        const { created, body } = await put(deps, ctx)
        return { status: created ? 201 : 200, body }
      }
    }
  ]
}
