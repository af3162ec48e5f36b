import type { ConsumerConfig } from '../../contract/index.js'
import type { UpstreamCall } from '../proxy/upstream-call.js'
import type { ChainSet, PluginChain, PluginInstance } from './plugin-instance.js'
import { PluginRun } from './run-request.js'

/**
 * The plugins that apply on one route, for one protocol: `base` when no consumer is identified;
 * once an authentication plugin identifies one, `forConsumer(c)`. Consumer chains are resolved on
 * first use and kept for the life of this config (one entry per consumer that has consumer-scoped
 * plugins and requests on this route), so a request never resolves precedence itself.
 */
export class RouteChain implements PluginChain {
  readonly routeIndex: number
  /** Null for a route without a service. */
  readonly serviceIndex: number | null
  /** Instances in execution order (priority, higher first). */
  readonly base: readonly PluginInstance[]
  /** The config's consumers (what an authentication plugin's consumer index points into). */
  readonly consumers: readonly ConsumerConfig[]
  readonly #set: ChainSet
  #byConsumer: Map<number, readonly PluginInstance[]> | null = null

  constructor (routeIndex: number, serviceIndex: number | null, base: readonly PluginInstance[], set: ChainSet, consumers: readonly ConsumerConfig[]) {
    this.routeIndex = routeIndex
    this.serviceIndex = serviceIndex
    this.base = base
    this.#set = set
    this.consumers = consumers
  }

  /**
   * Serves one request on this route: the proxy prepared its upstream call and did not start it;
   * the plugins' run starts it (with itself as the call's hooks) once access lets it through.
   */
  handle (call: UpstreamCall, path: string, tls: boolean): void {
    new PluginRun(this, call, path, tls).start()
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
