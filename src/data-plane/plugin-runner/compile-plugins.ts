// Config-time work for plugins: every instance is configured once (its state built), then each
// route gets its chain: for every plugin name, the instance Kong's precedence picks for that route
// without a consumer, ordered by priority (higher first). Routes where no plugin applies get null,
// and the proxy's plugin-free fast path serves them. Consumer-scoped chains are resolved on first
// use per (route, consumer) and kept for the life of the config (see RouteChain).
//
// A plugin's `protocols` decide whether it runs for plain-HTTP or HTTPS requests, so chains are
// built per protocol; when every instance allows both, one chain serves both.

import { GatewayError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { GatewayConfig, PluginConfig } from '../../contract/index.js'
import type { PluginHandlerSet } from '../../plugins/handlers.js'
import type { AnyPluginHandler, PluginConfigureContext } from '../../plugins/types.js'
import { ScopeTable } from './precedence.js'
import type { ChainSet, PluginInstance } from './plugin-instance.js'
import { RouteChain } from './route-chain.js'

export interface CompiledPlugins {
  /** Per route index: the chain for plain-HTTP requests, or null when no plugin applies. */
  readonly http: Array<RouteChain | null>
  /** Per route index: the chain for HTTPS requests, or null. */
  readonly https: Array<RouteChain | null>
  /** Every configured instance, in GatewayConfig.plugins order. */
  readonly instances: readonly PluginInstance[]
}

const NO_PLUGINS: CompiledPlugins = { http: [], https: [], instances: [] }

/** Builds every instance's state and every route's chain. Throws a GatewayError when a plugin's configure does. */
export function compilePlugins (config: GatewayConfig, handlers: PluginHandlerSet, log: Logger): CompiledPlugins {
  const plugins = config.plugins ?? []
  if (plugins.length === 0) {
    const none = new Array<RouteChain | null>(config.routes.length).fill(null)
    return config.routes.length === 0 ? NO_PLUGINS : { http: none, https: none, instances: [] }
  }
  const instances = configureAll(config, plugins, handlers, log)
  // A plugin without a request phase (prometheus: read by the node's metrics at compile time) is in
  // no chain, so the routes it alone applies to keep the plugin-free fast path.
  const running = instances.filter((i) => i.handler.access !== undefined || i.handler.response !== undefined || i.handler.log !== undefined)
  const everyBoth = running.every((i) => i.config.protocols.includes('http') && i.config.protocols.includes('https'))
  const http = buildChains(config, running.filter((i) => i.config.protocols.includes('http')))
  const https = everyBoth ? http : buildChains(config, running.filter((i) => i.config.protocols.includes('https')))
  return { http, https, instances }
}

function describe (config: GatewayConfig, p: PluginConfig): string {
  const parts: string[] = []
  const label = (name: string | null, i: number): string => name === null ? `#${i}` : `"${name}"`
  if (p.route !== null) parts.push(`route ${label(config.routes[p.route].name, p.route)}`)
  if (p.service !== null) parts.push(`service ${label(config.services[p.service].name, p.service)}`)
  if (p.consumer !== null) {
    const c = (config.consumers ?? [])[p.consumer]
    parts.push(`consumer ${label(c?.username ?? c?.custom_id ?? null, p.consumer)}`)
  }
  const where = parts.length === 0 ? 'global' : `on ${parts.join(', ')}`
  return `plugin "${p.name}"${p.id === null ? '' : ` (id ${p.id})`} ${where}`
}

function configureAll (config: GatewayConfig, plugins: PluginConfig[], handlers: PluginHandlerSet, log: Logger): PluginInstance[] {
  const memos = new Map<string, Map<string, unknown>>()
  return plugins.map((p, index) => {
    const handler: AnyPluginHandler | undefined = handlers.get(p.name)
    if (handler === undefined) {
      throw new GatewayError('ATRIUM_ERR_PLUGIN_CONFIGURE', `${describe(config, p)}: this node has no such plugin`, { fields: [{ path: `plugins[${index}].name`, message: 'not available on this node' }] })
    }
    const pluginLog = log.child({ plugin: p.name, plugin_id: p.id })
    let memo = memos.get(p.name)
    if (memo === undefined) { memo = new Map(); memos.set(p.name, memo) }
    const shared = memo
    const ctx: PluginConfigureContext = {
      gateway: config,
      plugin: p,
      index,
      log: pluginLog,
      memo<T> (key: string, build: () => T): T {
        if (!shared.has(key)) shared.set(key, build())
        return shared.get(key) as T
      }
    }
    let state: unknown = p.config
    if (handler.configure !== undefined) {
      try {
        state = handler.configure(p.config, ctx)
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        throw new GatewayError('ATRIUM_ERR_PLUGIN_CONFIGURE', `${describe(config, p)} rejected its configuration: ${message}`, {
          cause: err,
          fields: [{ path: `plugins[${index}].config`, message }]
        })
      }
    }
    return { handler, name: p.name, priority: handler.priority, config: p, index, state }
  })
}

function buildChains (config: GatewayConfig, instances: PluginInstance[]): Array<RouteChain | null> {
  const tables = new Map<string, ScopeTable<PluginInstance>>()
  const priorities = new Map<string, number>()
  for (const instance of instances) {
    let table = tables.get(instance.name)
    if (table === undefined) { table = new ScopeTable(); tables.set(instance.name, table) }
    table.add(instance.config, instance)
    priorities.set(instance.name, instance.priority)
  }
  // Tables in execution order (priorities are unique per plugin); resolving a chain walks them once.
  const ordered = [...tables.keys()]
    .sort((a, b) => (priorities.get(b) as number) - (priorities.get(a) as number))
    .map((name) => tables.get(name) as ScopeTable<PluginInstance>)
  const consumerScoped = new Set<number>()
  for (const i of instances) if (i.config.consumer !== null) consumerScoped.add(i.config.consumer)
  const set: ChainSet = {
    resolve (route, service, consumer) {
      const out: PluginInstance[] = []
      for (const table of ordered) {
        const found = table.resolve(route, service, consumer)
        if (found !== null) out.push(found)
      }
      return out
    },
    hasConsumerScoped: (consumer) => consumerScoped.has(consumer)
  }
  // Routes whose chains are the same instances share one array (a global plugin on 10k routes).
  const shared = new Map<string, PluginInstance[]>()
  const consumers = config.consumers ?? []
  return config.routes.map((route, routeIndex) => {
    const base = set.resolve(routeIndex, route.service, null)
    if (base.length === 0) return null
    const signature = base.map((i) => i.index).join(',')
    let list = shared.get(signature)
    if (list === undefined) { list = base; shared.set(signature, list) }
    return new RouteChain(routeIndex, route.service, list, set, consumers)
  })
}
