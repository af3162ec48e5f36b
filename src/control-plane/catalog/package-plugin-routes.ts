import { GatewayError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid, newId, nowSeconds } from '../shared/ids.js'
import { bumpConfigVersion, lockRuntimeGroup } from '../runtime-groups/index.js'
import { canonicalServicePlugin, patchEntityBody, pluginsApplyingTo, type PluginInScope } from '../gateway/index.js'
import { findImplementationService } from './gateway-port.js'
import { invalid, requireObject } from './package-input.js'
import {
  deletePackagePlugin, findPackagePlugin, findSameName, groupsImplementing, listPackagePlugins, savePackagePlugin, type PackagePlugin
} from './package-plugin-store.js'
import { requirePackage, requirePackageForUpdate, type ServicePackage } from './package-store.js'
import { versionAddress } from './query-input.js'
import { mapConstraintErrors } from './sql-errors.js'
import { requireVersion } from './version-store.js'

// /service-packages/{id}/plugins[/{pid}]: plugins of every version of the package, in every runtime
// group where a version has an implementation (package-plugin-expansion.ts says how nodes get them).
// A body is a Kong plugin without service/route/consumer; it is checked as one on a service. Each
// write bumps the config version of every group where the package is implemented, so their nodes
// get the change.

const TAG = 'Service catalog'

export function viewPackagePlugin (p: PackagePlugin): Record<string, unknown> {
  return { id: p.id, ...p.body, service_package: { id: p.service_package_id }, created_at: p.created_at, updated_at: p.updated_at }
}

function readBody (input: Record<string, unknown>): Record<string, unknown> {
  const { created_at: _c, updated_at: _u, service_package: pkg, ...rest } = input
  void _c; void _u
  if (pkg !== undefined) throw invalid('service_package is the URL\'s', [{ path: 'service_package', message: 'not allowed: the package is the one in the URL' }])
  if (rest.instance_name !== undefined && rest.instance_name !== null) {
    throw invalid('package plugins have no instance_name', [{ path: 'instance_name', message: 'not allowed on a package plugin: it would repeat on every version\'s service' }])
  }
  return canonicalServicePlugin(rest)
}

