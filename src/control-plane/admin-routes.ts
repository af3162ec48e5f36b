import type { AdminRoute } from './admin-api/admin-route.js'
import type { ControlPlaneDeps } from './deps.js'

/**
 * Every Admin API endpoint, by module. The OpenAPI document is generated from this list, so an
 * endpoint cannot exist without being described.
 */
export function buildAdminRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  void deps
  return []
}
