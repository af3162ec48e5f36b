import { Type, type Static, type TArray, type TObject, type TProperties, type TString } from '@sinclair/typebox'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'
import { HeaderName } from '../schema-types.js'

// Kong's request-transformer (3.x): same fields, defaults, rules and priority. Edits are
// "name:value" strings (remove: names only) applied in the order remove, rename, replace, add,
// append; values may use Kong's templates, a subset of the Lua expressions Kong evaluates:
//   $(headers.x_name)  $(headers["X-Name"])  $(query_params.q)  $(query_params["q"])
//   $(uri_captures.name)  $(uri_captures["name"])  $(uri_captures[1])  $(shared.correlation_id)
//   $(headers.a or query_params.b or "default")        literal strings in "…" or '…'
// Anything else inside $( ) is rejected when the config is validated. The template parser lives
// here (schema modules may import only schema modules) so the same check runs at write time.

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"

const pairs = (description: string): TArray<TString> =>
  Type.Array(Type.String({ pattern: '^[^:]+:.*$', errorMessage: 'must be "name:value"' }), { default: [], description })

const headerPairs = (description: string): TArray<TString> =>
  Type.Array(Type.String({ pattern: `^${TOKEN}:[\\t\\x20-\\x7e\\x80-\\xff]*$`, errorMessage: 'must be "header:value" with a valid header name and value' }), { default: [], description })

const names = (description: string): TArray<TString> => Type.Array(Type.String({ minLength: 1 }), { default: [], description })

function section<T extends TProperties> (fields: T, description: string): TObject<T> {
  return Type.Object(fields, { additionalProperties: false, default: {}, description })
}

export const RequestTransformerConfigSchema = Type.Object({
  http_method: Type.Optional(Type.String({ pattern: '^[A-Z]+$', errorMessage: 'must be an upper-case HTTP method', description: 'Method of the upstream request (e.g. POST). When it is GET, HEAD or TRACE, the fields of a form-urlencoded body are added to the query string.' })),
  remove: section({
    body: names('Top-level body fields (JSON or form-urlencoded) to remove.'),
    headers: Type.Array(HeaderName(), { default: [], description: 'Headers to remove.' }),
    querystring: names('Query parameters to remove.')
  }, 'Remove headers, query parameters and body fields.'),
  rename: section({
    body: pairs('Body fields to rename, "old:new".'),
    headers: Type.Array(Type.String({ pattern: `^${TOKEN}:+${TOKEN}$`, errorMessage: 'must be "old:new" with two valid header names' }), { default: [], description: 'Headers to rename, "old:new".' }),
    querystring: pairs('Query parameters to rename, "old:new".')
  }, 'Rename headers, query parameters and body fields.'),
  replace: Type.Object({
    body: pairs('"field:value": replaces a body field the request has.'),
    headers: headerPairs('"header:value": replaces a header the request has (Host always).'),
    querystring: pairs('"name:value": replaces a query parameter the request has.'),
    uri: Type.Optional(Type.String({ minLength: 1, description: 'Path of the upstream request, replacing the whole path (service path included); templates such as $(uri_captures.id) allowed. The query string is kept.' }))
  }, { additionalProperties: false, default: {}, description: 'Replace existing headers, query parameters, body fields, and the upstream path.' }),
  add: section({
    body: pairs('"field:value": sets a body field the request does not have.'),
    headers: headerPairs('"header:value": sets a header the request does not have (never Host).'),
    querystring: pairs('"name:value": sets a query parameter the request does not have.')
  }, 'Add headers, query parameters and body fields that are missing.'),
  append: section({
    body: pairs('"field:value": appends to a body field (a JSON list grows, another value becomes a list; a form field gets one more value).'),
    headers: headerPairs('"header:value": adds one more value of the header (never Host).'),
    querystring: pairs('"name:value": adds one more value of the query parameter.')
  }, 'Append values to headers, query parameters and body fields.')
}, { additionalProperties: false })

export type RequestTransformerConfig = Static<typeof RequestTransformerConfigSchema>

// ---- templates ----

export type TemplateTerm =
  | { kind: 'literal', value: string }
  | { kind: 'headers' | 'query_params' | 'shared', key: string }
  | { kind: 'uri_captures', key: string | number }

/** A compiled value: a plain string (no template), or literal text and expressions (each: alternatives joined by `or`). */
export type CompiledTemplate = string | Array<string | TemplateTerm[]>

const NAMESPACES = new Set(['headers', 'query_params', 'uri_captures', 'shared'])

