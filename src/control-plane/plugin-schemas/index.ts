export { pluginSchemaRoutes, pluginJsonSchema } from './plugin-schema-routes.js'
