import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'

export function configRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  void deps
  return []
}
