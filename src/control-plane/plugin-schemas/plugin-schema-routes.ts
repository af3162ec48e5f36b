import { GatewayError } from '../../errors.js'
import { BUNDLED_PLUGIN_NAMES, PLUGIN_SPECS, pluginSpec } from '../../plugins/schemas.js'
import type { PluginSpec } from '../../plugins/spec.js'
import type { AdminRoute } from '../admin-api/admin-route.js'

// The bundled plugins' config schemas, as Kong's `GET /schemas/plugins/{name}` offers (here as JSON
// Schema, the form Atrium validates with). Specs only: the control plane never loads handlers.

const TAG = 'Plugins'

/** The config schema as a JSON Schema document, with the plugin's identity as annotations. */
export function pluginJsonSchema (spec: PluginSpec): Record<string, unknown> {
  // JSON round trip: TypeBox marks schemas with symbol keys, which are not part of the document.
  const schema = JSON.parse(JSON.stringify(spec.schema)) as Record<string, unknown>
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: spec.name,
    description: spec.description,
    'x-atrium-plugin': { name: spec.name, version: spec.version, priority: spec.priority },
    ...schema
  }
}

export function pluginSchemaRoutes (): AdminRoute[] {
  const documents = new Map(PLUGIN_SPECS.map((spec) => [spec.name, pluginJsonSchema(spec)]))
  const list = [...PLUGIN_SPECS]
    .sort((a, b) => b.priority - a.priority)
    .map((s) => ({ name: s.name, version: s.version, priority: s.priority, description: s.description }))
  return [
    {
      method: 'GET', path: '/schemas/plugins', tag: TAG,
      summary: 'List the plugins Atrium bundles (name, version, priority), in execution order',
      handler: async () => ({ status: 200, body: { data: list } })
    },
    {
      method: 'GET', path: '/schemas/plugins/:name', tag: TAG,
      summary: 'The JSON Schema of a bundled plugin\'s config (fields, types, bounds, defaults, descriptions)',
      handler: async (ctx) => {
        const name = ctx.params.name
        if (pluginSpec(name) === undefined) {
          throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no plugin "${name}" (Atrium bundles: ${BUNDLED_PLUGIN_NAMES.join(', ')})`)
        }
        return { status: 200, body: documents.get(name) }
      }
    }
  ]
}
