// Plugins and consumers of a valid document → PluginConfig[] and ConsumerConfig[]. Runs only after
// every check passed (or on the control plane's own, already validated store): a failure here is a
// bug and throws. Keys are built in sorted order (config-hash.ts).

import type { ConsumerConfig, PluginConfig, PluginProtocol } from '../gateway-config.js'
import { collectPlugins } from './entities.js'
import { createScopeResolver } from './check-plugins.js'
import { pluginConfigWithDefaults } from './plugin-config.js'
import { isObject } from './paths.js'
import { PLUGIN_DEFAULT_PROTOCOLS } from './plugin-names.js'
import { normalizeCredentials } from './normalize-credentials.js'
import { createIssues } from './types.js'
import type { ConsumerInput, PluginInput } from './schema.js'

export interface IndexMaps {
  /** Position in `doc.services` → index in GatewayConfig.services, -1 when left out (disabled). */
  services: number[]
  /** Position in collectRoutes(doc) → index in GatewayConfig.routes, -1 when left out. */
  routes: number[]
}

export function normalizeConsumers (doc: Record<string, unknown>): ConsumerConfig[] {
  if (!Array.isArray(doc.consumers)) return []
  return doc.consumers.filter(isObject).map((c) => normalizeConsumer(c as ConsumerInput))
}

function normalizeConsumer (c: ConsumerInput): ConsumerConfig {
  return {
    credentials: normalizeCredentials(c),
    custom_id: c.custom_id ?? null,
    id: c.id?.toLowerCase() ?? null,
    tags: [...(c.tags ?? [])],
    username: c.username ?? null
  }
}

export function normalizePlugins (doc: Record<string, unknown>, maps: IndexMaps): PluginConfig[] {
  const entries = collectPlugins(doc)
  if (entries.length === 0) return []
  const scopeOf = createScopeResolver(doc)
  const out: PluginConfig[] = []
  for (const entry of entries) {
    const p = entry.plugin as PluginInput
    if (p.enabled === false) continue
    const issues = createIssues()
    const scope = scopeOf(entry, issues)
    if (scope === null) throw new Error(`unresolved plugin reference at ${entry.path}: ${issues.errors[0]?.message ?? ''}`) // checks ran first
    const service = scope.service === null ? null : maps.services[scope.service]
    const route = scope.route === null ? null : maps.routes[scope.route]
    // Scoped to a disabled service or to a route of one: nothing it could apply to is loaded.
    if (service === -1 || route === -1) continue
    out.push({
      config: pluginConfigWithDefaults(p.name, p.config),
      consumer: scope.consumer,
      id: p.id?.toLowerCase() ?? null,
      instance_name: p.instance_name ?? null,
      name: p.name,
      protocols: p.protocols === undefined ? [...PLUGIN_DEFAULT_PROTOCOLS] : [...p.protocols] as PluginProtocol[],
      route,
      service,
      tags: [...(p.tags ?? [])]
    })
  }
  return out
}
