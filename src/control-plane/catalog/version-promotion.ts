import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { derivedId, nowSeconds } from '../shared/ids.js'
import { lockRuntimeGroup, type RuntimeGroup } from '../runtime-groups/index.js'
import { applyPlan, exportServiceTree, getService, hasUpstream, planServiceTree, type DiffItem, type ServiceTree } from '../gateway/index.js'
import { resolveRuntimeGroup } from './gateway-port.js'
import { findOverrides, writeOverrides } from './overrides-store.js'
import { invalid } from './package-input.js'
import type { ServicePackage } from './package-store.js'
import { applyOverrides, mergePatch, type Overrides } from './promotion-overrides.js'
import { copySpec } from './spec-store.js'
import { findVersionInGroup, insertVersion, updateVersion, type VersionRecord } from './version-store.js'

// Promotion: a version of a package copied into another runtime group as the same logical version
// (same package, same version name): its implementation — the service, its routes, the plugins on
// the service and on those routes — its API spec and its status. The target group's config is the
// group as it is with that one service subtree replaced, planned and checked exactly as PUT /config
// (gateway/service-tree.ts), so the dry run's diff is config diff's and an invalid result is refused
// whole. Identity in the target: the target version's service keeps its id (a first promotion
// derives one from the target group and the source service, so retrying it is idempotent), routes
// match by name, plugins by scope: promoting again updates in place and an unchanged source
// changes nothing (no config version bump).

export interface PromotionRequest {
  /** Id or name of the target runtime group. */
  runtimeGroup: string
  dryRun: boolean
  overrides: Overrides | undefined
}

export type PromotionResult =
  | { dryRun: true, diff: { create: DiffItem[], update: DiffItem[], delete: DiffItem[] }, overrides: Overrides }
  | { dryRun: false, version: VersionRecord, configVersion: number, overrides: Overrides }

export async function promoteVersion (tx: DbExecutor, pkg: ServicePackage, source: VersionRecord, req: PromotionRequest): Promise<PromotionResult> {
  const target = await resolveRuntimeGroup(tx, req.runtimeGroup)
  if (target.id === source.runtime_group_id) {
    throw invalid(`version "${source.version}" already is in runtime group "${target.name}"`, [{ path: 'runtime_group', message: 'must be another runtime group than the version\'s own' }])
  }
  const group = await lockRuntimeGroup(tx, target.id)
  const tree = source.service_id === null ? null : await exportServiceTree(tx, source.runtime_group_id, source.service_id)
  if (tree === null) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `version "${source.version}" has no implementation in runtime group "${source.runtime_group_name}": there is nothing to promote`, {
      fields: [{ path: 'implementation', message: 'required: PUT …/implementation first' }]
    })
  }
  const existing = await findVersionInGroup(tx, pkg.id, source.version, group.id)
  const overrides = mergePatch(existing === null ? {} : await findOverrides(tx, existing.id), req.overrides ?? {}) as Overrides
  const promoted = applyOverrides(tree, overrides, req.overrides)
  if (tree.upstream !== null && promoted.service.host === tree.upstream && !await hasUpstream(tx, group.id, tree.upstream)) {
    throw invalid(`the service's host is upstream "${tree.upstream}" of "${source.runtime_group_name}", which "${group.name}" does not have`, [{
      path: 'overrides.service', message: `create upstream "${tree.upstream}" in "${group.name}" first, or override the service's host or url`
    }])
  }
  const current = existing?.service_id == null ? null : await getService(tx, group.id, existing.service_id)
  const serviceId = current?.id ?? derivedId('promoted-service', group.id, pkg.id, source.version)
  const { p } = await planInto(tx, group, serviceId, promoted, source)
  if (req.dryRun) return { dryRun: true, diff: { create: p.create, update: p.update, delete: p.delete }, overrides }

  const configVersion = await applyPlan(tx, group, p, `promote ${pkg.name} ${source.version} from ${source.runtime_group_name}`)
  const now = nowSeconds()
  const version: VersionRecord = existing === null
    ? { id: derivedId('promoted-version', source.id, group.id), service_package_id: pkg.id, version: source.version, runtime_group_id: group.id, runtime_group_name: group.name, status: source.status, service_id: serviceId, created_at: now, updated_at: now }
    : { ...existing, status: source.status, service_id: serviceId, updated_at: now }
  if (existing === null) await insertVersion(tx, version)
  else await updateVersion(tx, version)
  await copySpec(tx, source.id, version.id, now)
  await writeOverrides(tx, version.id, overrides, now)
  return { dryRun: false, version, configVersion, overrides }
}

/** The plan, with a refusal that says it is the target group's config that would be invalid. */
async function planInto (tx: DbExecutor, group: RuntimeGroup, serviceId: string, tree: ServiceTree, source: VersionRecord): ReturnType<typeof planServiceTree> {
  try {
    return await planServiceTree(tx, group, serviceId, tree)
  } catch (err) {
    if (!(err instanceof GatewayError) || err.code !== 'ATRIUM_ERR_ADMIN_INVALID') throw err
    throw new GatewayError(err.code, `promoting version "${source.version}" would make the config of runtime group "${group.name}" invalid: ${err.message}`, { cause: err, fields: err.fields })
  }
}
