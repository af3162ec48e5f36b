// Walks the (possibly invalid) document: services and routes as objects with their paths. Nested
// routes come first, in file order of their services, then top-level routes: the order of
// GatewayConfig.routes.

import { isObject, joinPath } from './paths.js'

export interface ServiceEntry {
  readonly service: Record<string, unknown>
  /** e.g. `services[0]` */
  readonly path: string
  readonly index: number
}

export interface RouteEntry {
  readonly route: Record<string, unknown>
  /** e.g. `services[0].routes[2]` or `routes[1]` */
  readonly path: string
  /** Index of the enclosing service for nested routes; null for top-level ones. */
  readonly owner: number | null
}

// Entries build their path only when asked (an error or warning names it): at 10k routes the
// eager strings were most of what a load allocated, and the walks run several times per load.

class ServiceAt implements ServiceEntry {
  constructor (readonly service: Record<string, unknown>, readonly index: number) {}
  get path (): string { return joinPath('services', this.index) }
}

class RouteAt implements RouteEntry {
  constructor (readonly route: Record<string, unknown>, readonly owner: number | null, private readonly position: number) {}
  get path (): string {
    return this.owner === null ? joinPath('routes', this.position) : joinPath(joinPath(joinPath('services', this.owner), 'routes'), this.position)
  }
}

export function collectServices (doc: Record<string, unknown>): ServiceEntry[] {
  const out: ServiceEntry[] = []
  if (!Array.isArray(doc.services)) return out
  doc.services.forEach((service: unknown, index) => {
    if (isObject(service)) out.push(new ServiceAt(service, index))
  })
  return out
}

export function collectRoutes (doc: Record<string, unknown>): RouteEntry[] {
  const out: RouteEntry[] = []
  for (const { service, index } of collectServices(doc)) {
    if (!Array.isArray(service.routes)) continue
    service.routes.forEach((route: unknown, i) => {
      if (isObject(route)) out.push(new RouteAt(route, index, i))
    })
  }
  if (Array.isArray(doc.routes)) {
    doc.routes.forEach((route: unknown, i) => {
      if (isObject(route)) out.push(new RouteAt(route, null, i))
    })
  }
  return out
}

/** Which entity a nested plugin belongs to (Kong's nested format sets that reference implicitly). */
export interface PluginOwner {
  field: 'service' | 'route' | 'consumer'
  /** services: index in `doc.services`; routes: index in collectRoutes(doc); consumers: index in `doc.consumers`. */
  index: number
}

export interface PluginEntry {
  plugin: Record<string, unknown>
  /** e.g. `plugins[0]`, `services[1].plugins[0]`, `services[0].routes[2].plugins[1]`, `consumers[3].plugins[0]` */
  path: string
  /** The entity it is nested in, or null for a top-level plugin. */
  owner: PluginOwner | null
}

/**
 * Every plugin of the document, top-level ones first (file order), then those nested in services
 * (each service's own, then its routes'), in top-level routes and in consumers: the order of
 * GatewayConfig.plugins. Nested plugins are lifted here, keeping their own path for messages.
 */
export function collectPlugins (doc: Record<string, unknown>): PluginEntry[] {
  const out: PluginEntry[] = []
  const add = (list: unknown, base: string, owner: PluginOwner | null): void => {
    if (!Array.isArray(list)) return
    list.forEach((plugin: unknown, i) => {
      if (isObject(plugin)) out.push({ plugin, path: joinPath(joinPath(base, 'plugins'), i), owner })
    })
  }
  add(doc.plugins, '', null)
  const routes = collectRoutes(doc)
  const routeIndex = new Map(routes.map((r, i) => [r.route, i]))
  for (const entry of collectServices(doc)) {
    const { service, index } = entry
    if (Array.isArray(service.plugins)) add(service.plugins, entry.path, { field: 'service', index })
    if (!Array.isArray(service.routes)) continue
    for (const route of service.routes) {
      const at = isObject(route) && Array.isArray(route.plugins) ? routeIndex.get(route) : undefined
      if (at !== undefined) add((route as Record<string, unknown>).plugins, routes[at].path, { field: 'route', index: at })
    }
  }
  routes.forEach((r, i) => { if (r.owner === null && Array.isArray(r.route.plugins)) add(r.route.plugins, r.path, { field: 'route', index: i }) })
  if (Array.isArray(doc.consumers)) {
    doc.consumers.forEach((c: unknown, i) => { if (isObject(c)) add(c.plugins, joinPath('consumers', i), { field: 'consumer', index: i }) })
  }
  return out
}

