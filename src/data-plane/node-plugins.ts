import type { PluginInfo } from '../contract/sync-protocol.js'
import { BUNDLED_PLUGIN_HANDLERS, type PluginHandlerSet } from '../plugins/handlers.js'

/** The plugins a handler set provides, as announced in the sync hello (sorted by name). */
export function pluginInfoOf (handlers: PluginHandlerSet): PluginInfo[] {
  return [...handlers.values()].map((h) => ({ name: h.name, version: h.version })).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

/**
 * The plugins this node can run, announced in `hello` so the control plane can refuse to send a
 * config that uses a plugin the node lacks (sync_status `plugin_set_incompatible`): every bundled
 * plugin (src/plugins/handlers.ts).
 */
export const NODE_PLUGINS: readonly PluginInfo[] = pluginInfoOf(BUNDLED_PLUGIN_HANDLERS)
