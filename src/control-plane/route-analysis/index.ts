import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps, RouteConflictCheck } from '../deps.js'
import { createConflictCheck } from './conflict-check.js'
import { conflictRoutes } from './conflict-routes.js'
import { explainRoutes } from './explain-routes.js'
import { createGroupRouters, type GroupRouters } from './group-router.js'

export interface RouteAnalysis {
  routers: GroupRouters
  conflicts: RouteConflictCheck
}

/** One cache of compiled routes per group, for the analyses and the write warnings alike. */
export function createRouteAnalysis (deps: ControlPlaneDeps): RouteAnalysis {
  const routers = createGroupRouters(deps.db)
  return { routers, conflicts: createConflictCheck(routers, deps.logger.child({ component: 'route-analysis' })) }
}

/** The route analyses of a runtime group. */
export function routeAnalysisRoutes (deps: ControlPlaneDeps, analysis: RouteAnalysis): AdminRoute[] {
  return [...explainRoutes(deps, analysis.routers), ...conflictRoutes(deps, analysis.routers)]
}
