// Text → plain data. JSON when the file name ends in .json or the first non-space character is `{`,
// YAML otherwise (YAML 1.2 core schema: `yes`/`no` stay strings, duplicate keys are errors).

import { LineCounter, parseDocument } from 'yaml'
import type { FieldIssue } from './types.js'

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

function parseYaml (text: string): ParseResult {
  // maxAliasCount bounds alias expansion ("billion laughs").
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter })
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
