// Regex candidates sharing a literal prefix. A small group is tested pattern by pattern; a larger one
// through RE2.Set chunks (one native call tells which patterns match). Chunks hold at most
// SET_CHUNK_SIZE patterns: measured with re2 1.24 (idle machine), a 512-pattern set matches in ~0.5 µs but a
// 2000-pattern set takes ~8 µs (its DFA runs out of memory), so big groups are split.
// Inputs are Buffers: re2 converts a JS string to UTF-8 on every call (~1.4 µs for a new string),
// while Buffer.from(path) once per request costs ~0.15 µs.

import { cachedRE2Set, type RE2Set } from '../contract/re2-cache.js'
import type { Candidate } from './candidate.js'

export const SET_MIN_SIZE = 5
export const SET_CHUNK_SIZE = 512

export type { RE2Set }

export interface RegexChunk {
  set: RE2Set
  /** Candidates in set-index order, sorted by rank. */
  cands: Candidate[]
  minRank: number
}

export interface RegexGroup {
  /** Sorted by rank. */
  cands: Candidate[]
  minRank: number
  /** null: test candidates one by one. */
  chunks: RegexChunk[] | null
}

export function createRegexGroup (): RegexGroup {
  return { cands: [], minRank: Number.MAX_SAFE_INTEGER, chunks: null }
}

/** Call once all candidates are added (in rank order). */
export function finishRegexGroup (group: RegexGroup): void {
  group.minRank = group.cands.length > 0 ? group.cands[0].rank : Number.MAX_SAFE_INTEGER
  if (group.cands.length < SET_MIN_SIZE) return
  const chunks: RegexChunk[] = []
  for (let i = 0; i < group.cands.length; i += SET_CHUNK_SIZE) {
    const cands = group.cands.slice(i, i + SET_CHUNK_SIZE)
    const sources = cands.map((c) => c.regexSource)
    chunks.push({ set: cachedRE2Set(sources), cands, minRank: cands[0].rank })
  }
  group.chunks = chunks
}
