import { eligible, type Balancer } from './types.js'

// Weighted round-robin, nginx's "smooth" variant: every pick adds each peer's weight to its
// credit and takes the peer with the most credit, which then pays the total back. Over every whole
// cycle (total weight picks) each peer is picked exactly its weight's worth of times, interleaved
// (10/10/5 → a b a b c …, 40/40/20 over 100), not in bursts. Kong's wheel of slots gives the same
// shares per cycle; this needs no wheel. A retry skips the peers already tried: the others share
// the pick by the same rule.

export function roundRobin (weights: readonly number[]): Balancer {
  const credit = new Float64Array(weights.length)
  return {
    pick (_hash, tried) {
      let best = -1
      let total = 0
      for (let i = 0; i < weights.length; i++) {
        if (!eligible(weights, i, tried)) continue
        credit[i] += weights[i]!
        total += weights[i]!
        if (best === -1 || credit[i]! > credit[best]!) best = i
      }
      if (best !== -1) credit[best] -= total
      return best
    },
    done () {}
  }
}