/**
 * Kong exports write unset fields as `null`; null means "not set" (default applies), as in Kong.
 * Returns the document without null-valued fields on the document, services, routes, plugins
 * (nested ones too) and consumers (their credentials too). Never changes its input: an entity with
 * nothing to drop is returned as is (no copy: at 10k routes copying every entity was a large part
 * of a load's allocations), one with nulls is copied. Plugin configs are cleaned when validated (plugin-config.ts).
 */
export function dropNulls (doc: Record<string, unknown>): Record<string, unknown> {
  const out = { ...stripNulls(doc) }
  if (Array.isArray(out.services)) out.services = mapSame(out.services, (s) => isObject(s) ? cleanService(s) : s)
  if (Array.isArray(out.routes)) out.routes = mapSame(out.routes, (r) => isObject(r) ? cleanEntity(r) : r)
  if (Array.isArray(out.consumers)) out.consumers = mapSame(out.consumers, (c) => isObject(c) ? cleanConsumer(c) : c)
  if (Array.isArray(out.plugins)) out.plugins = mapSame(out.plugins, (p) => isObject(p) ? stripNulls(p) : p)
  return out
}

function cleanService (service: Record<string, unknown>): Record<string, unknown> {
  const cleaned = cleanEntity(service)
  const routes = cleaned.routes
  if (!Array.isArray(routes)) return cleaned
  const next = mapSame(routes, (r) => isObject(r) ? cleanEntity(r) : r)
  if (next === routes) return cleaned
  return { ...cleaned, routes: next }
}

/** The entity without null fields, its nested plugins too; the same object when there are none. */
function cleanEntity (entity: Record<string, unknown>): Record<string, unknown> {
  const base = stripNulls(entity)
  const plugins = base.plugins
  if (!Array.isArray(plugins)) return base
  const next = mapSame(plugins, (p) => isObject(p) ? stripNulls(p) : p)
  if (next === plugins) return base
  return { ...base, plugins: next }
}

/** Kong's consumer credential lists (schema.ts CONSUMER_CREDENTIAL_FIELDS); their items may hold nulls too. */
const CREDENTIAL_LISTS = ['acls', 'basicauth_credentials', 'jwt_secrets', 'keyauth_credentials'] as const

function cleanConsumer (consumer: Record<string, unknown>): Record<string, unknown> {
  let out = cleanEntity(consumer)
  for (const field of CREDENTIAL_LISTS) {
    const list = out[field]
    if (!Array.isArray(list)) continue
    const next = mapSame(list, (c) => isObject(c) ? stripNulls(c) : c)
    if (next !== list) out = { ...out, [field]: next }
  }
  return out
}

/** `list.map(fn)`, or `list` itself when `fn` returned every item unchanged. */
function mapSame (list: unknown[], fn: (item: unknown) => unknown): unknown[] {
  let out: unknown[] | null = null
  for (let i = 0; i < list.length; i++) {
    const item = list[i]
    const next = fn(item)
    if (out === null && next !== item) out = list.slice(0, i)
    if (out !== null) out.push(next)
  }
  return out ?? list
}

function stripNulls (obj: Record<string, unknown>): Record<string, unknown> {
  let hasNull = false
  for (const k in obj) if (obj[k] === null) { hasNull = true; break }
  if (!hasNull) return obj
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) if (v !== null) out[k] = v
  return out
}
