// policy: local — counters in this process's memory, shared by every instance and config version
// (a reload does not reset them), keyed like Kong's: the plugin's scope, the identifier, the period.
//
// Memory is bounded: an entry (one identifier in one scope, all its periods) is dropped once every
// window it counted has ended; expired entries are swept at most once a second, when a new
// identifier arrives. Past MAX_ENTRIES the oldest entries are evicted (their counters restart), as
// Kong's fixed-size shared dictionary evicts its least recently used counters.

import { windowEnd, windowStart } from './windows.js'

export const MAX_ENTRIES = 100_000
const SWEEP_INTERVAL_MS = 1000

interface Entry {
  /** Window start per period index (0 = never counted). */
  starts: number[]
  counts: number[]
  /** When the last window counted ends: the entry is useless after that. */
  expires: number
}

const scopes = new Map<string, Map<string, Entry>>()
let size = 0
let lastSweep = 0

function sweep (now: number): void {
  lastSweep = now
  for (const [scope, entries] of scopes) {
    for (const [id, entry] of entries) {
      if (entry.expires <= now) { entries.delete(id); size-- }
    }
    if (entries.size === 0) scopes.delete(scope)
  }
}

function evictOldest (count: number): void {
  for (const [scope, entries] of scopes) {
    for (const id of entries.keys()) {
      if (count-- <= 0) return
      entries.delete(id)
      size--
    }
    if (entries.size === 0) scopes.delete(scope)
  }
}

function entryFor (scope: string, id: string, now: number): Entry {
  let entries = scopes.get(scope)
  if (entries === undefined) {
    entries = new Map()
    scopes.set(scope, entries)
  }
  let entry = entries.get(id)
  if (entry !== undefined) return entry
  if (now - lastSweep >= SWEEP_INTERVAL_MS) sweep(now)
  if (size >= MAX_ENTRIES) evictOldest(Math.max(1, MAX_ENTRIES >> 6))
  entry = { starts: [0, 0, 0, 0, 0, 0], counts: [0, 0, 0, 0, 0, 0], expires: 0 }
  // The sweep may have removed the scope's map.
  if (!scopes.has(scope)) scopes.set(scope, entries)
  entries.set(id, entry)
  size++
  return entry
}

/**
 * Kong's check-then-count for one request: writes into `usage[i]` the requests already counted in
 * the current window of `periods[i]`; when none has reached `limits[i]`, counts this request in
 * every period. Returns true when the request was counted (no limit reached).
 */
export function hitLocal (scope: string, id: string, periods: readonly number[], limits: readonly number[], now: number, usage: number[]): boolean {
  const entry = entryFor(scope, id, now)
  let allowed = true
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i]
    const start = windowStart(p, now)
    if (entry.starts[p] !== start) {
      entry.starts[p] = start
      entry.counts[p] = 0
      const end = windowEnd(p, now)
      if (end > entry.expires) entry.expires = end
    }
    usage[i] = entry.counts[p]
    if (usage[i] >= limits[i]) allowed = false
  }
  if (allowed) for (let i = 0; i < periods.length; i++) entry.counts[periods[i]]++
  return allowed
}

/** Entries held (for tests). */
export function localEntryCount (): number {
  return size
}

/** Forgets every counter (for tests). */
export function resetLocalCounters (): void {
  scopes.clear()
  size = 0
  lastSweep = 0
}
