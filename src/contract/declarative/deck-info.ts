// decK's file header: `_info: { select_tags, defaults }` and `_konnect: { runtime_group_name |
// control_plane_name }`. decK adds select_tags to every entity it syncs and fills in `defaults` for
// the fields an entity leaves out; Atrium does the same here, before anything else reads the
// document, so `config validate`, a node and `config apply/diff` see what decK would send. `_konnect`
// names the Konnect control plane decK talks to: it changes no entity, so it is accepted as is.

import { isObject, joinPath } from './paths.js'
import { NestedRouteSchema, NestedTargetSchema, ServiceSchema, TAG_PATTERN, UpstreamSchema } from './schema.js'
import type { Issues } from './types.js'

/** Entity lists that get select_tags (every one Atrium reads, nested ones included). */
const TAGGED_LISTS = ['services', 'routes', 'consumers', 'plugins', 'upstreams', 'targets', 'keyauth_credentials', 'basicauth_credentials', 'jwt_secrets', 'acls']
const NESTED_LISTS = ['routes', 'plugins', 'targets', 'keyauth_credentials', 'basicauth_credentials', 'jwt_secrets', 'acls']

type DefaultKind = 'service' | 'route' | 'upstream' | 'target'
const DEFAULT_KINDS: readonly DefaultKind[] = ['service', 'route', 'upstream', 'target']

/** Fields a default may set: what an entity has besides its identity and what is nested in it. */
const DEFAULTABLE: Record<DefaultKind, Set<string>> = {
  service: new Set(Object.keys(ServiceSchema.properties).filter((k) => !['id', 'name', 'routes', 'plugins', 'tags', 'url'].includes(k) && !k.startsWith('_'))),
  route: new Set(Object.keys(NestedRouteSchema.properties).filter((k) => !['id', 'name', 'plugins', 'tags'].includes(k) && !k.startsWith('_'))),
  upstream: new Set(Object.keys(UpstreamSchema.properties).filter((k) => !['id', 'name', 'targets', 'tags'].includes(k) && !k.startsWith('_'))),
  target: new Set(Object.keys(NestedTargetSchema.properties).filter((k) => !['id', 'target', 'tags'].includes(k) && !k.startsWith('_')))
}

const TAG = new RegExp(TAG_PATTERN, 'u')

/** `doc` with decK's select_tags and defaults applied (a copy); `doc` itself when it has no `_info`. */
export function withDeckInfo (doc: Record<string, unknown>, issues: Issues): Record<string, unknown> {
  if (doc._info === undefined || doc._info === null) return doc
  const info = doc._info
  if (!isObject(info)) { issues.error('_info', 'must be an object'); return doc }
  for (const key of Object.keys(info)) {
    if (key !== 'select_tags' && key !== 'defaults') issues.error(joinPath('_info', key), 'unknown field')
  }
  const tags = selectTags(info.select_tags, issues)
  const defaults = readDefaults(info.defaults, issues)
  let out: Record<string, unknown> = { ...doc }
  if (defaults.service !== undefined) out = mapList(out, 'services', (s) => withDefaults(s, defaults.service))
  if (defaults.route !== undefined) {
    out = mapList(out, 'routes', (r) => withDefaults(r, defaults.route))
    out = mapList(out, 'services', (s) => mapList(s, 'routes', (r) => withDefaults(r, defaults.route)))
  }
  if (defaults.upstream !== undefined) out = mapList(out, 'upstreams', (u) => withDefaults(u, defaults.upstream))
  if (defaults.target !== undefined) {
    out = mapList(out, 'targets', (t) => withDefaults(t, defaults.target))
    out = mapList(out, 'upstreams', (u) => mapList(u, 'targets', (t) => withDefaults(t, defaults.target)))
  }
  if (tags.length > 0) out = tagAll(out, tags, true)
  return out
}

function selectTags (value: unknown, issues: Issues): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) { issues.error('_info.select_tags', 'must be a list'); return [] }
  return checkTags(value, '_info.select_tags', issues)
}

/**
 * The tags of `values` that are Kong tags; an error at `at[i]` for each other one. Shared by the
 * file's `_info.select_tags` and the export's `?select_tags=`, so both refuse the same tags.
 */
export function checkTags (values: readonly unknown[], at: string, issues: Issues): string[] {
  const ok: string[] = []
  values.forEach((t: unknown, i) => {
    if (typeof t === 'string' && TAG.test(t)) ok.push(t)
    else issues.error(joinPath(at, i), 'must be a non-empty tag of printable characters other than "," and "/"')
  })
  return ok
}

function readDefaults (value: unknown, issues: Issues): Partial<Record<DefaultKind, Record<string, unknown>>> {
  if (value === undefined || value === null) return {}
  if (!isObject(value)) { issues.error('_info.defaults', 'must be an object'); return {} }
  const out: Partial<Record<DefaultKind, Record<string, unknown>>> = {}
  for (const [name, fields] of Object.entries(value)) {
    const at = joinPath('_info.defaults', name)
    const kind = DEFAULT_KINDS.find((k) => k === name)
    if (kind === undefined) { issues.error(at, 'unknown field (decK defaults for service, route, upstream or target)'); continue }
    if (fields === null) continue
    if (!isObject(fields)) { issues.error(at, 'must be an object'); continue }
    const kept: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(fields)) {
      if (!DEFAULTABLE[kind].has(k)) issues.error(joinPath(at, k), 'unknown field')
      else if (v !== null) kept[k] = v
    }
    out[kind] = kept
  }
  return out
}

function mapList (obj: Record<string, unknown>, key: string, f: (item: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
  const list = obj[key]
  if (!Array.isArray(list)) return obj
  return { ...obj, [key]: list.map((item: unknown) => (isObject(item) ? f(item) : item)) }
}

/** Fields the entity leaves out (or sets to null) take the default; a service's url already says host, port, protocol and path. */
function withDefaults (entity: Record<string, unknown>, defaults: Record<string, unknown> | undefined): Record<string, unknown> {
  if (defaults === undefined) return entity
  const out = { ...entity }
  const byUrl = typeof entity.url === 'string' ? new Set(['protocol', 'host', 'port', 'path']) : new Set<string>()
  for (const [k, v] of Object.entries(defaults)) {
    if ((out[k] === undefined || out[k] === null) && !byUrl.has(k)) out[k] = v
  }
  return out
}

/** Every entity in `obj`'s lists (recursively) with `tags` added to its own, without duplicates. */
function tagAll (obj: Record<string, unknown>, tags: string[], top: boolean): Record<string, unknown> {
  let out = obj
  for (const key of top ? TAGGED_LISTS : NESTED_LISTS) {
    out = mapList(out, key, (item) => {
      const own = Array.isArray(item.tags) ? item.tags : []
      const merged = [...own, ...tags.filter((t) => !own.includes(t))]
      return tagAll({ ...item, tags: merged }, tags, false)
    })
  }
  return out
}
