import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { implementationRoutes } from './implementation-routes.js'
import { packageRoutes } from './package-routes.js'
import { versionRoutes } from './version-routes.js'

export type { ServicePackage } from './package-store.js'
export type { VersionView } from './version-routes.js'

/** Service packages, their versions and implementations: the catalog part of the Admin API. */
export function catalogRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  return [...packageRoutes(deps), ...versionRoutes(deps), ...implementationRoutes(deps)]
}
