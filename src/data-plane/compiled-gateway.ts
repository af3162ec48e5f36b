import type { GatewayConfig } from '../contract/index.js'
import type { PluginHandlerSet } from '../plugins/handlers.js'
import type { TargetResolver } from './balancer/target-resolver.js'
import type { GatewayMetrics, NodeMetrics } from './metrics/node-metrics.js'
import type { CompiledPlugins } from './plugin-runner/compile-plugins.js'
import type { CompiledRouter } from '../router/compiled-router.js'
import type { UpstreamSet } from './proxy/upstreams.js'
import type { CertificateSelector } from './tls/certificate-selector.js'

/**
 * Everything the request path needs for one config version, built once when the config is applied
 * and swapped in as a whole: a request holds on to the instance it started with, so a reload never
 * changes the rules under an in-flight request.
 */
export interface CompiledGateway {
  hash: string
  config: GatewayConfig
  router: CompiledRouter
  upstreams: UpstreamSet
  /** The TLS listener's choice of certificate by server name (none: the default certificate). */
  certificates?: CertificateSelector
  /** Every plugin instance configured, and each route's plugin chain (null: none applies). */
  plugins: CompiledPlugins
  /** Date.now() when it was applied. */
  appliedAt: number
  /** The control plane's config version (hybrid mode); null or absent in file mode. */
  version?: number | null
  /** Per-route metric slots of this config version; null or absent when metrics are off. */
  metrics?: GatewayMetrics | null
}

/** The slot the proxy reads on every request; replacing `current` is the atomic swap. */
export interface GatewayState {
  current: CompiledGateway | null
  /**
   * The plugin handlers configs are compiled with (installGateway); the bundled ones when absent.
   * Tests swap in handlers that fail on purpose.
   */
  pluginHandlers?: PluginHandlerSet
  /** The node's metrics (null or absent: metrics off); each config compiles its slots from it. */
  metrics?: NodeMetrics | null
  /** The node's resolver of upstream target names (its cache outlives config versions); the system's when absent. */
  resolver?: TargetResolver
  /** --upstream-max-connections: connections one upstream pool may open (DEFAULT_MAX_CONNECTIONS when absent). */
  upstreamMaxConnections?: number
}
