import { splitColonPair } from '../colon-pairs.js'
import { definePluginHandler, type HeaderEditor, type PluginRequestContext } from '../types.js'
import { compileTemplate, requestTransformerSpec, type CompiledTemplate, type RequestTransformerConfig, type TemplateTerm } from './schema.js'

// Kong's request-transformer. In access, in Kong's order: the upstream path (replace.uri), the
// method (a form body becomes query parameters for GET/HEAD/TRACE), headers, the body, the query
// string; each in the order remove, rename, replace, add, append. Templates read the client's
// request as it arrived (Kong builds the same read-only view), never the edits made so far.
//
// Bodies: JSON objects (content type containing application/json) and form-urlencoded bodies, top
// level fields only; multipart bodies are left as they are. Only requests whose body this plugin
// edits are buffered (transformsRequestBody decides per request); every other body streams.
// Everything the request path needs (pairs split, templates compiled) is built in configure.

interface Edit { name: string, value: CompiledTemplate }

interface EditSet { remove: string[], rename: Edit[], replace: Edit[], add: Edit[], append: Edit[], any: boolean }

interface RequestTransformerState {
  method: string | null
  /** The method sends form fields to the query string (GET, HEAD, TRACE). */
  formToQuery: boolean
  uri: CompiledTemplate | null
  headers: EditSet
  querystring: EditSet
  body: EditSet
}

type BodyKind = 'json' | 'form' | null

function bodyKind (contentType: string | undefined): BodyKind {
  if (contentType === undefined) return null
  const ct = contentType.toLowerCase()
  if (ct.includes('application/json')) return 'json'
  if (ct.includes('application/x-www-form-urlencoded')) return 'form'
  return null
}

function editSet (config: RequestTransformerConfig, field: 'body' | 'headers' | 'querystring'): EditSet {
  const edits = (entries: string[]): Edit[] => entries.map((entry) => {
    const { name, value } = splitColonPair(entry)
    return { name, value: compileTemplate(value) }
  })
  const set: EditSet = {
    remove: config.remove[field].map((entry) => splitColonPair(entry).name),
    rename: edits(config.rename[field]),
    replace: edits(config.replace[field]),
    add: edits(config.add[field]),
    append: edits(config.append[field]),
    any: false
  }
  set.any = set.remove.length + set.rename.length + set.replace.length + set.add.length + set.append.length > 0
  return set
}

// ---- templates ----

function lookup (ctx: PluginRequestContext, term: TemplateTerm): string | undefined {
  switch (term.kind) {
    case 'literal': return term.value
    case 'headers': {
      const key = term.key.toLowerCase()
      const v = ctx.request.headers[key] ?? ctx.request.headers[key.replaceAll('_', '-')]
      return Array.isArray(v) ? v.join(', ') : v
    }
    case 'query_params': return ctx.request.query.get(term.key) ?? undefined
    case 'uri_captures': {
      const captures = ctx.captures
      if (captures === null) return undefined
      return typeof term.key === 'number' ? captures.unnamed[term.key] : captures.named[term.key]
    }
    case 'shared': {
      const v = ctx.vars.get(term.key)
      return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined
    }
  }
}

/** Renders a compiled value; a missing value is an empty string (as Kong's templates render nil). */
function render (template: CompiledTemplate, ctx: PluginRequestContext): string {
  if (typeof template === 'string') return template
  let out = ''
  for (const part of template) {
    if (typeof part === 'string') {
      out += part
      continue
    }
    for (const term of part) {
      const v = lookup(ctx, term)
      if (v !== undefined) {
        out += v
        break
      }
    }
  }
  return out
}

// ---- headers ----

const VALID_HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

class BadHeaderValue extends Error {}

function headerValue (template: CompiledTemplate, ctx: PluginRequestContext): string {
  const v = render(template, ctx)
  // Static values were checked by the schema; a rendered one comes from the request.
  if (typeof template !== 'string' && !VALID_HEADER_VALUE.test(v)) throw new BadHeaderValue()
  return v
}

function transformHeaders (set: EditSet, headers: HeaderEditor, ctx: PluginRequestContext): void {
  for (const name of set.remove) if (name.toLowerCase() !== 'host') headers.remove(name)
  for (const { name, value } of set.rename) {
    if (name.toLowerCase() === 'host') continue
    const values = headers.getAll(name)
    if (values.length === 0) continue
    headers.remove(name)
    headers.set(render(value, ctx), values)
  }
  for (const { name, value } of set.replace) {
    if (headers.has(name) || name.toLowerCase() === 'host') headers.set(name, headerValue(value, ctx))
  }
  for (const { name, value } of set.add) {
    if (!headers.has(name) && name.toLowerCase() !== 'host') headers.set(name, headerValue(value, ctx))
  }
  for (const { name, value } of set.append) {
    if (name.toLowerCase() !== 'host') headers.add(name, headerValue(value, ctx))
  }
}

// ---- query strings and form bodies (same rules) ----

