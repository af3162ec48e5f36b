import type { GatewayConfig } from '../contract/index.js'
import { createLogger, type Logger } from '../log.js'
import { BUNDLED_PLUGIN_HANDLERS, type PluginHandlerSet } from '../plugins/handlers.js'
import { targetNames } from './balancer/peer-addresses.js'
import { systemResolver, type TargetResolver } from './balancer/target-resolver.js'
import type { CompiledGateway, GatewayState } from './compiled-gateway.js'
import type { NodeMetrics } from './metrics/node-metrics.js'
import { compilePlugins } from './plugin-runner/compile-plugins.js'
import { compileRouter } from '../router/compile-router.js'
import { buildUpstreams } from './proxy/upstreams.js'
import { compileCertificates } from './tls/certificate-selector.js'

export interface CompileOptions {
  /** Plugin handlers by name (default: the bundled ones). */
  handlers?: PluginHandlerSet
  /** Parent of the loggers plugins get in configure (default: a new root logger). */
  log?: Logger
  /** The node's metrics: the config's per-route slots are compiled from it (none when absent). */
  metrics?: NodeMetrics | null
  /** Resolves upstream target names: compiling uses the answers it has in hand (default: the system's). */
  resolver?: TargetResolver
  /** Connections one upstream pool may open unless its service or upstream says (default DEFAULT_MAX_CONNECTIONS). */
  maxConnections?: number
}

/**
 * Config-time work for one config version: the plugins (each instance configured, each route's
 * chain built), the matcher and the upstream pools (reusing the previous version's pools for
 * unchanged origins). Plugins come first: a plugin whose configure throws rejects the config
 * (GatewayError ATRIUM_ERR_PLUGIN_CONFIGURE) before any pool is opened. Otherwise throws only on a
 * bug: the config was validated before.
 */
export function compileGateway (config: GatewayConfig, hash: string, previous: CompiledGateway | null, version: number | null = null, options: CompileOptions = {}): CompiledGateway {
  const log = options.log ?? createLogger()
  const plugins = compilePlugins(config, options.handlers ?? BUNDLED_PLUGIN_HANDLERS, log.child({ component: 'plugins' }))
  const router = compileRouter(config)
  const certificates = compileCertificates(config.certificates)
  const upstreams = buildUpstreams(config, previous?.upstreams ?? null, options.resolver ?? systemResolver(), options.maxConnections)
  const metrics = options.metrics?.compile(config) ?? null
  return { hash, config, router, upstreams, certificates, plugins, appliedAt: Date.now(), version, metrics }
}

/**
 * Resolves the names of the config's targets that have no fresh answer (so the config serves with
 * its addresses from its first request), compiles `config` and swaps it into `state` (the atomic
 * swap: requests already running keep the gateway they started with), then retires the previous
 * version's pools that were not carried over. Rejects, leaving `state` untouched, when compiling fails.
 */
export async function installGateway (state: GatewayState, config: GatewayConfig, hash: string, version: number | null, log: Logger): Promise<CompiledGateway> {
  const resolver = state.resolver ?? systemResolver()
  await resolver.prime((config.upstreams ?? []).flatMap(targetNames))
  const previous = state.current
  const next = compileGateway(config, hash, previous, version, { handlers: state.pluginHandlers, log, metrics: state.metrics, resolver, maxConnections: state.upstreamMaxConnections })
  state.current = next
  if (previous !== null) {
    previous.upstreams.retire(next.upstreams).catch((err: unknown) => log.warn({ err }, 'closing retired upstream pools failed'))
  }
  return next
}
