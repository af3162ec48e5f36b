import type { PluginInfo } from '../contract/sync-protocol.js'

/**
 * The plugins this node can run, announced in `hello` so the control plane can refuse to send a
 * config that uses a plugin the node lacks (sync_status `plugin_set_incompatible`). Empty until the
 * plugins land: the plugins issue fills it from src/plugins/index.ts.
 */
export const NODE_PLUGINS: readonly PluginInfo[] = []
