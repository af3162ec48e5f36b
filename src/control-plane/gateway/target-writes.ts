import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { TARGET_DEFAULTS } from '../../contract/index.js'
import { isUuid, newId, nowSeconds } from '../shared/ids.js'
import { bumpConfigVersion, lockRuntimeGroup, requireRuntimeGroup, type RuntimeGroup } from '../runtime-groups/index.js'
import { loadEntities, updateEntity } from './entity-store.js'
import { displayName, type StoredEntity } from './entity-types.js'
import { invalidError, relativeTo, validateWithChange } from './group-document.js'
import { findTarget, normalTarget, targetsOf, withTargets, type StoredTarget } from './upstream-targets.js'

// One target write = one transaction, like every gateway write: lock the group, load it, put the
// upstream's body with the changed target list through the contract with the whole group (so a bad
// address or a duplicate is refused exactly as in a declarative file), write the upstream row and
// bump the group's config_version once.

export interface UpstreamScope {
  rg: RuntimeGroup
  entities: StoredEntity[]
  upstream: StoredEntity
}

function notFound (what: string, ref: string, rg: RuntimeGroup): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no ${what} "${ref}" in runtime group "${rg.name}"`)
}

/** The group (locked when writing), its entities and the upstream addressed by id or name; 404s. */
export async function upstreamScope (ex: DbExecutor, rgRef: string, upstreamRef: string, forWrite: boolean): Promise<UpstreamScope> {
  const rg = forWrite ? await lockRuntimeGroup(ex, rgRef) : await requireRuntimeGroup(ex, rgRef)
  const entities = await loadEntities(ex, rg.id)
  const lower = upstreamRef.toLowerCase()
  const upstream = entities.find((e) => e.kind === 'upstream' && e.id === lower) ??
    entities.find((e) => e.kind === 'upstream' && e.body.name === upstreamRef) ?? null
  if (upstream === null) throw notFound('upstream', upstreamRef, rg)
  return { rg, entities, upstream }
}

export function requireTarget (scope: UpstreamScope, ref: string): StoredTarget {
  const found = findTarget(targetsOf(scope.upstream.body), ref)
  if (found === null) throw notFound(`target of upstream "${displayName(scope.upstream)}"`, ref, scope.rg)
  return found
}

const TARGET_FIELDS = new Set(['id', 'target', 'weight', 'tags', 'upstream', 'created_at', 'updated_at'])

function readTargetInput (body: unknown, upstream: StoredEntity): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidError([{ path: '', message: 'must be a JSON object' }])
  const input = body as Record<string, unknown>
  const unknown = Object.keys(input).filter((k) => !TARGET_FIELDS.has(k))
  if (unknown.length > 0) throw invalidError(unknown.map((path) => ({ path, message: 'unknown field' })))
  const ref = input.upstream
  if (ref !== undefined && ref !== null) {
    const r = ref as Record<string, unknown>
    const same = typeof ref === 'object' && (r.id === undefined || String(r.id).toLowerCase() === upstream.id) && (r.name === undefined || r.name === upstream.body.name)
    if (!same) throw invalidError([{ path: 'upstream', message: 'must be the upstream in the URL' }])
  }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(input)) if (k !== 'upstream' && k !== 'created_at' && k !== 'updated_at') out[k] = v
  return out
}

/**
 * POST (create), PUT (create or replace by id or address) and PATCH of one target. Kong 3 refuses
 * a second target with the same address in one upstream (409).
 */
export async function writeTarget (tx: DbExecutor, scope: UpstreamScope, mode: 'create' | 'replace' | 'patch', ref: string | undefined, body: unknown): Promise<{ created: boolean, target: StoredTarget }> {
  const given = readTargetInput(body, scope.upstream)
  const list = targetsOf(scope.upstream.body)
  const current = ref === undefined ? null : findTarget(list, ref)
  if (mode === 'patch' && current === null) requireTarget(scope, ref ?? '')
  if (given.id !== undefined && (typeof given.id !== 'string' || (current !== null && given.id.toLowerCase() !== current.id))) {
    throw invalidError([{ path: 'id', message: current === null ? 'must be a UUID' : 'cannot be changed' }])
  }
  const now = nowSeconds()
  let fields: Record<string, unknown>
  if (current !== null && mode === 'patch') {
    const { id: _id, created_at: _c, updated_at: _u, ...rest } = current
    void _id; void _c; void _u
    fields = { ...rest }
    for (const [k, v] of Object.entries(given)) { if (k === 'id') continue; if (v === null) delete fields[k]; else fields[k] = v }
  } else {
    fields = {}
    for (const [k, v] of Object.entries(given)) if (k !== 'id' && v !== null) fields[k] = v
    // PUT by address: the address is the URL's.
    if (mode === 'replace' && ref !== undefined && current === null && !isUuid(ref)) fields.target ??= ref
  }
  fields.weight ??= TARGET_DEFAULTS.weight
  fields.target = normalTarget(fields.target)
  const id = current?.id ?? (typeof given.id === 'string' ? given.id.toLowerCase() : mode === 'replace' && ref !== undefined && isUuid(ref) ? ref.toLowerCase() : newId())
  const target = { id, ...fields, created_at: current?.created_at ?? now, updated_at: now } as StoredTarget
  const at = current === null ? list.length : list.indexOf(current)
  for (const other of list) {
    if (other === current) continue
    if (other.id === target.id) throw conflict(`a target with id "${target.id}" already exists`, 'id')
    if (other.target === target.target) throw conflict(`a target with target "${String(target.target)}" already exists in upstream "${displayName(scope.upstream)}"`, 'target')
  }
  const next = [...list]
  next[at] = target
  const nextBody = withTargets(scope.upstream.body, next)
  try {
    validateWithChange(scope.entities, { kind: 'upstream', id: scope.upstream.id, input: nextBody })
  } catch (err) {
    throw err instanceof GatewayError ? relativeTo(err, `targets[${at}]`) : err
  }
  await store(tx, scope, nextBody, `${current === null ? 'create' : 'update'} target ${String(target.target)} of upstream ${displayName(scope.upstream)}`)
  return { created: current === null, target }
}

/** Removes a target; false when the upstream has none with that reference (204 either way, as Kong). */
export async function deleteTarget (tx: DbExecutor, scope: UpstreamScope, ref: string): Promise<boolean> {
  const list = targetsOf(scope.upstream.body)
  const found = findTarget(list, ref)
  if (found === null) return false
  await store(tx, scope, withTargets(scope.upstream.body, list.filter((t) => t !== found)), `delete target ${found.target} of upstream ${displayName(scope.upstream)}`)
  return true
}

/**
 * Upstream endpoints: `targets` in the body is refused (targets have their own endpoints, as in
 * Kong's Admin API); the stored targets are kept through PUT and PATCH.
 */
export function keepTargets (given: Record<string, unknown>, input: Record<string, unknown>, current: Record<string, unknown> | null, group: string): Record<string, unknown> {
  if (given.targets !== undefined) throw invalidError([{ path: 'targets', message: `unknown field (manage targets with /runtime-groups/${group}/upstreams/{upstream}/targets)` }])
  return current === null ? withTargets(input, []) : withTargets(input, targetsOf(current))
}

function conflict (message: string, field: string): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', message, { fields: [{ path: field, message: 'already exists' }] })
}

async function store (tx: DbExecutor, scope: UpstreamScope, body: Record<string, unknown>, summary: string): Promise<void> {
  // updateEntity renews the row's revision: the next snapshot and delta carry this upstream again.
  await updateEntity(tx, scope.rg.id, { ...scope.upstream, body, updated_at: scope.upstream.updated_at })
  await bumpConfigVersion(tx, scope.rg.id, summary)
}
