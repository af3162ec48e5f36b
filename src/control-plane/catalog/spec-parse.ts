import { dereference, validate } from '@readme/openapi-parser'
import { LineCounter, parseDocument } from 'yaml'
import { yamlDepthExceeds } from '../../contract/declarative/parse.js'
import { GatewayError, type FieldError } from '../../errors.js'
import { externalRefs, formatSpecPath, jsonSyntaxErrorOffset, nestingDepth, pathFromCodeFrame, sourcePosition, type SpecPath } from './spec-locate.js'

// An uploaded API spec, text → checked document. Swagger 2.0, OpenAPI 3.0 and 3.1, in JSON or YAML
// (by Content-Type). Validation is @readme/openapi-parser's (the JSON schemas of each version plus
// its checks: duplicate operationIds, path parameters …); every error names where it is (a path
// in the document and the line and column of the upload). Nothing outside the upload is read:
// external $refs are refused, never fetched (no file or network access from the control plane).

export const SPEC_BODY_LIMIT = 5 * 1024 * 1024
/** Deepest nesting accepted; the validator and dereferencer recurse per level. */
export const SPEC_NESTING_MAX = 128

const JSON_TYPES = new Set(['application/json', 'text/json'])
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'application/openapi+yaml', 'application/vnd.oai.openapi'])
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

export interface SpecOperation {
  method: string
  path: string
  summary: string | null
  operation_id: string | null
  deprecated: boolean
}

export interface ParsedSpec {
  format: 'json' | 'yaml'
  /** `openapi` or `swagger`, and the version the document declares. */
  specification: { type: 'openapi' | 'swagger', version: string }
  title: string
  api_version: string
  document: Record<string, unknown>
  operations: SpecOperation[]
}

function invalidSpec (summary: string, fields: FieldError[]): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_INVALID', `the API spec is invalid: ${summary}`, { fields })
}

function formatOf (mediaType: string): 'json' | 'yaml' {
  if (JSON_TYPES.has(mediaType) || mediaType.endsWith('+json')) return 'json'
  if (YAML_TYPES.has(mediaType) || mediaType.endsWith('+yaml')) return 'yaml'
  throw new GatewayError('ATRIUM_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE', `send the spec as the body with Content-Type application/json or application/yaml, got "${mediaType || '(none)'}"`)
}