/** Applies the edits to `params`; true when something changed. */
function transformParams (set: EditSet, params: URLSearchParams, ctx: PluginRequestContext, hasContent: boolean): boolean {
  let changed = false
  if (hasContent) {
    for (const name of set.remove) {
      if (params.has(name)) { params.delete(name); changed = true }
    }
    for (const { name, value } of set.rename) {
      if (!params.has(name)) continue
      const values = params.getAll(name)
      const to = render(value, ctx)
      params.delete(name)
      params.delete(to)
      for (const v of values) params.append(to, v)
      changed = true
    }
    for (const { name, value } of set.replace) {
      if (params.has(name)) { params.set(name, render(value, ctx)); changed = true }
    }
  }
  for (const { name, value } of set.add) {
    if (!params.has(name)) { params.set(name, render(value, ctx)); changed = true }
  }
  for (const { name, value } of set.append) { params.append(name, render(value, ctx)); changed = true }
  return changed
}

// ---- JSON bodies ----

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The edited JSON body, or null to send the body as it is (not a JSON object, or nothing changed). */
function transformJson (set: EditSet, raw: Buffer | null, ctx: PluginRequestContext): Buffer | null {
  const hasContent = raw !== null && raw.length > 0
  let json: Record<string, unknown> = {}
  if (hasContent) {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      return null
    }
    if (!isObject(parsed)) return null
    json = parsed
  }
  let changed = false
  const has = (name: string): boolean => Object.hasOwn(json, name)
  if (hasContent) {
    for (const name of set.remove) if (has(name)) { delete json[name]; changed = true }
    for (const { name, value } of set.rename) {
      if (!has(name)) continue
      const v = json[name]
      delete json[name]
      json[render(value, ctx)] = v
      changed = true
    }
    for (const { name, value } of set.replace) if (has(name)) { json[name] = render(value, ctx); changed = true }
  }
  for (const { name, value } of set.add) if (!has(name)) { json[name] = render(value, ctx); changed = true }
  for (const { name, value } of set.append) {
    const v = render(value, ctx)
    const current = has(name) ? json[name] : undefined
    if (Array.isArray(current)) current.push(v)
    else json[name] = current === undefined ? [v] : [current, v]
    changed = true
  }
  return changed ? Buffer.from(JSON.stringify(json)) : null
}

// ---- the path ----

const UNSAFE_PATH_CHARS = /[\s#?\u0000-\u001f\u007f]/g

function upstreamPath (template: CompiledTemplate, ctx: PluginRequestContext): string {
  const path = render(template, ctx).replace(UNSAFE_PATH_CHARS, (c) => encodeURIComponent(c))
  return path.startsWith('/') ? path : `/${path}`
}

const FORM_TO_QUERY = new Set(['GET', 'HEAD', 'TRACE'])

export const requestTransformerHandler = definePluginHandler(requestTransformerSpec, {
  configure (config: RequestTransformerConfig): RequestTransformerState {
    return {
      method: config.http_method ?? null,
      formToQuery: config.http_method !== undefined && FORM_TO_QUERY.has(config.http_method),
      uri: config.replace.uri === undefined ? null : compileTemplate(config.replace.uri),
      headers: editSet(config, 'headers'),
      querystring: editSet(config, 'querystring'),
      body: editSet(config, 'body')
    }
  },
  // The body is read only when this plugin edits it: JSON or form bodies with body edits, or a form
  // body whose fields move to the query string.
  transformsRequestBody: (ctx, state) => {
    const kind = bodyKind(ctx.request.header('content-type'))
    return (state.body.any && kind !== null) || (state.formToQuery && kind === 'form')
  },
  access (ctx, state) {
    const upstream = ctx.upstream
    if (state.uri !== null) upstream.path = upstreamPath(state.uri, ctx)
    const kind = bodyKind(ctx.request.header('content-type'))
    let query: URLSearchParams | null = null
    let queryChanged = false
    if (state.method !== null) {
      upstream.method = state.method
      if (state.formToQuery && kind === 'form' && ctx.request.body !== null && ctx.request.body.length > 0) {
        query = new URLSearchParams(upstream.query)
        for (const [name, value] of new URLSearchParams(ctx.request.body.toString('utf8'))) query.append(name, value)
        queryChanged = true
      }
    }
    try {
      if (state.headers.any) transformHeaders(state.headers, upstream.headers, ctx)
    } catch (err) {
      if (!(err instanceof BadHeaderValue)) throw err
      ctx.exit(400, { message: 'Bad request' })
      return
    }
    if (state.body.any && kind !== null) {
      const raw = ctx.request.body
      let edited: Buffer | null
      if (kind === 'json') edited = transformJson(state.body, raw, ctx)
      else {
        const form = new URLSearchParams(raw === null ? '' : raw.toString('utf8'))
        edited = transformParams(state.body, form, ctx, raw !== null && raw.length > 0) ? Buffer.from(form.toString()) : null
      }
      if (edited !== null) upstream.body = edited
    }
    if (state.querystring.any) {
      query ??= new URLSearchParams(upstream.query)
      if (transformParams(state.querystring, query, ctx, true)) queryChanged = true
    }
    if (queryChanged && query !== null) upstream.query = query.toString()
  }
})
