// Compiled RE2 regexes and sets, kept across config loads. A new config version usually repeats
// almost every regex path of the previous one, and compiling them again was most of a 10k-route
// router compile (~150 of ~230 ms) and of the contract's regex check. RE2 objects without the
// g/y flags keep no match state, so one object can serve every router that uses the same source.
//
// Two generations bound the memory: entries move to the current generation when used; when it is
// full it becomes the previous one and the older one is dropped, so regexes no config uses any more
// go away after at most two rotations.

import RE2 from 're2'

export type RE2Set = InstanceType<typeof RE2.Set>

const GENERATION_SIZE = 20_000

class TwoGenerationCache<T> {
  private current = new Map<string, T>()
  private previous = new Map<string, T>()

  get (key: string, build: () => T): T {
    let value = this.current.get(key)
    if (value !== undefined) return value
    value = this.previous.get(key) ?? build()
    if (this.current.size >= GENERATION_SIZE) {
      this.previous = this.current
      this.current = new Map()
    }
    this.current.set(key, value)
    return value
  }
}

const regexes = new TwoGenerationCache<RE2>()
const sets = new TwoGenerationCache<RE2Set>()

/** `new RE2(source)`, or the same object compiled earlier. Throws RE2's error like the constructor. */
export function cachedRE2 (source: string): RE2 {
  return regexes.get(source, () => new RE2(source))
}

/** An unanchored RE2.Set of `sources` (in that order), or the same set compiled earlier. */
export function cachedRE2Set (sources: readonly string[]): RE2Set {
  return sets.get(sources.join('\n'), () => new RE2.Set(sources as string[], '', { anchor: 'unanchored' }))
}
