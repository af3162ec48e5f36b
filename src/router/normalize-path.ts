// Request-target normalisation for routing. The router matches on the normalised path, so that
// `/public/../admin` or `/public/%2e%2e/admin` cannot slip past a `/public` route into `/admin`.
//
// Steps (slow path only): keep the path part of the target, decode percent-encoded unreserved
// characters (ALPHA DIGIT - . _ ~; every other %XX stays encoded with upper-case hex), merge `//`
// runs, remove dot segments (RFC 3986 5.2.4; `..` above the root stays at `/`).

const CH_SLASH = 0x2f
const CH_DOT = 0x2e
const CH_PERCENT = 0x25
const CH_QUESTION = 0x3f

const HEX_DIGITS = '0123456789ABCDEF'

/** The path part of a request target (`req.url`), normalised; null when the target is invalid. */
export function normalizePath (rawTarget: string): string | null {
  let start = 0
  if (rawTarget.charCodeAt(0) !== CH_SLASH) {
    start = absoluteFormPathStart(rawTarget)
    if (start < 0) return null
  }
  // Fast path (hot path, change with care): one scan; nothing to do when there is no `%`, `//` or `/.`.
  let end = rawTarget.length
  let plain = true
  for (let i = start; i < end; i++) {
    const c = rawTarget.charCodeAt(i)
    if (c === CH_QUESTION) { end = i; break }
    if (c === CH_PERCENT) plain = false
    else if (c === CH_SLASH) {
      const next = rawTarget.charCodeAt(i + 1)
      if (next === CH_SLASH || next === CH_DOT) plain = false
    }
  }
  if (start === end) return '/' // absolute-form without a path: `http://host` or `http://host?q`
  const path = start === 0 && end === rawTarget.length ? rawTarget : rawTarget.slice(start, end)
  if (plain) return path
  const decoded = normalizePercentEncoding(path)
  if (decoded === null) return null
  return removeDotSegments(mergeSlashes(decoded))
}

/**
 * The path of a request target as received, without its query (Kong's X-Forwarded-Path:
 * `ctx.request_uri` up to `?`); for an absolute-form target, the part after the authority.
 */
export function rawPath (rawTarget: string): string {
  let start = 0
  if (rawTarget.charCodeAt(0) !== CH_SLASH) {
    start = absoluteFormPathStart(rawTarget)
    if (start < 0) return rawTarget
  }
  const q = rawTarget.indexOf('?', start)
  const end = q < 0 ? rawTarget.length : q
  if (start === end) return '/'
  return start === 0 && end === rawTarget.length ? rawTarget : rawTarget.slice(start, end)
}

/** The raw query of a request target including its `?`, or '' when there is none. */
export function splitQuery (rawTarget: string): string {
  const q = rawTarget.indexOf('?')
  return q < 0 ? '' : rawTarget.slice(q)
}

/**
 * Decodes percent-encoded unreserved characters and upper-cases the hex of the others.
 * Returns null on malformed encoding (`%zz`, `%4` at the end). Also used on route prefix paths at
 * compile time so that both sides of a comparison are in the same form.
 */
export function normalizePercentEncoding (path: string): string | null {
  if (path.indexOf('%') < 0) return path
  let out = ''
  let last = 0
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) !== CH_PERCENT) continue
    const hi = hexValue(path.charCodeAt(i + 1))
    const lo = hexValue(path.charCodeAt(i + 2))
    if (hi < 0 || lo < 0) return null
    const byte = hi * 16 + lo
    out += path.slice(last, i)
    out += isUnreserved(byte) ? String.fromCharCode(byte) : '%' + HEX_DIGITS[hi] + HEX_DIGITS[lo]
    i += 2
    last = i + 1
  }
  return out + path.slice(last)
}

/** Start index of the path in an absolute-form target (`http://host/path`), or -1 if not one. */
function absoluteFormPathStart (target: string): number {
  const m = /^https?:\/\/[^/?#]*/i.exec(target)
  if (m === null || target.charCodeAt(m[0].length) === 0x23) return -1 // `#` cannot start a path
  return m[0].length
}

function hexValue (c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  return -1 // also NaN (past the end)
}

function isUnreserved (byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e
}

function mergeSlashes (path: string): string {
  return path.indexOf('//') < 0 ? path : path.replace(/\/{2,}/g, '/')
}

/** RFC 3986 5.2.4 for an absolute path without `//`: `.` dropped, `..` pops (never above root). */
function removeDotSegments (path: string): string {
  if (path.indexOf('/.') < 0) return path
  const segments = path.slice(1).split('/')
  const out: string[] = []
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]
    const isLast = i === segments.length - 1
    if (seg === '.' || seg === '..') {
      if (seg === '..') out.pop()
      if (isLast) out.push('')
      continue
    }
    out.push(seg)
  }
  return '/' + out.join('/')
}
