// Names, ids and references between entities: the `service` of top-level routes, and the
// service/route/consumer references of plugins and top-level credentials.

import { isObject, joinPath } from './paths.js'
import type { RouteEntry, ServiceEntry } from './entities.js'
import type { Issues } from './types.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface ServiceLookup { names: Map<string, number>, ids: Map<string, number> }

// Built once per services list (a load resolves every top-level route against the same list).
const lookups = new WeakMap<ServiceEntry[], ServiceLookup>()

/** Name and id (lower-cased) → service index; the first occurrence wins, as duplicates are errors. */
function lookupOf (services: ServiceEntry[]): ServiceLookup {
  let lookup = lookups.get(services)
  if (lookup === undefined) {
    lookup = { names: new Map(), ids: new Map() }
    for (const { service, index } of services) {
      if (typeof service.name === 'string' && !lookup.names.has(service.name)) lookup.names.set(service.name, index)
      const id = typeof service.id === 'string' ? service.id.toLowerCase() : undefined
      if (id !== undefined && !lookup.ids.has(id)) lookup.ids.set(id, index)
    }
    lookups.set(services, lookup)
  }
  return lookup
}

export type ServiceRef = { ok: true, index: number } | { ok: false, path: string, message: string }

/** Resolves `service: name | { name } | { id }` of the top-level route at `routePath`. */
export function resolveServiceRef (ref: unknown, routePath: string, services: ServiceEntry[]): ServiceRef {
  return resolveRef(ref, joinPath(routePath, 'service'), lookupOf(services), 'service')
}

/**
 * Resolves a reference at `path` to an entity of kind `label`: its name (or, when it looks like a
 * UUID, its id) as a string, or `{ name }` / `{ id }` / both. `lookup.ids` keys are lower-cased.
 */
export function resolveRef (ref: unknown, path: string, lookup: { names: ReadonlyMap<string, number>, ids: ReadonlyMap<string, number> }, label: 'service' | 'upstream'): ServiceRef {
  const byName = (name: string): number | undefined => lookup.names.get(name)
  const byId = (id: string): number | undefined => lookup.ids.get(id.toLowerCase())
  if (typeof ref === 'string') {
    const index = byName(ref) ?? (UUID.test(ref) ? byId(ref) : undefined)
    return index === undefined ? { ok: false, path, message: `no ${label} named "${ref}"` } : { ok: true, index }
  }
  if (!isObject(ref)) return { ok: false, path, message: `must be ${label === 'upstream' ? 'an' : 'a'} ${label} name or an object with name or id` }
  for (const key of Object.keys(ref)) {
    if (key !== 'name' && key !== 'id') return { ok: false, path: joinPath(path, key), message: 'unknown field' }
  }
  const { name, id } = ref
  if (name === undefined && id === undefined) return { ok: false, path, message: 'must have a name or an id' }
  if (name !== undefined && typeof name !== 'string') return { ok: false, path: joinPath(path, 'name'), message: 'must be a string' }
  if (id !== undefined && typeof id !== 'string') return { ok: false, path: joinPath(path, 'id'), message: 'must be a string' }
  const fromId = id === undefined ? undefined : byId(id)
  const fromName = name === undefined ? undefined : byName(name)
  if (id !== undefined && fromId === undefined) return { ok: false, path, message: `no ${label} with id "${id}"` }
  if (name !== undefined && fromName === undefined) return { ok: false, path, message: `no ${label} named "${name}"` }
  if (fromId !== undefined && fromName !== undefined && fromId !== fromName) {
    return { ok: false, path, message: `name and id refer to different ${label}s` }
  }
  return { ok: true, index: (fromId ?? fromName) as number }
}

export function checkServiceRefs (routes: RouteEntry[], services: ServiceEntry[], issues: Issues): void {
  for (const entry of routes) {
    const { route, owner } = entry
    if (owner !== null || route.service === undefined) continue
    const ref = resolveServiceRef(route.service, entry.path, services)
    if (!ref.ok) issues.error(ref.path, ref.message)
  }
}

/** Duplicate names and ids, each reported at the later occurrence with the first one's path. */
export function checkDuplicates (services: ServiceEntry[], routes: RouteEntry[], issues: Issues): void {
  // Paths are built only for a duplicate (entries compute them on demand).
  const entries = <E extends { readonly path: string }>(list: E[], valueOf: (e: E) => Record<string, unknown>): void => {
    for (const [field, fold] of [['name', false], ['id', true]] as const) {
      const seen = new Map<string, E>()
      for (const entry of list) {
        const raw = valueOf(entry)[field]
        if (typeof raw !== 'string') continue
        const key = fold ? raw.toLowerCase() : raw
        const first = seen.get(key)
        if (first === undefined) seen.set(key, entry)
        else issues.error(joinPath(entry.path, field), `duplicate ${field} "${raw}" (also at ${joinPath(first.path, field)})`)
      }
    }
  }
  entries(services, (s) => s.service)
  entries(routes, (r) => r.route)
}

/** Positions of a list's entities by their name field (`name`, `username`) and by id (lower-cased). */
export interface ReferenceIndex { kind: string, key: string, names: Map<string, number>, ids: Map<string, number> }

export function referenceIndex (kind: string, key: string, values: Array<Record<string, unknown>>): ReferenceIndex {
  const index: ReferenceIndex = { kind, key, names: new Map(), ids: new Map() }
  values.forEach((v, i) => {
    if (typeof v[key] === 'string' && !index.names.has(v[key])) index.names.set(v[key], i)
    if (typeof v.id === 'string' && !index.ids.has(v.id.toLowerCase())) index.ids.set(v.id.toLowerCase(), i)
  })
  return index
}

/**
 * Resolves Kong's reference to another entity (a name, an id, `{ id }` or `{ <name field> }`) to a
 * position in the indexed list, or reports why it cannot. Plugins and top-level credentials use it.
 */
export function resolveReference (ref: unknown, path: string, index: ReferenceIndex, issues: Issues): number | null {
  const { kind, key } = index
  if (typeof ref === 'string') {
    const found = index.names.get(ref) ?? (UUID.test(ref) ? index.ids.get(ref.toLowerCase()) : undefined)
    if (found === undefined) issues.error(path, `no ${kind} with ${key} or id "${ref}"`)
    return found ?? null
  }
  if (!isObject(ref)) {
    issues.error(path, `must be a ${kind} ${key}, an id, or an object with ${key === 'name' ? 'name' : key} or id`)
    return null
  }
  for (const field of Object.keys(ref)) {
    if (field !== 'id' && field !== key) {
      issues.error(joinPath(path, field), 'unknown field')
      return null
    }
  }
  const id = ref.id
  const name = ref[key]
  if (id === undefined && name === undefined) { issues.error(path, `must have a ${key} or an id`); return null }
  if (id !== undefined && typeof id !== 'string') { issues.error(joinPath(path, 'id'), 'must be a string'); return null }
  if (name !== undefined && typeof name !== 'string') { issues.error(joinPath(path, key), 'must be a string'); return null }
  const fromId = id === undefined ? undefined : index.ids.get(id.toLowerCase())
  const fromName = name === undefined ? undefined : index.names.get(name)
  if (id !== undefined && fromId === undefined) { issues.error(path, `no ${kind} with id "${id}"`); return null }
  if (name !== undefined && fromName === undefined) { issues.error(path, `no ${kind} with ${key} "${name}"`); return null }
  if (fromId !== undefined && fromName !== undefined && fromId !== fromName) {
    issues.error(path, `${key} and id refer to different ${kind}s`)
    return null
  }
  return (fromId ?? fromName) as number
}
