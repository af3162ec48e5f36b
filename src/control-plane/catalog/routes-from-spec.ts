import { GatewayError } from '../../errors.js'
import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { applyPlan, exportServiceTree, planServiceTree, type TreeRoute } from '../gateway/index.js'
import { lockRuntimeGroup } from '../runtime-groups/index.js'
import { invalid, requireObject } from './package-input.js'
import { requirePackageForUpdate } from './package-store.js'
import { versionAddress } from './query-input.js'
import { operationsOf, routesOfSpec, specBasePath, SPEC_TAG, type SpecRouteOptions } from './spec-gateway-routes.js'
import { findSpecDocument } from './spec-store.js'
import { requireVersion } from './version-store.js'

// POST /service-packages/{id}/versions/{vid}/implementation/routes-from-spec: the implementation's
// routes made from the version's API spec (spec-gateway-routes.ts). Routes the spec made before
// (tag atrium-spec) are updated by name, keeping their plugins and the fields the spec does not
// set (hosts, protocols…), or deleted when the spec no longer has them; other routes stay. Planned
// as the service's tree (gateway/service-tree.ts), so `dry_run` answers config diff's diff, and the
// group that results is checked whole before anything is written.

const KNOWN = new Set(['grouping', 'static_paths', 'dry_run'])

function readOptions (body: unknown): SpecRouteOptions & { dryRun: boolean } {
  const input = requireObject(body, 'routes-from-spec options')
  const fields = Object.keys(input).filter((k) => !KNOWN.has(k)).map((k) => ({ path: k, message: 'unknown field; expected grouping, static_paths, dry_run' }))
  const { grouping = 'operation', static_paths: staticPaths = 'exact', dry_run: dryRun = false } = input as Record<string, unknown>
  if (grouping !== 'operation' && grouping !== 'path') fields.push({ path: 'grouping', message: 'must be "operation" (a route per operation) or "path" (a route per path)' })
  if (staticPaths !== 'exact' && staticPaths !== 'prefix') fields.push({ path: 'static_paths', message: 'must be "exact" (a ~ regex ending in $) or "prefix"' })
  if (typeof dryRun !== 'boolean') fields.push({ path: 'dry_run', message: 'must be a boolean' })
  if (fields.length > 0) throw invalid('the routes-from-spec options are invalid', fields)
  return { grouping: grouping as SpecRouteOptions['grouping'], staticPaths: staticPaths as SpecRouteOptions['staticPaths'], dryRun: dryRun as boolean }
}

const tagsOf = (route: Record<string, unknown>): string[] => Array.isArray(route.tags) ? route.tags.filter((t): t is string => typeof t === 'string') : []

export function routesFromSpecRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  return [{
    method: 'POST',
    path: '/service-packages/:id/versions/:vid/implementation/routes-from-spec',
    tag: 'Service catalog',
    summary: 'Create or update the implementation\'s routes from the version\'s API spec: {"grouping": "operation"|"path", "static_paths": "exact"|"prefix", "dry_run"}; ' +
      'answers the diff and the routes with the operations each serves',
    handler: async (ctx) => {
      const options = readOptions(await ctx.json())
      return await deps.db.transaction(async (tx) => {
        const pkg = await requirePackageForUpdate(tx, ctx.params.id)
        const version = await requireVersion(tx, pkg.id, versionAddress(ctx.params, ctx.query))
        if (version.service_id === null) throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `version "${version.version}" has no implementation: PUT …/implementation first`)
        const text = await findSpecDocument(tx, version.id)
        if (text === null) throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `version "${version.version}" has no API spec: PUT …/spec first`)
        const doc = JSON.parse(text) as Record<string, unknown>
        const group = await lockRuntimeGroup(tx, version.runtime_group_id)
        const tree = await exportServiceTree(tx, group.id, version.service_id)
        if (tree === null) throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `version "${version.version}" has no implementation: its service is gone`)
        const serviceName = typeof tree.service.name === 'string' ? tree.service.name : 'service'
        const wanted = routesOfSpec(doc, serviceName, options)
        const pending = new Map(wanted.map((r) => [r.name, r]))
        const routes: TreeRoute[] = []
        for (const existing of tree.routes) {
          const name = existing.route.name
          const spec = typeof name === 'string' ? pending.get(name) : undefined
          if (spec !== undefined) {
            pending.delete(spec.name)
            routes.push({ route: { ...existing.route, ...spec, tags: [...new Set([...tagsOf(existing.route), ...spec.tags])] }, plugins: existing.plugins })
          } else if (!tagsOf(existing.route).includes(SPEC_TAG)) {
            routes.push(existing)
          }
        }
        for (const spec of pending.values()) routes.push({ route: { ...spec }, plugins: [] })
        const { p } = await planServiceTree(tx, group, version.service_id, { ...tree, routes })
        const diff = { create: p.create, update: p.update, delete: p.delete }
        const base = specBasePath(doc)
        const made = wanted.map((r) => ({ ...r, operations: operationsOf(r, base) }))
        if (options.dryRun) return { status: 200, body: { dry_run: true, diff, routes: made } }
        const configVersion = await applyPlan(tx, group, p, `routes from the API spec of ${pkg.name} ${version.version}`)
        return { status: 200, body: { config_version: configVersion, diff, routes: made } }
      })
    }
  }]
}
