import { lowestScore, type Balancer } from './types.js'

// Kong 3.x's latency algorithm: the peer whose recent responses came fastest, by an exponentially
// weighted moving average of its response latency (each answer moves it 30% of the way), scaled by
// its attempts in flight and divided by its weight. A peer with no answer yet is tried first, so
// every peer gets measured; one that fails keeps its old average and its in-flight count drops.

const ALPHA = 0.3

export function latency (weights: readonly number[]): Balancer {
  const ewma = new Float64Array(weights.length).fill(-1)
  const inFlight = new Uint32Array(weights.length)
  let last = -1
  const score = (i: number): number => {
    const measured = ewma[i]!
    return measured < 0 ? -1 / (inFlight[i]! + 1) : (measured + 0.001) * (inFlight[i]! + 1) / weights[i]!
  }
  return {
    pick (_hash, tried) {
      const best = lowestScore(weights, tried, last, score)
      if (best !== -1) { inFlight[best]++; last = best }
      return best
    },
    done (peer, ms) {
      if (inFlight[peer]! > 0) inFlight[peer]--
      if (ms < 0) return
      const before = ewma[peer]!
      ewma[peer] = before < 0 ? ms : before + (ms - before) * ALPHA
    }
  }
}
