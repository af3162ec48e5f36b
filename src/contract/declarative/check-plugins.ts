// Plugins and consumers beyond shape: bundled plugin names, each config against its plugin's
// schema, references to services, routes and consumers (a name, an id, `{ id }` or `{ name }`), one
// plugin per name and scope, unique instance names, and consumers identified by a unique username
// or custom_id. Nested plugins (Kong's format) are checked where they are, by their own path.

import { BUNDLED_PLUGIN_NAMES, pluginSpec } from '../../plugins/schemas.js'
import { collectPlugins, collectRoutes, collectServices, type PluginEntry } from './entities.js'
import { validatePluginConfig } from './plugin-config.js'
import { isObject, joinPath } from './paths.js'
import { referenceIndex, resolveReference } from './references.js'
import { PLUGIN_PROTOCOLS } from './plugin-names.js'
import type { Issues } from './types.js'
import { unsupportedMessage } from '../unsupported-features.js'

/** Kong's serverless plugins: their config is Lua source. */
const LUA_PLUGINS = ['pre-function', 'post-function']

function objects (value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.map((v: unknown) => isObject(v) ? v : {}) : []
}

/** A plugin's scope: positions in `doc.services`, collectRoutes(doc) and `doc.consumers`, null for "any". */
export interface PluginScope {
  service: number | null
  route: number | null
  consumer: number | null
}

export type ScopeResolver = (entry: PluginEntry, issues: Issues) => PluginScope | null

/** Resolves plugin references against one document; null (with issues reported) when one fails. */
export function createScopeResolver (doc: Record<string, unknown>): ScopeResolver {
  const indexes = {
    service: referenceIndex('service', 'name', collectServices(doc).map((s) => s.service)),
    route: referenceIndex('route', 'name', collectRoutes(doc).map((r) => r.route)),
    consumer: referenceIndex('consumer', 'username', objects(doc.consumers))
  }
  return ({ plugin, path, owner }, issues) => {
    const scope: PluginScope = { service: null, route: null, consumer: null }
    let ok = true
    for (const field of ['service', 'route', 'consumer'] as const) {
      const ref = plugin[field]
      if (owner?.field === field) {
        if (ref !== undefined) { issues.error(joinPath(path, field), `must not be set: the plugin is nested in a ${field}`); ok = false }
        scope[field] = owner.index
      } else if (ref !== undefined) {
        scope[field] = resolveReference(ref, joinPath(path, field), indexes[field], issues)
        if (scope[field] === null) ok = false
      }
    }
    return ok ? scope : null
  }
}

export function checkConsumers (doc: Record<string, unknown>, issues: Issues): void {
  const consumers = objects(doc.consumers)
  for (const field of ['username', 'custom_id'] as const) {
    const seen = new Map<string, string>()
    consumers.forEach((c, i) => {
      const value = c[field]
      if (typeof value !== 'string') return
      const at = joinPath(joinPath('consumers', i), field)
      const first = seen.get(value)
      if (first === undefined) seen.set(value, at)
      else issues.error(at, `duplicate ${field} "${value}" (also at ${first})`)
    })
  }
  consumers.forEach((c, i) => {
    if (Array.isArray(doc.consumers) && isObject(doc.consumers[i]) && c.username === undefined && c.custom_id === undefined) {
      issues.error(joinPath('consumers', i), 'must have a username or a custom_id')
    }
  })
}

