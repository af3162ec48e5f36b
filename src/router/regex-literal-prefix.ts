// The literal text every match of a regex path must start with, used to file regex candidates in the
// prefix tree: a regex is only ever run for requests whose path starts with its literal prefix.
// Conservative: when unsure, return a shorter prefix ('' is always correct).

const META = new Set(['.', '^', '$', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}'])
const QUANTIFIERS = new Set(['?', '*', '+', '{'])

/** `/version/\d+` → `/version/`; `/a/b?` → `/a/`; `(/x|/y)` → ''; `/x|/y` → ''. */
export function regexLiteralPrefix (pattern: string): string {
  if (hasTopLevelAlternation(pattern)) return ''
  let out = ''
  let i = 0
  while (i < pattern.length) {
    const c = pattern[i]
    let literal: string
    let width: number
    if (c === '\\') {
      const next = pattern[i + 1]
      if (next === undefined || /[0-9A-Za-z]/.test(next)) break // \d, \w, \x41, \Q…: not a plain literal
      literal = next
      width = 2
    } else if (META.has(c)) {
      break
    } else {
      literal = c
      width = 1
    }
    const after = pattern[i + width]
    if (after !== undefined && QUANTIFIERS.has(after)) break // `b?`: the atom may be absent or repeated
    out += literal
    i += width
  }
  return out
}

/** True when a `|` appears outside any group or character class. */
function hasTopLevelAlternation (pattern: string): boolean {
  let depth = 0
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') { i++; continue }
    if (c === '[') { i = skipClass(pattern, i); continue }
    if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) return true
  }
  return false
}

/** Index of the `]` closing the class opened at `open` (a `]` first in the class is literal). */
function skipClass (pattern: string, open: number): number {
  let i = open + 1
  if (pattern[i] === '^') i++
  if (pattern[i] === ']') i++
  for (; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') { i++; continue }
    if (c === '[' && pattern[i + 1] === ':') { // POSIX class `[:alpha:]`
      const end = pattern.indexOf(':]', i + 2)
      if (end > 0) { i = end + 1; continue }
    }
    if (c === ']') return i
  }
  return pattern.length
}
