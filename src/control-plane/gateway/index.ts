export { upsertImplementationService, deleteServiceCascade, getService } from './service-api.js'
export type { ServiceEntity } from './service-api.js'
export { gatewayEntityRoutes } from './entity-routes.js'
export { configRoutes } from './config-routes.js'