/** Parses the inside of one $( ): `term (or term)*`. Throws with a sentence on anything else. */
function parseExpression (src: string): TemplateTerm[] {
  const terms: TemplateTerm[] = []
  let i = 0
  const skipSpaces = (): void => { while (i < src.length && /\s/.test(src[i])) i++ }
  const readString = (): string => {
    const quote = src[i++]
    let out = ''
    while (i < src.length && src[i] !== quote) {
      if (src[i] === '\\' && i + 1 < src.length) i++
      out += src[i++]
    }
    if (i >= src.length) throw new Error('unterminated string')
    i++
    return out
  }
  for (;;) {
    skipSpaces()
    if (src[i] === '"' || src[i] === "'") {
      terms.push({ kind: 'literal', value: readString() })
    } else {
      const ns = /^[A-Za-z_]\w*/.exec(src.slice(i))?.[0]
      if (ns === undefined || !NAMESPACES.has(ns)) throw new Error(`expected headers, query_params, uri_captures, shared or a quoted string at "${src.slice(i)}"`)
      i += ns.length
      let key: string | number
      if (src[i] === '.') {
        const ident = /^[A-Za-z_]\w*/.exec(src.slice(i + 1))?.[0]
        if (ident === undefined) throw new Error(`expected a name after "${ns}."`)
        key = ident
        i += 1 + ident.length
      } else if (src[i] === '[') {
        i++
        skipSpaces()
        if (src[i] === '"' || src[i] === "'") key = readString()
        else {
          const digits = /^\d+/.exec(src.slice(i))?.[0]
          if (digits === undefined) throw new Error(`expected a quoted name or a number inside ${ns}[ ]`)
          key = Number(digits)
          i += digits.length
        }
        skipSpaces()
        if (src[i] !== ']') throw new Error(`expected ] after ${ns}[…`)
        i++
      } else throw new Error(`expected .name or ["name"] after ${ns}`)
      if (typeof key === 'number' && ns !== 'uri_captures') throw new Error(`${ns} is indexed by name`)
      terms.push(ns === 'uri_captures' ? { kind: 'uri_captures', key } : { kind: ns as 'headers' | 'query_params' | 'shared', key: String(key) })
    }
    skipSpaces()
    if (i >= src.length) return terms
    if (src.startsWith('or', i) && /[\s"']/.test(src[i + 2] ?? '')) {
      i += 2
      continue
    }
    throw new Error(`unsupported expression at "${src.slice(i)}" (only "or" between values)`)
  }
}

/** Compiles a value with Kong's $( ) templates (balanced parentheses, as Kong finds them). Throws on an unsupported one. */
export function compileTemplate (value: string): CompiledTemplate {
  if (!value.includes('$(')) return value
  const parts: Array<string | TemplateTerm[]> = []
  let last = 0
  let start = value.indexOf('$(')
  while (start >= 0) {
    let depth = 0
    let end = -1
    for (let j = start + 1; j < value.length; j++) {
      if (value[j] === '(') depth++
      else if (value[j] === ')' && --depth === 0) { end = j; break }
    }
    if (end < 0) throw new Error(`unbalanced "$(" in ${JSON.stringify(value)}`)
    if (start > last) parts.push(value.slice(last, start))
    try {
      parts.push(parseExpression(value.slice(start + 2, end)))
    } catch (err) {
      throw new Error(`unsupported template $(${value.slice(start + 2, end)}): ${(err as Error).message}`)
    }
    last = end + 1
    start = value.indexOf('$(', last)
  }
  if (last < value.length) parts.push(value.slice(last))
  return parts
}

function checkRequestTransformer (config: RequestTransformerConfig): PluginConfigIssue[] {
  const issues: PluginConfigIssue[] = []
  const check = (path: string, value: string): void => {
    try {
      compileTemplate(value)
    } catch (err) {
      issues.push({ path, message: (err as Error).message })
    }
  }
  for (const op of ['rename', 'replace', 'add', 'append'] as const) {
    for (const field of ['body', 'headers', 'querystring'] as const) {
      config[op][field].forEach((entry, i) => {
        const colon = entry.indexOf(':')
        check(`${op}.${field}[${i}]`, entry.slice(colon + 1).replace(/^:+/, ''))
      })
    }
  }
  if (config.replace.uri !== undefined) check('replace.uri', config.replace.uri)
  return issues
}

export const requestTransformerSpec = definePluginSpec({
  name: 'request-transformer',
  version: '1.0.0',
  priority: 801,
  description: 'Edits the request before it reaches the upstream: method, path, headers, query string and top-level body fields (JSON or form-urlencoded), with templates from the request.',
  schema: RequestTransformerConfigSchema,
  check: checkRequestTransformer
})
