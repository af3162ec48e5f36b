// Walks the (possibly invalid) document: services and routes as objects with their paths. Nested
// routes come first, in file order of their services, then top-level routes: the order of
// GatewayConfig.routes.

import { isObject, joinPath } from './paths.js'

export interface ServiceEntry {
  service: Record<string, unknown>
  /** e.g. `services[0]` */
  path: string
  index: number
}

export interface RouteEntry {
  route: Record<string, unknown>
  /** e.g. `services[0].routes[2]` or `routes[1]` */
  path: string
  /** Index of the enclosing service for nested routes; null for top-level ones. */
  owner: number | null
}

export function collectServices (doc: Record<string, unknown>): ServiceEntry[] {
  const out: ServiceEntry[] = []
  if (!Array.isArray(doc.services)) return out
  doc.services.forEach((service: unknown, index) => {
    if (isObject(service)) out.push({ service, path: joinPath('services', index), index })
  })
  return out
}

export function collectRoutes (doc: Record<string, unknown>): RouteEntry[] {
  const out: RouteEntry[] = []
  for (const { service, path, index } of collectServices(doc)) {
    if (!Array.isArray(service.routes)) continue
    service.routes.forEach((route: unknown, i) => {
      if (isObject(route)) out.push({ route, path: joinPath(joinPath(path, 'routes'), i), owner: index })
    })
  }
  if (Array.isArray(doc.routes)) {
    doc.routes.forEach((route: unknown, i) => {
      if (isObject(route)) out.push({ route, path: joinPath('routes', i), owner: null })
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
  for (const { service, path, index } of collectServices(doc)) {
    add(service.plugins, path, { field: 'service', index })
    if (!Array.isArray(service.routes)) continue
    for (const route of service.routes) {
      const at = isObject(route) ? routeIndex.get(route) : undefined
      if (at !== undefined) add(route.plugins, routes[at].path, { field: 'route', index: at })
    }
  }
  routes.forEach((r, i) => { if (r.owner === null) add(r.route.plugins, r.path, { field: 'route', index: i }) })
  if (Array.isArray(doc.consumers)) {
    doc.consumers.forEach((c: unknown, i) => { if (isObject(c)) add(c.plugins, joinPath('consumers', i), { field: 'consumer', index: i }) })
  }
  return out
}

/**
 * Kong exports write unset fields as `null`; null means "not set" (default applies), as in Kong.
 * Returns a copy of the document without null-valued fields on the document, services, routes,
 * plugins (nested ones too) and consumers. Plugin configs are cleaned when validated (plugin-config.ts).
 */
export function dropNulls (doc: Record<string, unknown>): Record<string, unknown> {
  const out = withoutNulls(doc)
  if (Array.isArray(out.services)) {
    out.services = out.services.map((s: unknown) => {
      if (!isObject(s)) return s
      const service = withPlugins(withoutNulls(s))
      if (Array.isArray(service.routes)) service.routes = service.routes.map((r: unknown) => isObject(r) ? withPlugins(withoutNulls(r)) : r)
      return service
    })
  }
  for (const key of ['routes', 'consumers']) {
    const list = out[key]
    if (Array.isArray(list)) out[key] = list.map((r: unknown) => isObject(r) ? withPlugins(withoutNulls(r)) : r)
  }
  if (Array.isArray(out.plugins)) out.plugins = cleanList(out.plugins)
  return out
}

function withPlugins (entity: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(entity.plugins)) entity.plugins = cleanList(entity.plugins)
  return entity
}

function cleanList (list: unknown[]): unknown[] {
  return list.map((p: unknown) => isObject(p) ? withoutNulls(p) : p)
}

function withoutNulls (obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) if (v !== null) out[k] = v
  return out
}
