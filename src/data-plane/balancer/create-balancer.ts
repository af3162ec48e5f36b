import type { UpstreamConfig } from '../../contract/index.js'
import { consistentHashing } from './consistent-hashing.js'
import { latency } from './latency.js'
import { leastConnections } from './least-connections.js'
import { roundRobin } from './round-robin.js'
import type { Balancer } from './types.js'

/**
 * Config-time: the algorithm of `upstream` over its targets (peer i is `upstream.targets[i]`).
 * `weights` is read on every pick, so health checks take a target out by setting its weight to 0.
 */
export function createBalancer (upstream: UpstreamConfig, weights: readonly number[] = upstream.targets.map((t) => t.weight)): Balancer {
  switch (upstream.algorithm) {
    case 'round-robin': return roundRobin(weights)
    case 'least-connections': return leastConnections(weights)
    case 'latency': return latency(weights)
    case 'consistent-hashing': return consistentHashing(upstream.targets.map((t) => t.target), weights, upstream.slots)
  }
}
