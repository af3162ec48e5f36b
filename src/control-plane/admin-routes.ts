import type { AdminRoute } from './admin-api/admin-route.js'
import { analyticsRoutes } from './analytics/index.js'
import { catalogRoutes } from './catalog/index.js'
import { dataPlaneTokenRoutes } from './data-plane-tokens/index.js'
import type { ControlPlaneDeps } from './deps.js'
import { configRoutes, credentialRoutes, gatewayEntityRoutes, sniRoutes, targetRoutes } from './gateway/index.js'
import { pluginSchemaRoutes } from './plugin-schemas/index.js'
import { createRouteAnalysis, routeAnalysisRoutes } from './route-analysis/index.js'
import { runtimeGroupRoutes } from './runtime-groups/index.js'
import { dataPlaneRoutes, upstreamHealthRoutes } from './sync-server/index.js'

/**
 * Every Admin API endpoint, by module. The OpenAPI document is generated from this list, so an
 * endpoint cannot exist without being described.
 */
export function buildAdminRoutes (given: ControlPlaneDeps): AdminRoute[] {
  const analysis = createRouteAnalysis(given)
  const deps: ControlPlaneDeps = { ...given, routeConflicts: given.routeConflicts ?? analysis.conflicts }
  return [
    ...runtimeGroupRoutes(deps),
    ...gatewayEntityRoutes(deps),
    ...credentialRoutes(deps),
    ...targetRoutes(deps),
    ...sniRoutes(deps),
    ...configRoutes(deps),
    ...routeAnalysisRoutes(deps, analysis),
    ...pluginSchemaRoutes(),
    ...dataPlaneTokenRoutes(deps),
    ...dataPlaneRoutes(deps),
    ...upstreamHealthRoutes(deps),
    ...catalogRoutes(deps),
    ...analyticsRoutes(deps)
  ]
}
