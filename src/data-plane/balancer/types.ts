// The seam between an upstream's algorithm and the proxy: peers are numbered 0..n−1 (an upstream's
// targets, in config order) with their weights; the proxy asks for one peer per attempt and says
// when that attempt is over. Algorithms are built once per config version; pick() allocates nothing.

export interface Balancer {
  /**
   * The peer for one attempt, or −1 when none can be picked (no targets, all weight 0, or all in
   * `tried`). `hash` is the request's 32-bit hash (consistent-hashing only); `tried` the peers this
   * request already tried (retries go to another peer, as Kong's), null on the first attempt.
   */
  pick: (hash: number, tried: readonly number[] | null) => number
  /** The attempt on `peer` ended; `latencyMs` ≥ 0 when the peer answered (its response headers). */
  done: (peer: number, latencyMs: number) => void
}

/** True when `peer` may be picked: a weight, and not yet tried by this request. */
export function eligible (weights: readonly number[], peer: number, tried: readonly number[] | null): boolean {
  return weights[peer]! > 0 && (tried === null || !tried.includes(peer))
}

/**
 * The eligible peer with the lowest `score`, scanning from the one after `last` so ties rotate over
 * the peers (least-connections, latency); −1 when none is eligible.
 */
export function lowestScore (weights: readonly number[], tried: readonly number[] | null, last: number, score: (peer: number) => number): number {
  const n = weights.length
  let best = -1
  let bestScore = Infinity
  for (let k = 1; k <= n; k++) {
    const i = (last + k) % n
    if (!eligible(weights, i, tried)) continue
    const s = score(i)
    if (s < bestScore) { best = i; bestScore = s }
  }
  return best
}
