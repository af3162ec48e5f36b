import { canonicalJsonOf, effectiveRoutePath, withNestedTargets } from '../../contract/index.js'
import { newId } from '../shared/ids.js'
import { canonicalBody, columnsOf, withoutNulls } from './entity-body.js'
import { displayName, type EntityKind, type StoredEntity } from './entity-types.js'
import { createResolver } from './group-document.js'
import { planConsumerCredentials } from './credential-plan.js'
import { planTargets, withTargets } from './upstream-targets.js'
import { planSnis, sniNamesIn, snisOf, withNestedSnis, withSnis } from './certificate-snis.js'

// What `PUT /config` does to a group, computed without touching the store (so `POST /config/diff`
// is the same code). Runs only on a document the contract accepted.
//
// Identity: an entity keeps its id when the file gives it, else it takes the id of the existing
// entity with the same name (service, route), username/custom_id (consumer) or scope (plugin: name,
// instance_name, service, route, consumer), else of an existing unnamed route with the same fields,
// else (certificate) of the existing certificate with the same PEM, or then with one of its SNI
// names (a renewed certificate keeps its id); otherwise it gets a new id. References therefore
// stay stable across applies.

export interface DiffItem { kind: EntityKind, id: string, name: string }

export interface ConfigPlan {
  /** The group's entities after the apply, in declarative order. */
  entities: StoredEntity[]
  create: DiffItem[]
  update: DiffItem[]
  delete: DiffItem[]
}

/** `parent`: position in `desired` of the entity this one is nested in; `field` names the reference it sets. */
interface Desired { kind: EntityKind, input: Record<string, unknown>, parent?: { index: number, field: 'service' | 'route' | 'consumer' } }

// Ids stay in the input (they are the entity's identity); canonicalBody leaves them out of the body.
// Nested routes and plugins are entities of their own, with the reference to their parent set.
const SERVICE_NESTED = new Set(['routes', 'plugins'])
const NESTED_PLUGINS = new Set(['plugins'])
const NOTHING = new Set<string>()

function list (doc: Record<string, unknown>, key: string): Array<Record<string, unknown>> {
  const v = doc[key]
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)) : []
}

function docId (input: Record<string, unknown>): string | undefined {
  return typeof input.id === 'string' ? input.id.toLowerCase() : undefined
}

function scopeKey (body: Record<string, unknown>): string {
  const idOf = (v: unknown): unknown => (v as { id?: unknown } | undefined)?.id ?? null
  return JSON.stringify([body.name, body.instance_name ?? null, idOf(body.service), idOf(body.route), idOf(body.consumer)])
}

/** Keys under which an existing entity can be found by a new one without an id. */
function matchKeys (kind: EntityKind, body: Record<string, unknown>, unnamedContent: boolean): string[] {
  switch (kind) {
    case 'service': return typeof body.name === 'string' ? [`name:${body.name}`] : []
    case 'route':
      if (typeof body.name === 'string') return [`name:${body.name}`]
      return unnamedContent ? [`body:${canonicalJsonOf(body)}`] : []
    case 'consumer': return [body.username, body.custom_id].filter((v) => typeof v === 'string').map((v) => `user:${String(v)}`)
    case 'plugin': return [`scope:${scopeKey(body)}`]
    case 'upstream': return typeof body.name === 'string' ? [`name:${body.name}`] : []
    case 'certificate': return [`pem:${String(body.cert).trim()}`, ...sniNamesIn(body).map((name) => `sni:${name.toLowerCase()}`)]
  }
}

