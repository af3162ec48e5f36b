// Plugins and consumers beyond shape: known plugin names, references to services, routes and
// consumers (a name, an id, `{ id }` or `{ name }`), one plugin per name and scope, and consumers
// identified by a unique username or custom_id.

import { collectRoutes, collectServices } from './entities.js'
import { KNOWN_PLUGINS } from './plugin-names.js'
import { isObject, joinPath } from './paths.js'
import type { Issues } from './types.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface Index { kind: string, key: string, names: Map<string, number>, ids: Map<string, number> }

function indexOf (kind: string, key: string, values: Array<Record<string, unknown>>): Index {
  const index: Index = { kind, key, names: new Map(), ids: new Map() }
  values.forEach((v, i) => {
    if (typeof v[key] === 'string' && !index.names.has(v[key])) index.names.set(v[key], i)
    if (typeof v.id === 'string' && !index.ids.has(v.id.toLowerCase())) index.ids.set(v.id.toLowerCase(), i)
  })
  return index
}

/** Resolves a reference to a position in the indexed list, or reports why it cannot. */
function resolve (ref: unknown, path: string, index: Index, issues: Issues): number | null {
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

function objects (value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.map((v: unknown) => isObject(v) ? v : {}) : []
}

export function checkConsumers (doc: Record<string, unknown>, issues: Issues): void {
  const consumers = objects(doc.consumers)
  for (const field of ['username', 'custom_id'] as const) {
    const seen = new Map<string, string>()
    consumers.forEach((c, i) => {
      const value = c[field]
      if (typeof value !== 'string') return
      const at = joinPath(joinPath('consumers', i), field)
      const first = seen.get(value)
      if (first === undefined) seen.set(value, at)
      else issues.error(at, `duplicate ${field} "${value}" (also at ${first})`)
    })
  }
  consumers.forEach((c, i) => {
    if (Array.isArray(doc.consumers) && isObject(doc.consumers[i]) && c.username === undefined && c.custom_id === undefined) {
      issues.error(joinPath('consumers', i), 'must have a username or a custom_id')
    }
  })
}

export function checkPlugins (doc: Record<string, unknown>, issues: Issues): void {
  if (!Array.isArray(doc.plugins)) return
  const services = indexOf('service', 'name', collectServices(doc).map((s) => s.service))
  const routes = indexOf('route', 'name', collectRoutes(doc).map((r) => r.route))
  const consumers = indexOf('consumer', 'username', objects(doc.consumers))
  const scopes = new Map<string, string>()
  doc.plugins.forEach((plugin: unknown, i) => {
    if (!isObject(plugin)) return
    const path = joinPath('plugins', i)
    if (typeof plugin.name === 'string' && plugin.name !== '' && !KNOWN_PLUGINS.has(plugin.name)) {
      issues.error(joinPath(path, 'name'), `unknown plugin "${plugin.name}"`)
    }
    const scope: Array<number | null> = []
    for (const [field, index] of [['service', services], ['route', routes], ['consumer', consumers]] as const) {
      const ref = plugin[field]
      scope.push(ref === undefined ? null : resolve(ref, joinPath(path, field), index, issues))
    }
    if (typeof plugin.name !== 'string' || (typeof plugin.instance_name === 'string')) return
    // Kong allows one plugin of a name per (service, route, consumer) combination.
    const key = JSON.stringify([plugin.name, ...scope])
    const first = scopes.get(key)
    if (first === undefined) scopes.set(key, path)
    else issues.error(path, `duplicate plugin "${plugin.name}" for the same service, route and consumer (also at ${first})`)
  })
}
