// An API spec's operations as Kong routes (what decK's openapi2kong does, with Atrium's choices):
//
// - a path template becomes a `~` regex anchored at both ends, each `{param}` a named capture of one
//   segment's worth (`[^#?/]+`, a name RE2 accepts: other characters become `_`): `/orders/{id}` →
//   `~/orders/(?<id>[^#?/]+)$`; a path without parameters is an exact regex (`~/orders$`) or, with
//   `static_paths: "prefix"`, the prefix `/orders`;
// - the base path of the first server (OpenAPI 3: `servers[0].url`, its variables at their defaults,
//   relative or absolute; Swagger 2: `basePath`) goes before every path;
// - `regex_priority` is the count of the path's literal segments, so `/users/me` beats `/users/{id}`
//   as OpenAPI wants concrete paths to win over templated ones;
// - one route per operation (`grouping: "operation"`, named `<service>-<operationId>` or
//   `<service>-<method>-<path>`) or per path (`grouping: "path"`, its methods together, named
//   `<service>-<path>`); `strip_path` false, so the upstream gets the path the spec documents;
// - every route gets the tag `atrium-spec`: a later import updates the routes of that tag by name
//   and deletes the ones the spec no longer has, and leaves other routes alone.
// `operationsOf` reads a route made here back into the operations it serves (the round trip).

export const SPEC_TAG = 'atrium-spec'

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const
const SEGMENT = '[^#?/]+'

export interface SpecRouteOptions {
  grouping: 'operation' | 'path'
  staticPaths: 'exact' | 'prefix'
}

export interface SpecRoute {
  name: string
  paths: string[]
  methods: string[]
  strip_path: false
  regex_priority: number
  tags: string[]
}

export interface Operation { method: string, path: string }

type Doc = Record<string, unknown>

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The base path every operation's path is under, without a trailing slash ('' for none). */
export function specBasePath (doc: Doc): string {
  let path = ''
  if (typeof doc.swagger === 'string') {
    path = typeof doc.basePath === 'string' ? doc.basePath : ''
  } else if (Array.isArray(doc.servers) && isObject(doc.servers[0]) && typeof doc.servers[0].url === 'string') {
    const server = doc.servers[0]
    const variables = isObject(server.variables) ? server.variables : {}
    const url = (server.url as string).replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const v = variables[name]
      return isObject(v) && typeof v.default === 'string' ? v.default : ''
    })
    try {
      path = new URL(url, 'http://relative.invalid').pathname
    } catch {
      path = ''
    }
  }
  path = decodeURI(path).replace(/\/+$/, '')
  return path === '' || path.startsWith('/') ? path : `/${path}`
}

function escapeRegex (text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`)
}

/** A capture name RE2 takes: letters, digits, `_`, not starting with a digit. */
function captureName (param: string, used: Set<string>): string {
  let name = param.replace(/[^A-Za-z0-9_]/g, '_')
  if (name === '' || /^[0-9]/.test(name)) name = `p_${name}`
  let unique = name
  for (let i = 2; used.has(unique); i++) unique = `${name}_${i}`
  used.add(unique)
  return unique
}

/** `/orders/{id}` under `/v1` → `~/v1/orders/(?<id>[^#?/]+)$` (or the prefix `/v1/orders` for a static path with prefix). */
export function routePathOf (base: string, template: string, staticPaths: SpecRouteOptions['staticPaths']): string {
  const full = `${base}${template.startsWith('/') ? template : `/${template}`}`
  if (!/\{[^}]*\}/.test(full) && staticPaths === 'prefix') return full
  const used = new Set<string>()
  let regex = ''
  let last = 0
  for (const m of full.matchAll(/\{([^}]*)\}/g)) {
    regex += escapeRegex(full.slice(last, m.index)) + `(?<${captureName(m[1], used)}>${SEGMENT})`
    last = (m.index ?? 0) + m[0].length
  }
  return `~${regex}${escapeRegex(full.slice(last))}$`
}

/** The literal segments of a template: how concrete it is. */
function literalSegments (template: string): number {
  return template.split('/').filter((s) => s !== '' && !s.includes('{')).length
}

function slug (text: string): string {
  const s = text.replace(/\{([^}]*)\}/g, '$1').replace(/[^\p{L}\p{N}._~-]+/gu, '-').replace(/^-+|-+$/g, '')
  return s === '' ? 'root' : s
}

/** The spec's operations, in document order: paths as written, methods upper-case. */
export function specOperations (doc: Doc): Operation[] {
  const out: Operation[] = []
  const paths = isObject(doc.paths) ? doc.paths : {}
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue
    for (const m of METHODS) if (isObject(item[m])) out.push({ method: m.toUpperCase(), path })
  }
  return out
}

export function routesOfSpec (doc: Doc, serviceName: string, options: SpecRouteOptions): SpecRoute[] {
  const base = specBasePath(doc)
  const paths = isObject(doc.paths) ? doc.paths : {}
  const routes: SpecRoute[] = []
  const names = new Set<string>()
  const unique = (name: string): string => {
    let n = name
    for (let i = 2; names.has(n); i++) n = `${name}-${i}`
    names.add(n)
    return n
  }
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue
    const methods = METHODS.filter((m) => isObject(item[m]))
    if (methods.length === 0) continue
    const route = (name: string, ms: string[]): SpecRoute => ({
      name: unique(name),
      paths: [routePathOf(base, template, options.staticPaths)],
      methods: ms,
      strip_path: false,
      regex_priority: literalSegments(`${base}${template}`),
      tags: [SPEC_TAG]
    })
    if (options.grouping === 'path') {
      routes.push(route(`${serviceName}-${slug(template)}`, methods.map((m) => m.toUpperCase())))
      continue
    }
    for (const m of methods) {
      const op = item[m] as Doc
      const id = typeof op.operationId === 'string' && op.operationId !== '' ? slug(op.operationId) : `${m}-${slug(template)}`
      routes.push(route(`${serviceName}-${id}`, [m.toUpperCase()]))
    }
  }
  return routes
}

/** The operations a route made by specRoutes serves: its paths back as templates, times its methods. */
export function operationsOf (route: { paths?: unknown, methods?: unknown }, base = ''): Operation[] {
  const paths = Array.isArray(route.paths) ? route.paths.filter((p): p is string => typeof p === 'string') : []
  const methods = Array.isArray(route.methods) ? route.methods.filter((m): m is string => typeof m === 'string') : []
  const out: Operation[] = []
  for (const p of paths) {
    let template = p
    if (p.startsWith('~')) {
      template = p.slice(1).replace(/\$$/, '')
        .replace(/\(\?<[A-Za-z0-9_]+>\[\^#\?\/\]\+\)/g, (g) => `{${/<([^>]+)>/.exec(g)?.[1] ?? ''}}`)
        .replace(/\\(.)/g, '$1')
    }
    if (base !== '' && template.startsWith(base)) template = template.slice(base.length) === '' ? '/' : template.slice(base.length)
    for (const m of methods) out.push({ method: m, path: template })
  }
  return out
}
