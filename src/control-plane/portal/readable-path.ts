// How the Dev Portal shows a regex route path (`~/payments/(?<id>\d+)$`) to a consumer: as the
// path template a person would write, `/payments/{id}`. Capture groups become `{name}` (unnamed
// ones `{param1}`, `{param2}`, … in order), escaped characters their literal, a trailing `.*`
// becomes `*`, the anchors and an optional trailing slash go. A pattern with anything else
// (alternation, classes or quantifiers outside a group) has no honest template: the answer is
// null and the page shows the pattern itself, labelled as one.

/** The index just past the group that opens at `start` (a `(`), or -1 when it never closes. */
function groupEnd (pattern: string, start: number): number {
  let depth = 0
  let inClass = false
  for (let i = start; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') { i++; continue }
    if (inClass) { if (c === ']') inClass = false; continue }
    if (c === '[') inClass = true
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i + 1
  }
  return -1
}

const NAMED_GROUP = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/
const LITERAL_ESCAPE = /[^A-Za-z0-9]/

/** `~/pets/(?<id>\d+)$` → `/pets/{id}`; null when the pattern is not a plain path template. */
export function readablePath (routePath: string): string | null {
  let p = routePath.startsWith('~') ? routePath.slice(1) : routePath
  if (p.startsWith('^')) p = p.slice(1)
  if (p.endsWith('$') && !p.endsWith('\\$')) p = p.slice(0, -1)
  if (p.endsWith('/?')) p = p.slice(0, -2)
  let out = ''
  let unnamed = 0
  for (let i = 0; i < p.length;) {
    const c = p[i]
    if (c === '\\') {
      const next = p[i + 1]
      if (next === undefined || !LITERAL_ESCAPE.test(next)) return null
      out += next
      i += 2
    } else if (c === '(') {
      const end = groupEnd(p, i)
      if (end < 0) return null
      const named = NAMED_GROUP.exec(p.slice(i))
      if (named !== null) out += `{${named[1]}}`
      else if (p[i + 1] === '?') return null
      else out += `{param${++unnamed}}`
      i = end
      // A group made optional or repeated is not one segment of a template.
      if (i < p.length && '?*+{'.includes(p[i])) return null
    } else if (c === '.' && p[i + 1] === '*' && i + 2 === p.length) {
      out += '*'
      i += 2
    } else if ('.*+?[]{}|^$)'.includes(c)) {
      return null
    } else {
      out += c
      i++
    }
  }
  return out.startsWith('/') ? out : null
}