function lineColumnAt (text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n')
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`
}

function parseJsonText (text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    const offset = jsonSyntaxErrorOffset(text)
    const where = offset === null ? '' : ` at ${lineColumnAt(text, offset)}`
    throw invalidSpec(`not valid JSON${where}`, [{ path: '', message: `invalid JSON${where}: ${(err as Error).message}` }])
  }
}

function parseYamlText (text: string): unknown {
  // Syntax-tree depth, measured before composing (the composer recurses): about two levels per data level.
  if (yamlDepthExceeds(text, 2 * SPEC_NESTING_MAX + 8)) throw invalidSpec(`nests deeper than ${SPEC_NESTING_MAX} levels`, [{ path: '', message: `nests deeper than ${SPEC_NESTING_MAX} levels` }])
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter, logLevel: 'error' })
  if (doc.errors.length > 0) {
    const at = lineCounter.linePos(doc.errors[0].pos[0])
    const where = `line ${at.line}, column ${at.col}`
    throw invalidSpec(`not valid YAML at ${where}`, doc.errors.slice(0, 10).map((e) => {
      const p = lineCounter.linePos(e.pos[0])
      return { path: '', message: `invalid YAML at line ${p.line}, column ${p.col}: ${e.message.split('\n')[0]}` }
    }))
  }
  try {
    // maxAliasCount bounds alias expansion ("billion laughs").
    return doc.toJS({ maxAliasCount: 100 }) as unknown
  } catch (err) {
    throw invalidSpec('not valid YAML', [{ path: '', message: `invalid YAML: ${(err as Error).message}` }])
  }
}

/** A located field error: the path in the document, the place in the upload. */
function located (text: string, path: SpecPath, reason: string): FieldError {
  const pos = sourcePosition(text, path)
  return { path: formatSpecPath(path), message: pos === null ? reason : `${reason} (line ${pos.line}, column ${pos.column})` }
}

function checkDeclaredVersion (doc: Record<string, unknown>): { type: 'openapi' | 'swagger', version: string } {
  if (typeof doc.openapi === 'string' && /^3\.[01]\.\d+$/.test(doc.openapi)) return { type: 'openapi', version: doc.openapi }
  if (doc.swagger === '2.0') return { type: 'swagger', version: '2.0' }
  const field = 'swagger' in doc && !('openapi' in doc) ? 'swagger' : 'openapi'
  const got = field === 'swagger' ? doc.swagger : doc.openapi
  throw invalidSpec('not an OpenAPI 3.0 / 3.1 or Swagger 2.0 document', [{
    path: field,
    message: `must be openapi: "3.0.x" or "3.1.x", or swagger: "2.0"${got === undefined ? ' (neither is set)' : `, got ${JSON.stringify(got)}`}`
  }])
}

/** The validator's message → a field error: "REQUIRED must have …" with its hint, at its path. */
async function toFieldErrors (text: string, document: Record<string, unknown>, messages: string[]): Promise<FieldError[]> {
  let dereferenced: unknown = null
  if (messages.some((m) => /^>\s*\d+\s*\|/m.test(m))) {
    dereferenced = await dereference(structuredClone(document) as never, { resolve: { external: false, file: false }, dereference: { circular: 'ignore' } }).catch(() => null)
  }
  return messages.map((message) => {
    const lines = message.split('\n')
    const first = lines[0].replace(/^[A-Z][A-Z ]+[A-Z] (?=[a-z])/, '').trim()
    const hint = lines.map((l) => /^\s*\|\s*\^+\s*(.+)$/.exec(l)?.[1]).find((h) => h !== undefined)
    const reason = hint === undefined ? first : `${first} (${hint.replace(/!$/, '')})`
    const path = dereferenced === null ? null : pathFromCodeFrame(message, dereferenced)
    if (path !== null) return located(text, path, reason)
    const missing = /^Missing \$ref pointer "([^"]+)"/.exec(first)
    if (missing !== null) {
      const refPath = findRef(document, missing[1])
      if (refPath !== null) return located(text, refPath, reason)
    }
    return { path: '', message: reason }
  })
}

function findRef (value: unknown, ref: string): SpecPath | null {
  const stack: Array<[unknown, SpecPath]> = [[value, []]]
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, SpecPath]
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]))
    else if (typeof v === 'object' && v !== null) {
      if ((v as Record<string, unknown>).$ref === ref) return [...path, '$ref']
      for (const [k, x] of Object.entries(v)) stack.push([x, [...path, k]])
    }
  }
  return null
}

export function operationsOf (document: Record<string, unknown>): SpecOperation[] {
  const out: SpecOperation[] = []
  const paths = document.paths
  if (typeof paths !== 'object' || paths === null) return out
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (typeof item !== 'object' || item === null) continue
    for (const method of METHODS) {
      const op = (item as Record<string, unknown>)[method] as Record<string, unknown> | undefined
      if (typeof op !== 'object' || op === null) continue
      out.push({
        method: method.toUpperCase(),
        path,
        summary: typeof op.summary === 'string' ? op.summary : null,
        operation_id: typeof op.operationId === 'string' ? op.operationId : null,
        deprecated: op.deprecated === true
      })
    }
  }
  return out
}

/** Parses and validates an uploaded spec; throws a 400 listing every problem with its place. */
export async function parseSpec (rawText: string, mediaType: string): Promise<ParsedSpec> {
  const format = formatOf(mediaType)
  const text = rawText.startsWith('\uFEFF') ? rawText.slice(1) : rawText
  if (text.trim() === '') throw invalidSpec('the body is empty', [{ path: '', message: 'send the spec (JSON or YAML) as the request body' }])
  const value = format === 'json' ? parseJsonText(text) : parseYamlText(text)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidSpec('the document must be an object', [{ path: '', message: 'must be an object with openapi (or swagger), info and paths' }])
  }
  const document = value as Record<string, unknown>
  if (nestingDepth(document, SPEC_NESTING_MAX) > SPEC_NESTING_MAX) {
    throw invalidSpec(`nests deeper than ${SPEC_NESTING_MAX} levels`, [{ path: '', message: `nests deeper than ${SPEC_NESTING_MAX} levels` }])
  }
  const specification = checkDeclaredVersion(document)
  const external = externalRefs(document)
  if (external.length > 0) {
    throw invalidSpec('external $ref pointers are not supported: bundle the spec into one document',
      external.map((p) => located(text, p, 'must point into this document ("#/…"): external references are not fetched')))
  }
  let result
  try {
    result = await validate(structuredClone(document) as never, { resolve: { external: false, file: false }, timeoutMs: 10_000 })
  } catch (err) {
    throw invalidSpec((err as Error).message, [{ path: '', message: (err as Error).message }])
  }
  if (!result.valid) {
    const fields = await toFieldErrors(text, document, result.errors.map((e) => e.message))
    const first = fields[0]
    const more = fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''
    throw invalidSpec(`${first.path === '' ? '' : `${first.path}: `}${first.message}${more}`, fields)
  }
  const info = (document.info ?? {}) as Record<string, unknown>
  return {
    format,
    specification,
    title: typeof info.title === 'string' ? info.title : '',
    api_version: typeof info.version === 'string' ? info.version : String(info.version ?? ''),
    document,
    operations: operationsOf(document)
  }
}