export function planConfig (fileDoc: Record<string, unknown>, existing: StoredEntity[], now: number): ConfigPlan {
  // Targets are stored in their upstream (upstream-targets.ts), SNIs in their certificate
  // (certificate-snis.ts): top-level ones join it first.
  const rawDoc = withNestedSnis(withNestedTargets(fileDoc))
  const legacy = rawDoc._format_version !== '3.0'
  const desired: Desired[] = []
  const nestedPlugins: Desired[] = []
  const pluginsOf = (owner: Record<string, unknown>, index: number, field: 'service' | 'route' | 'consumer'): void => {
    for (const plugin of list(owner, 'plugins')) nestedPlugins.push({ kind: 'plugin', input: withoutNulls(plugin, NOTHING), parent: { index, field } })
  }
  for (const service of list(rawDoc, 'services')) {
    const parent = desired.length
    desired.push({ kind: 'service', input: withoutNulls(service, SERVICE_NESTED) })
    pluginsOf(service, parent, 'service')
    for (const route of list(service, 'routes')) {
      desired.push({ kind: 'route', input: withoutNulls(route, NESTED_PLUGINS), parent: { index: parent, field: 'service' } })
      pluginsOf(route, desired.length - 1, 'route')
    }
  }
  const consumerAt = desired.length
  for (const consumer of list(rawDoc, 'consumers')) desired.push({ kind: 'consumer', input: withoutNulls(consumer, NESTED_PLUGINS) })
  for (const route of list(rawDoc, 'routes')) {
    desired.push({ kind: 'route', input: withoutNulls(route, NESTED_PLUGINS) })
    pluginsOf(route, desired.length - 1, 'route')
  }
  list(rawDoc, 'consumers').forEach((consumer, i) => pluginsOf(consumer, consumerAt + i, 'consumer'))
  for (const plugin of list(rawDoc, 'plugins')) desired.push({ kind: 'plugin', input: withoutNulls(plugin, NOTHING) })
  for (const upstream of list(rawDoc, 'upstreams')) desired.push({ kind: 'upstream', input: withoutNulls(upstream, NOTHING) })
  for (const certificate of list(rawDoc, 'certificates')) desired.push({ kind: 'certificate', input: withoutNulls(certificate, NOTHING) })
  // Nested plugins after the top-level ones: the order the contract lifts them in (collectPlugins).
  desired.push(...nestedPlugins)

  const explicit = new Set<string>()
  for (const d of desired) { const id = docId(d.input); if (id !== undefined) explicit.add(id) }
  const byKey = new Map<string, StoredEntity>()
  for (const e of existing) {
    if (explicit.has(e.id)) continue
    for (const key of matchKeys(e.kind, e.body, true)) if (!byKey.has(`${e.kind}|${key}`)) byKey.set(`${e.kind}|${key}`, e)
  }
  const claimed = new Set<string>(explicit)
  const stored = new Map(existing.map((e) => [e.id, e]))
  const ids: string[] = []
  const bodies: Array<Record<string, unknown>> = []
  // Services and consumers first: routes and plugins reference them (by name or id) when resolved.
  const order = [...desired.keys()].sort((a, b) => rank(desired[a].kind) - rank(desired[b].kind))
  const known: Array<{ kind: EntityKind, id: string, body: Record<string, unknown> }> = []
  let resolve = createResolver(known)
  let lastRank = -1
  for (const i of order) {
    const d = desired[i]
    if (rank(d.kind) !== lastRank) { resolve = createResolver(known); lastRank = rank(d.kind) }
    const input = { ...d.input }
    if (d.parent !== undefined) input[d.parent.field] = { id: ids[d.parent.index] }
    if (d.kind === 'route' && legacy && Array.isArray(input.paths)) input.paths = input.paths.map((p: unknown) => typeof p === 'string' ? effectiveRoutePath(p, true) : p)
    const body = canonicalBody(d.kind, input, resolve)
    let id = docId(d.input)
    if (id === undefined) {
      for (const key of matchKeys(d.kind, body, true)) {
        const match = byKey.get(`${d.kind}|${key}`)
        if (match !== undefined && !claimed.has(match.id)) { id = match.id; break }
      }
    }
    id ??= newId()
    claimed.add(id)
    ids[i] = id
    const old = stored.get(id)
    const before = old?.kind === d.kind ? old.body : undefined
    bodies[i] = d.kind === 'consumer'
      ? planConsumerCredentials(body, before, now)
      : d.kind === 'upstream' ? withTargets(body, planTargets(body.targets, before, now))
        : d.kind === 'certificate' ? withSnis(body, planSnis(body.snis, before === undefined ? [] : snisOf(before), now)) : body
    // References in the file name the file's own entities (by its names, or ids).
    known.push({ kind: d.kind, id, body: d.input })
  }
  return diff(desired, ids, bodies, existing, now)
}

function rank (kind: EntityKind): number {
  return kind === 'service' || kind === 'consumer' || kind === 'upstream' || kind === 'certificate' ? 0 : kind === 'route' ? 1 : 2
}

function diff (desired: Desired[], ids: string[], bodies: Array<Record<string, unknown>>, existing: StoredEntity[], now: number): ConfigPlan {
  const before = new Map(existing.map((e) => [e.id, e]))
  const plan: ConfigPlan = { entities: [], create: [], update: [], delete: [] }
  const positions: Record<EntityKind, number> = { service: 0, route: 0, plugin: 0, consumer: 0, upstream: 0, certificate: 0 }
  const kept = new Set<string>()
  desired.forEach((d, i) => {
    const id = ids[i]
    const body = bodies[i]
    const old = before.get(id)
    const same = old !== undefined && old.kind === d.kind
    const changed = !same || canonicalJsonOf(old.body) !== canonicalJsonOf(body)
    const entity: StoredEntity = {
      id, kind: d.kind, ...columnsOf(d.kind, body), body,
      position: positions[d.kind]++,
      created_at: same ? old.created_at : now,
      updated_at: same && !changed ? old.updated_at : now
    }
    plan.entities.push(entity)
    if (same) kept.add(id)
    const item = { kind: d.kind, id, name: displayName(entity) }
    if (!same) plan.create.push(item)
    else if (changed) plan.update.push(item)
  })
  for (const e of existing) if (!kept.has(e.id)) plan.delete.push({ kind: e.kind, id: e.id, name: displayName(e) })
  return plan
}
