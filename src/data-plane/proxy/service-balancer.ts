import type { Pool } from 'undici'
import type { UpstreamConfig } from '../../contract/index.js'
import { hashOf } from '../balancer/consistent-hashing.js'
import type { Balancer } from '../balancer/types.js'
import type { TargetHealth } from '../balancer/target-health.js'
import type { UpstreamErrorKind } from '../metrics/route-slot.js'
import { hashKeyOf, type HashInput } from './hash-key.js'

// A service whose host names an upstream: its requests go to the upstream's targets, one picked per
// attempt by the upstream's algorithm (src/data-plane/balancer/). Built at config time with one
// pool per target; what is per attempt is the pick and the Host header / SNI of that target.

export interface BalancedPeer {
  pool: Pool
  /** Kong's Host for this target: host_header, else the target's host, with the port unless it is the scheme's default. */
  hostHeader: string
  /** TLS server name (https services): the Host's name when it is not an IP, else none. */
  servername: string | null
}

export class ServiceBalancer {
  readonly upstream: UpstreamConfig
  readonly peers: readonly BalancedPeer[]
  readonly health: TargetHealth
  /** The Host the proxy sets for the service (its host and port) until a pick replaces it. */
  readonly serviceHost: string
  /** consistent-hashing: each request is hashed (hashOf) before the first pick. */
  readonly hashes: boolean
  readonly #balancer: Balancer
  /** Passive checks count this upstream's traffic. */
  readonly #passive: boolean

  constructor (upstream: UpstreamConfig, peers: BalancedPeer[], balancer: Balancer, health: TargetHealth, serviceHost: string) {
    this.upstream = upstream
    this.peers = peers
    this.#balancer = balancer
    this.health = health
    this.serviceHost = serviceHost
    this.#passive = health.passive
    this.hashes = upstream.algorithm === 'consistent-hashing'
  }

  /** The request's hash, and a cookie to set (`hash_on: cookie` without it), for a consistent-hashing upstream. */
  hashOf (input: HashInput): { hash: number, setCookie: string | null } {
    const key = hashKeyOf(this.upstream, input)
    return { hash: hashOf(key.key), setCookie: key.setCookie }
  }

  /** Peer index for one attempt, or −1 (Kong's 503 "failure to get a peer from the ring-balancer"). */
  pick (hash: number, tried: readonly number[] | null): number {
    // Kong's threshold: below it the whole upstream answers as if it had no target.
    if (this.health.belowThreshold()) return -1
    return this.#balancer.pick(hash, tried)
  }

  /** Passive checks: the target's response status (Kong counts what the target sent, never a plugin's answer). */
  answered (peer: number, status: number): void {
    if (this.#passive) this.health.status(peer, status)
  }

  /** Passive checks: an attempt that failed (connection → tcp failure, timeout → timeout). */
  failed (peer: number, kind: UpstreamErrorKind | -1): void {
    if (!this.#passive) return
    if (kind === 0) this.health.report(peer, 'tcp_failure', 'passive')
    else if (kind === 1) this.health.report(peer, 'timeout', 'passive')
  }

  done (peer: number, latencyMs: number): void {
    this.#balancer.done(peer, latencyMs)
  }
}