export function checkPlugins (doc: Record<string, unknown>, issues: Issues): void {
  const entries = collectPlugins(doc)
  if (entries.length === 0) return
  const scopeOf = createScopeResolver(doc)
  const scopes = new Map<string, string>()
  const instanceNames = new Map<string, string>()
  for (const entry of entries) {
    const { plugin, path } = entry
    checkConfig(plugin, path, issues)
    checkKongScope(entry, issues)
    if (isObject(plugin.ordering) && Object.keys(plugin.ordering).length > 0) issues.error(joinPath(path, 'ordering'), unsupportedMessage('plugin-ordering'))
    const scope = scopeOf(entry, issues)
    if (typeof plugin.instance_name === 'string') {
      const first = instanceNames.get(plugin.instance_name)
      if (first === undefined) instanceNames.set(plugin.instance_name, joinPath(path, 'instance_name'))
      else issues.error(joinPath(path, 'instance_name'), `duplicate instance_name "${plugin.instance_name}" (also at ${first})`)
    }
    if (typeof plugin.name !== 'string' || scope === null) continue
    // Kong allows one plugin of a name per (service, route, consumer) combination: the most
    // specific one for a request is then well defined.
    const key = JSON.stringify([plugin.name, scope.service, scope.route, scope.consumer])
    const first = scopes.get(key)
    if (first === undefined) scopes.set(key, path)
    else issues.error(path, `duplicate plugin "${plugin.name}" for the same service, route and consumer (also at ${first})`)
  }
}

const HTTP_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'ws', 'wss']

/** What Kong's plugin schema says about where the plugin may be applied (no_consumer, protocols_http). */
function checkKongScope ({ plugin, path, owner }: PluginEntry, issues: Issues): void {
  const spec = typeof plugin.name === 'string' ? pluginSpec(plugin.name) : undefined
  if (spec === undefined) return
  if (spec.noConsumer === true) {
    const why = `plugin "${spec.name}" cannot be applied to a consumer (Kong's schema: no_consumer)`
    if (owner?.field === 'consumer') issues.error(path, why)
    else if (plugin.consumer !== undefined) issues.error(joinPath(path, 'consumer'), `must not be set: ${why}`)
  }
  if (spec.httpProtocolsOnly === true && Array.isArray(plugin.protocols)) {
    plugin.protocols.forEach((p: unknown, i) => {
      if (typeof p === 'string' && (PLUGIN_PROTOCOLS as readonly string[]).includes(p) && !HTTP_PROTOCOLS.includes(p)) {
        issues.error(joinPath(joinPath(path, 'protocols'), i), `must be one of: ${HTTP_PROTOCOLS.join(', ')} (plugin "${spec.name}" runs on HTTP protocols only, as in Kong)`)
      }
    })
  }
  if (spec.bothWebProtocols === true && Array.isArray(plugin.protocols) && !(plugin.protocols.includes('http') && plugin.protocols.includes('https'))) {
    issues.error(joinPath(path, 'protocols'), `must include both http and https: plugin "${spec.name}" applies to a route's requests whatever their protocol (a per-protocol switch is not supported)`)
  }
}

/** The name must be a bundled plugin; the config must pass that plugin's schema and checks. */
function checkConfig (plugin: Record<string, unknown>, path: string, issues: Issues): void {
  if (typeof plugin.name !== 'string' || plugin.name === '') return
  const spec = pluginSpec(plugin.name)
  if (spec === undefined && LUA_PLUGINS.includes(plugin.name)) {
    issues.error(joinPath(path, 'name'), unsupportedMessage('lua', `plugin "${plugin.name}" runs the Lua code of its config`))
    return
  }
  if (spec === undefined) {
    issues.error(joinPath(path, 'name'), `unknown plugin "${plugin.name}" (Atrium bundles: ${BUNDLED_PLUGIN_NAMES.join(', ')})`)
    return
  }
  if (plugin.config !== undefined && !isObject(plugin.config)) return // a shape error already
  const base = joinPath(path, 'config')
  for (const issue of validatePluginConfig(spec, plugin.config).issues) {
    issues.error(appendPath(base, issue.path), issue.message)
  }
}

/** `plugins[0].config` + `add.headers[0]` → `plugins[0].config.add.headers[0]`. */
export function appendPath (base: string, rest: string): string {
  if (rest === '') return base
  return rest.startsWith('[') ? base + rest : `${base}.${rest}`
}
