import type { UpstreamConfig } from '../../contract/index.js'
import { consistentHashing } from './consistent-hashing.js'
import { latency } from './latency.js'
import { leastConnections } from './least-connections.js'
import { roundRobin } from './round-robin.js'
import type { PeerAddress } from './peer-addresses.js'
import type { Balancer } from './types.js'

/**
 * Config-time (and when a target's DNS answer changes): the algorithm of `upstream` over its
 * addresses (peer i is `addresses[i]`). `weights` is read on every pick, so health checks take an
 * address out by setting its weight to 0.
 */
export function createBalancer (upstream: UpstreamConfig, addresses: readonly PeerAddress[], weights: readonly number[] = addresses.map((a) => a.weight)): Balancer {
  switch (upstream.algorithm) {
    case 'round-robin': return roundRobin(weights)
    case 'least-connections': return leastConnections(weights)
    case 'latency': return latency(weights)
    case 'consistent-hashing': return consistentHashing(addresses.map((a) => a.key), weights, upstream.slots)
  }
}
