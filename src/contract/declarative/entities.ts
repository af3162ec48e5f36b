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

/**
 * Kong exports write unset fields as `null`; null means "not set" (default applies), as in Kong.
 * Returns a copy of the document without null-valued fields on the document, services, routes,
 * plugins and consumers.
 */
export function dropNulls (doc: Record<string, unknown>): Record<string, unknown> {
  const out = withoutNulls(doc)
  if (Array.isArray(out.services)) {
    out.services = out.services.map((s: unknown) => {
      if (!isObject(s)) return s
      const service = withoutNulls(s)
      if (Array.isArray(service.routes)) service.routes = service.routes.map((r: unknown) => isObject(r) ? withoutNulls(r) : r)
      return service
    })
  }
  for (const key of ['routes', 'plugins', 'consumers']) {
    const list = out[key]
    if (Array.isArray(list)) out[key] = list.map((r: unknown) => isObject(r) ? withoutNulls(r) : r)
  }
  return out
}

function withoutNulls (obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) if (v !== null) out[k] = v
  return out
}
