// Reconnect delays: exponential with full jitter (AWS architecture blog, "Exponential Backoff And
// Jitter"): attempt n waits a uniform random time in [0, min(max, initial · 2^n)). Full jitter spreads
// the reconnects of many nodes after a control-plane restart instead of having them arrive together.

export interface BackoffOptions {
  initialMs: number
  maxMs: number
  /** Injectable for tests; Math.random by default. */
  random?: () => number
}

export interface Backoff {
  /** The delay before the next attempt; each call doubles the ceiling up to maxMs. */
  next: () => number
  /** The ceiling itself: for refusals that a quick retry cannot fix (revoked token). */
  max: () => number
  /** Called after a successful hello: the next failure starts from initialMs again. */
  reset: () => void
}

export function createBackoff (options: BackoffOptions): Backoff {
  const random = options.random ?? Math.random
  const maxMs = Math.max(1, options.maxMs)
  const initialMs = Math.min(Math.max(1, options.initialMs), maxMs)
  let attempt = 0
  return {
    next () {
      const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30))
      attempt++
      return Math.floor(random() * ceiling)
    },
    max: () => maxMs,
    reset () { attempt = 0 }
  }
}
