export { requireRuntimeGroup, findRuntimeGroup, lockRuntimeGroup, bumpConfigVersion } from './runtime-group-store.js'
export type { RuntimeGroup } from './runtime-group-store.js'
export { runtimeGroupRoutes } from './runtime-group-routes.js'
