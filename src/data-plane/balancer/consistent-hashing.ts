import { crc32 } from 'node:zlib'
import { eligible, type Balancer } from './types.js'

// Kong's consistent-hashing: a ring of `slots` points shared out among the peers by weight, each
// point at the hash of "<target> <n>" (CRC-32, then MurmurHash3's finaliser: CRC-32 is linear, so
// the CRC-32s of strings that differ only in a counter bunch up on the ring; the finaliser spreads
// them); a request's hash goes to the first point at or after it
// (wrapping). The same key therefore reaches the same peer for as long as that peer can be picked,
// and taking a peer out (weight 0, a new config without it, a retry that already tried it) moves
// only the keys that were on its points: they continue to the next point along the ring.

export function consistentHashing (targets: readonly string[], weights: readonly number[], slots: number): Balancer {
  const total = weights.reduce((a, b) => a + b, 0)
  const points: Array<{ at: number, peer: number }> = []
  if (total > 0) {
    targets.forEach((target, peer) => {
      const count = Math.max(weights[peer]! > 0 ? 1 : 0, Math.round(slots * weights[peer]! / total))
      for (let n = 0; n < count; n++) points.push({ at: hashOf(`${target} ${n}`), peer })
    })
  }
  points.sort((a, b) => a.at - b.at || a.peer - b.peer)
  const at = Uint32Array.from(points, (p) => p.at)
  const owner = Uint32Array.from(points, (p) => p.peer)
  return {
    pick (hash, tried) {
      const n = at.length
      if (n === 0) return -1
      // First point ≥ hash.
      let lo = 0
      let hi = n
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (at[mid]! < hash) lo = mid + 1
        else hi = mid
      }
      for (let k = 0; k < n; k++) {
        const peer = owner[(lo + k) % n]!
        if (eligible(weights, peer, tried)) return peer
      }
      return -1
    },
    done () {}
  }
}

/** The 32-bit hash of a request's hash key. */
export function hashOf (key: string): number {
  let h = crc32(key)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
