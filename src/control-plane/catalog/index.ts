import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { documentRoutes } from './document-routes.js'
import { implementationRoutes } from './implementation-routes.js'
import { packagePluginRoutes } from './package-plugin-routes.js'
import { packageRoutes } from './package-routes.js'
import { promoteRoutes } from './promote-routes.js'
import { specRoutes } from './spec-routes.js'
import { routesFromSpecRoutes } from './routes-from-spec.js'
import { driftRoutes } from './drift-routes.js'
import { versionRoutes } from './version-routes.js'

export type { ServicePackage } from './package-store.js'
export type { VersionView } from './version-routes.js'

/** Service packages, their versions, implementations, API specs and documents: the catalog part of the Admin API. */
export function catalogRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  return [...packageRoutes(deps), ...packagePluginRoutes(deps), ...versionRoutes(deps), ...implementationRoutes(deps), ...promoteRoutes(deps), ...specRoutes(deps), ...routesFromSpecRoutes(deps), ...driftRoutes(deps), ...documentRoutes(deps)]
}
export { packagePluginsInGroup } from './package-plugin-store.js'
export { withPackagePlugins } from './package-plugin-expansion.js'
