import type { IncomingMessage, ServerResponse } from 'node:http'
import type { PluginConfig } from '../../contract/index.js'
import type { Logger } from '../../log.js'
import type { AnyPluginHandler } from '../../plugins/types.js'
import type { CompiledGateway } from '../compiled-gateway.js'
import type { UpstreamRequestOptions } from '../proxy/proxy-handler.js'
import type { RouteMatch } from '../router/types.js'
import { PluginRun } from './run-request.js'

/** One configured plugin instance: its handler, its normalised config and the state configure built. */
export interface PluginInstance {
  readonly handler: AnyPluginHandler
  readonly name: string
  readonly priority: number
  readonly config: PluginConfig
  /** Index in GatewayConfig.plugins. */
  readonly index: number
  /** What the handler's configure returned (its config when it has no configure). */
  readonly state: unknown
}

/** The compiled instances of one protocol, able to resolve a chain for any (route, service, consumer). */
export interface ChainSet {
  resolve: (route: number, service: number, consumer: number | null) => PluginInstance[]
  /** True when some instance is scoped to this consumer (else its chain is the route's base chain). */
  hasConsumerScoped: (consumer: number) => boolean
}

/**
 * The plugins that apply on one route, for one protocol: `base` when no consumer is identified;
 * once an authentication plugin identifies one, `forConsumer(c)`. Consumer chains are resolved on
 * first use and kept for the life of this config (one entry per consumer that has consumer-scoped
 * plugins and requests on this route), so a request never resolves precedence itself.
 */
export class RouteChain {
  readonly routeIndex: number
  readonly serviceIndex: number
  /** Instances in execution order (priority, higher first). */
  readonly base: readonly PluginInstance[]
  readonly #set: ChainSet
  #byConsumer: Map<number, readonly PluginInstance[]> | null = null

  constructor (routeIndex: number, serviceIndex: number, base: readonly PluginInstance[], set: ChainSet) {
    this.routeIndex = routeIndex
    this.serviceIndex = serviceIndex
    this.base = base
    this.#set = set
  }

  /** Serves one request on this route (called by the proxy once the upstream request is prepared). */
  handle (req: IncomingMessage, res: ServerResponse, match: RouteMatch, gateway: CompiledGateway, opts: UpstreamRequestOptions, path: string, tls: boolean, log: Logger): void {
    new PluginRun(this, req, res, match, gateway, opts, path, tls, log).start()
  }

  forConsumer (consumer: number | null): readonly PluginInstance[] {
    if (consumer === null || !this.#set.hasConsumerScoped(consumer)) return this.base
    this.#byConsumer ??= new Map()
    let chain = this.#byConsumer.get(consumer)
    if (chain === undefined) {
      chain = this.#set.resolve(this.routeIndex, this.serviceIndex, consumer)
      this.#byConsumer.set(consumer, chain)
    }
    return chain
  }
}
