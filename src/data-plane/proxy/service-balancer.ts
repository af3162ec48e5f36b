import type { Pool } from 'undici'
import type { UpstreamConfig } from '../../contract/index.js'
import { hashOf } from '../balancer/consistent-hashing.js'
import type { Balancer } from '../balancer/types.js'
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
  readonly #balancer: Balancer
  readonly #hashes: boolean

  constructor (upstream: UpstreamConfig, peers: BalancedPeer[], balancer: Balancer) {
    this.upstream = upstream
    this.peers = peers
    this.#balancer = balancer
    this.#hashes = upstream.algorithm === 'consistent-hashing'
  }

  /** The request's hash (and a cookie to set) for a consistent-hashing upstream; 0 otherwise. */
  hash (input: () => HashInput): { hash: number, setCookie: string | null } {
    if (!this.#hashes) return NO_HASH
    const key = hashKeyOf(this.upstream, input())
    return { hash: hashOf(key.key), setCookie: key.setCookie }
  }

  /** Peer index for one attempt, or −1 (Kong's 503 "failure to get a peer from the ring-balancer"). */
  pick (hash: number, tried: readonly number[] | null): number {
    return this.#balancer.pick(hash, tried)
  }

  done (peer: number, latencyMs: number): void {
    this.#balancer.done(peer, latencyMs)
  }
}

const NO_HASH = { hash: 0, setCookie: null }
