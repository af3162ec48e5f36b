import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { explainRoutes } from './explain-routes.js'
import { createGroupRouters } from './group-router.js'

/** The route analyses of a runtime group, over one cache of compiled routes per group. */
export function routeAnalysisRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  const routers = createGroupRouters(deps.db)
  return [...explainRoutes(deps, routers)]
}
