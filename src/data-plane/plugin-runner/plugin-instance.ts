import type { ConsumerConfig, PluginConfig } from '../../contract/index.js'
import type { AnyPluginHandler } from '../../plugins/types.js'

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
  resolve: (route: number, service: number | null, consumer: number | null) => PluginInstance[]
  /** True when some instance is scoped to this consumer (else its chain is the route's base chain). */
  hasConsumerScoped: (consumer: number) => boolean
}

/** What a request's plugin run reads of its route's chain (RouteChain). */
export interface PluginChain {
  /** Instances in execution order when no consumer is identified. */
  readonly base: readonly PluginInstance[]
  /** The config's consumers (what an authentication plugin's consumer index points into). */
  readonly consumers: readonly ConsumerConfig[]
  /** The chain once `consumer` is identified (the base chain when nothing is scoped to it). */
  forConsumer: (consumer: number | null) => readonly PluginInstance[]
}
