/** A seeded random number source: a seed replays a randomized test exactly. */
export type Rng = () => number

/** mulberry32: small, fast, good enough to pick cases; the seed is a 32-bit integer. */
export function prng (seed: number): Rng {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let x = s
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
