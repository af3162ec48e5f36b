// Text → plain data. JSON when the file name ends in .json or the first non-space character is `{`,
// YAML otherwise (YAML 1.2 core schema: `yes`/`no` stay strings, duplicate keys are errors).

import { LineCounter, Parser, parseDocument } from 'yaml'
import type { FieldIssue } from './types.js'

/**
 * Deepest nesting a file may have (a Kong config needs about 8). yaml's composer and the checks
 * after parsing recurse once per level; a few thousand `[` overflow the stack, and an overflow that
 * lands in V8's regexp compiler aborts the whole process instead of throwing. So depth is measured
 * first, without recursion: here on the YAML syntax tree before composing, and on every document
 * (parsed or built by the control plane) before it is checked (tooDeepAt, paths.ts).
 */
export const MAX_NESTING = 64

export type ParseResult = { ok: true, value: unknown } | { ok: false, errors: FieldIssue[] }

export function isJsonText (text: string, filename?: string): boolean {
  if (filename !== undefined && filename.toLowerCase().endsWith('.json')) return true
  return text.trimStart().startsWith('{')
}

export function parseConfigText (text: string, filename?: string): ParseResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  return isJsonText(source, filename) ? parseJson(source) : parseYaml(source)
}

function parseJson (text: string): ParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    return { ok: false, errors: [{ path: '', message: `invalid JSON: ${(err as Error).message}` }] }
  }
}

/** Nesting depth of a YAML text's syntax tree (about one level per collection), measured iteratively. */
export function yamlDepthExceeds (text: string, max: number): boolean {
  for (const token of new Parser().parse(text)) {
    const stack: Array<[unknown, number]> = [[token, 0]]
    while (stack.length > 0) {
      const [v, depth] = stack.pop() as [unknown, number]
      if (depth > max) return true
      if (Array.isArray(v)) for (const x of v) stack.push([x, depth])
      else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) stack.push([x, Array.isArray(x) ? depth : depth + 1])
    }
  }
  return false
}

function parseYaml (text: string): ParseResult {
  // Syntax-tree levels are about two per data level (collection, then item).
  if (yamlDepthExceeds(text, 2 * MAX_NESTING + 8)) {
    return { ok: false, errors: [{ path: '', message: `invalid YAML: nests deeper than ${MAX_NESTING} levels` }] }
  }
  // maxAliasCount bounds alias expansion ("billion laughs").
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter, logLevel: 'error' })
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => {
      const at = lineCounter.linePos(e.pos[0])
      return { path: '', message: `invalid YAML at line ${at.line}, column ${at.col}: ${e.message}` }
    })
    return { ok: false, errors }
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown }
  } catch (err) {
    return { ok: false, errors: [{ path: '', message: `invalid YAML: ${(err as Error).message}` }] }
  }
}
