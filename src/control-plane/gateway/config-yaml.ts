// YAML text of an exported config (JSON data only: objects, arrays, strings, finite numbers,
// booleans, null) in block style, the way Kong's `deck dump` writes it. Written by hand because the
// `yaml` package builds a node tree first: 10k routes took ~1.1 s there, ~60 ms here.
// Strings are plain only when no YAML 1.1 or 1.2 reader could take them for anything else; every
// other string is a JSON double-quoted string, which is also a valid YAML double-quoted scalar.

const PLAIN = /^[A-Za-z/_][A-Za-z0-9._/-]*$/
const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null|nan|inf)$/i

// Allowed raw in JSON strings, not in YAML ones (outside YAML's printable set, or line breaks in 1.1).
const NOT_PRINTABLE = /[\x7f-\x84\x86-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g

function quoted (s: string): string {
  return JSON.stringify(s).replace(NOT_PRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function scalar (value: unknown): string {
  if (typeof value === 'string') return PLAIN.test(value) && !RESERVED.test(value) ? value : quoted(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return 'null'
}

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** True when `v` is written on its own lines (a non-empty mapping or sequence). */
function isBlock (v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : isObject(v) && Object.keys(v).length > 0
}

function inline (v: unknown): string {
  return Array.isArray(v) ? '[]' : isObject(v) ? '{}' : scalar(v)
}

function writeMapping (obj: Record<string, unknown>, indent: string, out: string[], first: string | null): void {
  let lead = first
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue
    const prefix = lead ?? indent
    lead = null
    if (isBlock(value)) {
      out.push(`${prefix}${scalar(key)}:`)
      write(value, indent + '  ', out)
    } else out.push(`${prefix}${scalar(key)}: ${inline(value)}`)
  }
}

function write (value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isObject(item) && Object.keys(item).length > 0) writeMapping(item, indent + '  ', out, `${indent}- `)
      else if (Array.isArray(item) && item.length > 0) {
        out.push(`${indent}-`)
        write(item, indent + '  ', out)
      } else out.push(`${indent}- ${inline(item)}`)
    }
  } else if (isObject(value)) writeMapping(value, indent, out, null)
  else out.push(indent + inline(value))
}

/** The document as block-style YAML, ending with a newline. */
export function toYamlText (doc: Record<string, unknown>): string {
  const out: string[] = []
  write(doc, '', out)
  return out.join('\n') + '\n'
}
