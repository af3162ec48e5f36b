// Delta updates between two documents in the control plane's export layout (config-export.ts):
//   { _format_version: '3.0', services: [{ id, …, routes: [{ id, … }] }], routes?, consumers?, plugins?, upstreams?, certificates? }
// every entity carrying a unique id. A delta names the entities that are new or changed (`put`, in
// export form; a service without its `routes`) and, for every list whose members or order changed,
// its new id order (`lists`). An upstream is one entity with its targets inside, a certificate one
// with its SNIs inside. Applying it to the base rebuilds the next document exactly as the
// control plane exports it; an entity no list names any more is gone.
//
// The node still validates the rebuilt document whole and checks the hash the control plane sent,
// so a delta can never make a node serve something other than the full snapshot would; any
// mismatch makes it ask for the full snapshot instead.

export interface ConfigDelta {
  /** Entities new or changed since the base, each with its `id` (services without `routes`). */
  put: Array<Record<string, unknown>>
  /** New id order of changed lists: `services`, `routes`, `consumers`, `plugins`, `upstreams`, `certificates`, `services/<id>/routes`. */
  lists: Record<string, string[]>
}

export interface DocumentLayout {
  /** id → entity in export form (services without `routes`). */
  entities: Map<string, Record<string, unknown>>
  /** list name → ids in order. */
  lists: Map<string, string[]>
}

const TOP_LISTS = ['services', 'routes', 'consumers', 'plugins', 'upstreams', 'certificates'] as const
const TOP_KEYS = new Set<string>(['_format_version', ...TOP_LISTS])

export class DeltaError extends Error {}

function isRecord (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function serviceRoutesList (serviceId: string): string {
  return `services/${serviceId}/routes`
}

/** The layout of a document in export form, or null when it is not in that form (then no delta). */
export function documentLayout (doc: Record<string, unknown>): DocumentLayout | null {
  if (doc._format_version !== '3.0') return null
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) return null
  const entities = new Map<string, Record<string, unknown>>()
  const lists = new Map<string, string[]>()
  const add = (list: string, items: unknown): boolean => {
    if (items === undefined) { lists.set(list, []); return true }
    if (!Array.isArray(items)) return false
    const ids: string[] = []
    for (const item of items) {
      if (!isRecord(item) || typeof item.id !== 'string' || entities.has(item.id)) return false
      if (list === 'services') {
        const { routes, ...service } = item
        entities.set(item.id, service)
        if (!add(serviceRoutesList(item.id), routes ?? [])) return false
      } else {
        if (list.startsWith('services/') && 'routes' in item) return false
        entities.set(item.id, item)
      }
      ids.push(item.id)
    }
    lists.set(list, ids)
    return true
  }
  for (const list of TOP_LISTS) if (!add(list, doc[list])) return null
  return { entities, lists }
}

/**
 * The delta from `base` to `next`. `changed(id)` says whether an entity present in both may differ
 * (the control plane knows from its store which rows were written); entities new in `next` are
 * always put.
 */
export function buildConfigDelta (base: DocumentLayout, next: DocumentLayout, changed: (id: string) => boolean): ConfigDelta {
  const put: Array<Record<string, unknown>> = []
  for (const [id, entity] of next.entities) {
    if (!base.entities.has(id) || changed(id)) put.push(entity)
  }
  const lists: Record<string, string[]> = {}
  for (const [name, ids] of next.lists) {
    if (!sameIds(base.lists.get(name), ids)) lists[name] = ids
  }
  return { put, lists }
}

function sameIds (a: string[] | undefined, b: string[]): boolean {
  if (a === undefined) return b.length === 0
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Rebuilds the next document from `base` (in export layout) and `delta`; throws DeltaError when they do not fit. */
export function applyConfigDelta (base: DocumentLayout, delta: unknown): Record<string, unknown> {
  if (!isRecord(delta) || !Array.isArray(delta.put) || !isRecord(delta.lists)) throw new DeltaError('delta must have put[] and lists{}')
  const entities = new Map(base.entities)
  for (const entity of delta.put) {
    if (!isRecord(entity) || typeof entity.id !== 'string') throw new DeltaError('every put entity needs a string id')
    entities.set(entity.id, entity)
  }
  const lists = new Map(base.lists)
  for (const [name, ids] of Object.entries(delta.lists)) {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new DeltaError(`list ${name} must be an array of ids`)
    lists.set(name, ids as string[])
  }
  const used = new Set<string>()
  const take = (id: string): Record<string, unknown> => {
    const entity = entities.get(id)
    if (entity === undefined) throw new DeltaError(`list names an unknown entity ${id}`)
    if (used.has(id)) throw new DeltaError(`entity ${id} is listed twice`)
    used.add(id)
    return entity
  }
  const listed = (name: string): string[] => lists.get(name) ?? []
  const doc: Record<string, unknown> = {
    _format_version: '3.0',
    services: listed('services').map((id) => ({ ...take(id), routes: listed(serviceRoutesList(id)).map(take) }))
  }
  for (const name of TOP_LISTS.slice(1)) {
    const ids = listed(name)
    if (ids.length > 0) doc[name] = ids.map(take)
  }
  return doc
}
