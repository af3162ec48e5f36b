// One path a `~` regex path matches, for the example request of a conflict (route-conflicts.ts):
// literals as written, `\d` → 0, `\w` and `.` → a, a class → its first character, the first branch
// of an alternation, `*` `?` → none, `+` `{n,…}` → n times (at least one). What it cannot read
// (negated classes, `\b`, back-references…) gives null; the caller checks the sample with the regex.

const CLASS_SAMPLES: Record<string, string> = { d: '0', w: 'a', D: 'a', W: '-', s: ' ', S: 'a' }

export function sampleRegexPath (pattern: string): string | null {
  const out = { i: 0 }
  try {
    const s = alternation(pattern, out)
    return out.i === pattern.length ? s : null
  } catch {
    return null
  }
}

function alternation (p: string, at: { i: number }): string {
  const first = sequence(p, at)
  while (p[at.i] === '|') {
    at.i++
    sequence(p, at) // later branches are read past, not used
  }
  return first
}

function sequence (p: string, at: { i: number }): string {
  let out = ''
  while (at.i < p.length && p[at.i] !== '|' && p[at.i] !== ')') {
    const atom = readAtom(p, at)
    out += repeat(atom, p, at)
  }
  return out
}

function readAtom (p: string, at: { i: number }): string {
  const c = p[at.i]
  if (c === '(') {
    at.i++
    if (p[at.i] === '?') {
      at.i++
      if (p[at.i] === ':') at.i++
      else if (p[at.i] === '<' || (p[at.i] === 'P' && p[at.i + 1] === '<')) {
        const close = p.indexOf('>', at.i)
        if (close < 0) throw new Error('group name')
        at.i = close + 1
      } else throw new Error('flags')
    }
    const inner = alternation(p, at)
    if (p[at.i] !== ')') throw new Error('unclosed group')
    at.i++
    return inner
  }
  if (c === '[') return readClass(p, at)
  if (c === '\\') {
    const next = p[at.i + 1]
    if (next === undefined) throw new Error('escape')
    at.i += 2
    if (next in CLASS_SAMPLES) return CLASS_SAMPLES[next]
    if (/[0-9A-Za-z]/.test(next)) throw new Error('unsupported escape')
    return next
  }
  if (c === '^' || c === '$') { at.i++; return '' }
  if (c === '.') { at.i++; return 'a' }
  if (c === '*' || c === '+' || c === '?' || c === '{') throw new Error('quantifier without atom')
  at.i++
  return c
}

function readClass (p: string, at: { i: number }): string {
  at.i++ // [
  if (p[at.i] === '^') throw new Error('negated class')
  let first: string | null = null
  let k = at.i
  if (p[k] === ']') { first = ']'; k++ }
  while (k < p.length && p[k] !== ']') {
    let ch = p[k]
    if (ch === '\\') {
      const next = p[k + 1]
      ch = next in CLASS_SAMPLES ? CLASS_SAMPLES[next] : next
      k += 2
    } else if (ch === '[' && p[k + 1] === ':') {
      const close = p.indexOf(':]', k)
      if (close < 0) throw new Error('posix class')
      const name = p.slice(k + 2, close)
      ch = name === 'digit' ? '0' : 'a'
      k = close + 2
    } else {
      k++
    }
    first ??= ch
  }
  if (p[k] !== ']' || first === null) throw new Error('class')
  at.i = k + 1
  return first
}

function repeat (atom: string, p: string, at: { i: number }): string {
  const q = p[at.i]
  let times = 1
  if (q === '*' || q === '?') { times = 0; at.i++ } else if (q === '+') { at.i++ } else if (q === '{') {
    const close = p.indexOf('}', at.i)
    const m = close < 0 ? null : /^\{(\d+)(,\d*)?\}$/.exec(p.slice(at.i, close + 1))
    if (m === null) return atom // a literal `{`
    times = Math.max(Number(m[1]), 1)
    at.i = close + 1
  } else {
    return atom
  }
  if (p[at.i] === '?' || p[at.i] === '+') at.i++ // lazy / possessive
  return atom.repeat(times)
}
