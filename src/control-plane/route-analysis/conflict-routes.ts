import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { requireRuntimeGroup } from '../runtime-groups/index.js'
import { GatewayError } from '../../errors.js'
import { conflictsOf } from './conflict-check.js'
import type { GroupRouters } from './group-router.js'

// GET /runtime-groups/{rg}/routes/conflicts: what src/router/route-conflicts.ts finds in the group's
// current config. `?route=` (id or name, repeatable) keeps the findings about those routes, on
// either side (the UI's version page asks for its implementation's routes).

export function conflictRoutes ({ db }: ControlPlaneDeps, routers: GroupRouters): AdminRoute[] {
  return [{
    method: 'GET', path: '/runtime-groups/:rg/routes/conflicts', tag: 'Route analysis',
    summary: 'Routes that can never win, duplicates pointing at different services, and regex routes that take a prefix route\'s own path, ' +
      'each with an example request; ?route=ID_OR_NAME (repeatable) keeps the findings that involve those routes',
    handler: async (ctx) => {
      const rg = await requireRuntimeGroup(db, ctx.params.rg)
      const routing = await routers.forGroup(rg.id)
      if (routing === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no runtime group with id or name "${ctx.params.rg}"`)
      const wanted = new Set(ctx.query.getAll('route'))
      const involved = (r: { id: string | null, name: string | null }): boolean => (r.id !== null && wanted.has(r.id)) || (r.name !== null && wanted.has(r.name))
      const data = conflictsOf(routing).filter((c) => wanted.size === 0 || involved(c.route) || involved(c.other))
      return { status: 200, body: { config_version: routing.version, data } }
    }
  }]
}
