import { definePluginHandler } from '../types.js'
import { prometheusSpec } from './schema.js'

// No phase: the node's metrics read the prometheus instances when a config is compiled
// (src/data-plane/metrics/metrics-switches.ts), so a route it applies to keeps the plugin-free
// fast path and nothing runs per request on its behalf.
export const prometheusHandler = definePluginHandler(prometheusSpec, {})
