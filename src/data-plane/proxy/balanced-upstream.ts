import type { ServiceConfig, UpstreamConfig } from '../../contract/index.js'
import { startActiveProbes, type ActiveProbes } from '../balancer/active-probes.js'
import { createBalancer } from '../balancer/create-balancer.js'
import { peerAddresses, targetNames, type PeerAddress } from '../balancer/peer-addresses.js'
import { TargetHealth } from '../balancer/target-health.js'
import type { TargetResolver } from '../balancer/target-resolver.js'
import { ServiceBalancer, type BalancedPeer } from './service-balancer.js'

// One upstream of a config version on this node: its addresses (from the resolver's answers in
// hand), their health, the algorithm over them, and one ServiceBalancer per service naming it. When
// a target's DNS answer changes, all of that is rebuilt off the request path and the services'
// balancers are replaced (install); a request keeps the balancer it started with, so its retries and
// its report stay on one set of peers. The active probes run for the upstream's whole life and probe
// whatever the addresses are at each round.

export interface UpstreamUser {
  serviceIndex: number
  service: ServiceConfig
}

export interface BalancedUpstreamOptions {
  upstream: UpstreamConfig
  users: readonly UpstreamUser[]
  resolver: TargetResolver
  /** The same upstream's health in the config this one replaces: states carry over by address. */
  previous: TargetHealth | null
  /** Builds a peer (its pool) for one service and one address. */
  peerOf: (service: ServiceConfig, upstream: UpstreamConfig, address: PeerAddress) => BalancedPeer
  /** Puts a service's new balancer in place (the request path reads it from there). */
  install: (serviceIndex: number, balancer: ServiceBalancer) => void
  /** After a rebuild: the pools nothing uses any more may be closed. */
  rebuilt: () => void
  /** Host header the proxy sets for a service until a pick replaces it. */
  serviceHost: (service: ServiceConfig) => string
}

export class BalancedUpstream {
  readonly upstream: UpstreamConfig
  #health: TargetHealth
  readonly #options: BalancedUpstreamOptions
  readonly #probes: ActiveProbes
  readonly #unwatch: Array<() => void>

  constructor (options: BalancedUpstreamOptions) {
    this.#options = options
    this.upstream = options.upstream
    this.#health = this.#build(options.previous)
    this.#probes = startActiveProbes(() => this.#health)
    this.#unwatch = targetNames(this.upstream).map((name) => options.resolver.watch(name, () => this.#rebuild()))
  }

  get health (): TargetHealth {
    return this.#health
  }

  stop (): void {
    this.#probes.stop()
    for (const unwatch of this.#unwatch) unwatch()
  }

  #build (previous: TargetHealth | null): TargetHealth {
    const { upstream, users, resolver, peerOf, install, serviceHost } = this.#options
    const { addresses, dnsErrors } = peerAddresses(upstream, (name) => resolver.cached(name))
    const health = new TargetHealth(upstream, addresses, dnsErrors, previous)
    const algorithm = createBalancer(upstream, addresses, health.weights)
    for (const { serviceIndex, service } of users) {
      const peers = addresses.map((a) => peerOf(service, upstream, a))
      install(serviceIndex, new ServiceBalancer(upstream, peers, algorithm, health, serviceHost(service)))
    }
    return health
  }

  #rebuild (): void {
    this.#health = this.#build(this.#health)
    this.#options.rebuilt()
  }
}
