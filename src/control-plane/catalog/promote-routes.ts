import type { FieldError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { nowSeconds } from '../shared/ids.js'
import { invalid, requireObject } from './package-input.js'
import { requirePackage, requirePackageForUpdate } from './package-store.js'
import { findOverrides, writeOverrides } from './overrides-store.js'
import { readOverrides } from './promotion-overrides.js'
import { versionAddress } from './query-input.js'
import { mapConstraintErrors } from './sql-errors.js'
import { readGroupRef } from './version-input.js'
import { promoteVersion, type PromotionRequest } from './version-promotion.js'
import { viewVersion } from './version-routes.js'
import { requireVersion } from './version-store.js'

// POST /service-packages/{id}/versions/{vid}/promote (version-promotion.ts) and the overrides a
// version remembers for promotions into its runtime group (GET/PUT …/{vid}/overrides).

const TAG = 'Service catalog'
const KNOWN = new Set(['runtime_group', 'dry_run', 'overrides'])

function readPromotion (body: unknown): PromotionRequest {
  const input = requireObject(body, 'a promotion')
  const errors: FieldError[] = []
  for (const key of Object.keys(input)) if (!KNOWN.has(key)) errors.push({ path: key, message: 'unknown field' })
  const runtimeGroup = 'runtime_group' in input ? readGroupRef(input.runtime_group, errors) : undefined
  if (!('runtime_group' in input)) errors.push({ path: 'runtime_group', message: 'required field missing: the runtime group to promote into' })
  if ('dry_run' in input && typeof input.dry_run !== 'boolean') errors.push({ path: 'dry_run', message: 'must be a boolean' })
  const overrides = readOverrides(input.overrides, errors)
  if (errors.length > 0) throw invalid('the promotion is invalid', errors)
  return { runtimeGroup: runtimeGroup as string, dryRun: input.dry_run === true, overrides }
}

async function promote (deps: ControlPlaneDeps, ctx: AdminContext): Promise<{ status: number, body: unknown }> {
  const req = readPromotion(await ctx.json())
  // One transaction for both: a dry run returns before its first write.
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    const source = await requireVersion(tx, pkg.id, versionAddress(ctx.params, ctx.query))
    const result = await promoteVersion(tx, pkg, source, req)
    if (result.dryRun) return { status: 200, body: { diff: result.diff, overrides: result.overrides } }
    return { status: 201, body: { ...await viewVersion(tx, result.version), config_version: result.configVersion, overrides: result.overrides } }
  }), 'the promotion conflicts with an entity of the target runtime group')
}

export function promoteRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  const base = '/service-packages/:id/versions/:vid'
  return [
    {
      method: 'POST',
      path: `${base}/promote`,
      summary: 'Promote a version into another runtime group: {"runtime_group", "dry_run", "overrides"}; 201 with the version there, or 200 {"diff"} for a dry run',
      tag: TAG,
      handler: async (ctx) => await promote(deps, ctx)
    },
    {
      method: 'GET',
      path: `${base}/overrides`,
      summary: 'The overrides a version remembers for promotions into its runtime group',
      tag: TAG,
      handler: async (ctx) => {
        const pkg = await requirePackage(deps.db, ctx.params.id)
        const version = await requireVersion(deps.db, pkg.id, versionAddress(ctx.params, ctx.query))
        return { status: 200, body: { overrides: await findOverrides(deps.db, version.id) } }
      }
    },
    {
      method: 'PUT',
      path: `${base}/overrides`,
      summary: 'Replace the overrides a version remembers for promotions into its runtime group ({"overrides": {…}})',
      tag: TAG,
      handler: async (ctx) => {
        const input = requireObject(await ctx.json(), 'the overrides')
        const errors: FieldError[] = Object.keys(input).filter((k) => k !== 'overrides').map((path) => ({ path, message: 'unknown field' }))
        if (!('overrides' in input)) errors.push({ path: 'overrides', message: 'required field missing' })
        const overrides = readOverrides(input.overrides, errors) ?? {}
        if (errors.length > 0) throw invalid('the overrides are invalid', errors)
        await deps.db.transaction(async (tx) => {
          const pkg = await requirePackageForUpdate(tx, ctx.params.id)
          const version = await requireVersion(tx, pkg.id, versionAddress(ctx.params, ctx.query))
          await writeOverrides(tx, version.id, overrides, nowSeconds())
        })
        return { status: 200, body: { overrides } }
      }
    }
  ]
}