async function requirePlugin (ex: DbExecutor, pkg: ServicePackage, ref: string): Promise<PackagePlugin> {
  const found = isUuid(ref) ? await findPackagePlugin(ex, pkg.id, ref) : null
  if (found === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no plugin "${ref}" on service package "${pkg.name}"`)
  return found
}

/** Locks and bumps every group where the package's plugins apply (in id order: no deadlock between writers). */
async function touchGroups (tx: DbExecutor, pkg: ServicePackage, what: string): Promise<void> {
  for (const id of await groupsImplementing(tx, pkg.id)) {
    await lockRuntimeGroup(tx, id)
    await bumpConfigVersion(tx, id, `${what} (service package ${pkg.name})`)
  }
}

async function save (deps: ControlPlaneDeps, ctx: AdminContext, mode: 'create' | 'patch'): Promise<PackagePlugin> {
  const input = requireObject(await ctx.json(), 'a plugin')
  return await mapConstraintErrors(() => deps.db.transaction(async (tx) => {
    const pkg = await requirePackageForUpdate(tx, ctx.params.id)
    const current = mode === 'patch' ? await requirePlugin(tx, pkg, ctx.params.pid) : null
    if (mode === 'create' && input.id !== undefined && (typeof input.id !== 'string' || !isUuid(input.id))) throw invalid('id must be a UUID', [{ path: 'id', message: 'must be a UUID' }])
    if (current !== null && input.id !== undefined && input.id !== current.id) throw invalid('id cannot change', [{ path: 'id', message: 'cannot be changed' }])
    if (current !== null && input.name !== undefined && input.name !== current.body.name) throw invalid('name cannot change', [{ path: 'name', message: 'cannot be changed: delete the plugin and add the other one' }])
    const { id: _id, ...fields } = input
    void _id
    const body = readBody(current === null ? fields : patchEntityBody('plugin', current.body, fields))
    const now = nowSeconds()
    const plugin: PackagePlugin = current === null
      ? { id: typeof input.id === 'string' ? input.id.toLowerCase() : newId(), service_package_id: pkg.id, body, created_at: now, updated_at: now }
      : { ...current, body, updated_at: now }
    if (await findSameName(tx, plugin) !== null) {
      throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `service package "${pkg.name}" already has a ${String(body.name)} plugin`, { fields: [{ path: 'name', message: 'already on this package' }] })
    }
    await savePackagePlugin(tx, plugin, current === null)
    await touchGroups(tx, pkg, `${current === null ? 'add' : 'update'} package plugin ${String(body.name)}`)
    return plugin
  }), 'a plugin with this id exists')
}

const SCOPE_NAMES: Record<PluginInScope['scope'], string> = { route: 'route', service: 'version', consumer: 'consumer', global: 'runtime_group' }

/**
 * GET …/versions/{vid}/plugins: every plugin that applies to the version's requests, most specific
 * first — its routes', its service's (scope version), the package's (active unless the version has
 * its own plugin of that name), a consumer's, the runtime group's (global).
 */
async function versionPlugins (deps: ControlPlaneDeps, ctx: AdminContext): Promise<Array<Record<string, unknown>>> {
  const pkg = await requirePackage(deps.db, ctx.params.id)
  const version = await requireVersion(deps.db, pkg.id, versionAddress(ctx.params, ctx.query))
  const group = version.service_id === null ? [] : await pluginsApplyingTo(deps.db, version.runtime_group_id, version.service_id)
  const own = new Map(group.filter((p) => p.scope === 'service' && p.plugin.consumer == null).map((p) => [String(p.plugin.name), p.plugin.id]))
  const implemented = version.service_id !== null && await findImplementationService(deps.db, version.runtime_group_id, version.service_id) !== null
  const view = (p: PluginInScope): Record<string, unknown> => ({ scope: SCOPE_NAMES[p.scope], ...(p.route === undefined ? {} : { route: p.route }), plugin: p.plugin })
  const packageScope = (await listPackagePlugins(deps.db, pkg.id)).map((p) => {
    const by = own.get(String(p.body.name))
    return { scope: 'package', plugin: viewPackagePlugin(p), active: implemented && by === undefined, overridden_by: by === undefined ? null : { id: by } }
  })
  return [...group.filter((p) => p.scope === 'route' || p.scope === 'service').map(view), ...packageScope, ...group.filter((p) => p.scope === 'consumer' || p.scope === 'global').map(view)]
}

export function packagePluginRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  const base = '/service-packages/:id/plugins'
  return [
    {
      method: 'GET', path: '/service-packages/:id/versions/:vid/plugins', tag: TAG,
      summary: 'Every plugin that applies to a version, with its scope: route, version, package (all versions), consumer, runtime_group',
      handler: async (ctx) => ({ status: 200, body: { data: await versionPlugins(deps, ctx), next: null } })
    },
    {
      method: 'GET', path: base, tag: TAG, summary: 'List the package-wide plugins (they apply to every version\'s implementation in every runtime group)',
      handler: async (ctx) => {
        const pkg = await requirePackage(deps.db, ctx.params.id)
        return { status: 200, body: { data: (await listPackagePlugins(deps.db, pkg.id)).map(viewPackagePlugin), next: null } }
      }
    },
    { method: 'POST', path: base, tag: TAG, summary: 'Add a package-wide plugin (a Kong plugin body without service, route or consumer)', handler: async (ctx) => ({ status: 201, body: viewPackagePlugin(await save(deps, ctx, 'create')) }) },
    {
      method: 'GET', path: `${base}/:pid`, tag: TAG, summary: 'Read a package-wide plugin',
      handler: async (ctx) => {
        const pkg = await requirePackage(deps.db, ctx.params.id)
        return { status: 200, body: viewPackagePlugin(await requirePlugin(deps.db, pkg, ctx.params.pid)) }
      }
    },
    { method: 'PATCH', path: `${base}/:pid`, tag: TAG, summary: 'Update fields of a package-wide plugin (config merged field by field, as Kong)', handler: async (ctx) => ({ status: 200, body: viewPackagePlugin(await save(deps, ctx, 'patch')) }) },
    {
      method: 'DELETE', path: `${base}/:pid`, tag: TAG, summary: 'Delete a package-wide plugin',
      handler: async (ctx) => {
        await deps.db.transaction(async (tx) => {
          const pkg = await requirePackageForUpdate(tx, ctx.params.id)
          const plugin = await requirePlugin(tx, pkg, ctx.params.pid)
          await deletePackagePlugin(tx, plugin.id)
          await touchGroups(tx, pkg, `delete package plugin ${String(plugin.body.name)}`)
        })
        return { status: 204 }
      }
    }
  ]
}
