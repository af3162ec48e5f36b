import { lowestScore, type Balancer } from './types.js'

// Kong's least-connections: the peer with the fewest attempts in flight for its weight,
// (in flight + 1) / weight. Ties go to the peer after the last one picked, so an idle upstream's
// requests still spread over every peer.

export function leastConnections (weights: readonly number[]): Balancer {
  const inFlight = new Uint32Array(weights.length)
  let last = -1
  const score = (i: number): number => (inFlight[i]! + 1) / weights[i]!
  return {
    pick (_hash, tried) {
      const best = lowestScore(weights, tried, last, score)
      if (best !== -1) { inFlight[best]++; last = best }
      return best
    },
    done (peer) {
      if (inFlight[peer]! > 0) inFlight[peer]--
    }
  }
}
