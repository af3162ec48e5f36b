import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid, newId, nowSeconds } from '../shared/ids.js'
import { bumpConfigVersion, type RuntimeGroup } from '../runtime-groups/index.js'
import { canonicalBody, columnsOf, mergePatch } from './entity-body.js'
import { deleteEntities, insertEntities, loadEntities, referencing, updateEntity, findEntity } from './entity-store.js'
import { KINDS, displayName, type EntityKind, type StoredEntity } from './entity-types.js'
import { createResolver, invalidError, validateWithChange } from './group-document.js'
import { keepCredentials } from './credential-plan.js'
import { keepTargets } from './target-writes.js'
import { findCertificate } from './certificate-snis.js'
import { refuseExpired, withCertificateSnis } from './certificate-input.js'

// One write = one transaction: load the group, apply the change, validate the whole document with
// the contract, store, bump config_version once. Callers pass the transaction.

export interface WriteRequest {
  kind: EntityKind
  mode: 'create' | 'replace' | 'patch'
  /** The URL's id or name (replace, patch). */
  ref?: string
  body: unknown
  /** Set for `/services/:svc/routes…`: the route belongs to this service. */
  parentService?: StoredEntity
}

const READ_ONLY = new Set(['created_at', 'updated_at'])

function conflict (message: string, path: string): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', message, { fields: [{ path, message: 'already exists' }] })
}

function readInput (body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidError([{ path: '', message: 'must be a JSON object' }])
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) if (!READ_ONLY.has(k)) out[k] = v
  return out
}

function findIn (entities: StoredEntity[], kind: EntityKind, ref: string): StoredEntity | null {
  const lower = ref.toLowerCase()
  const field = KINDS[kind].nameField
  if (kind === 'certificate') return findCertificate(entities, ref)
  return entities.find((e) => e.kind === kind && e.id === lower) ??
    (field === null ? undefined : entities.find((e) => e.kind === kind && e.body[field] === ref)) ?? null
}

function assertUnique (entities: StoredEntity[], kind: EntityKind, id: string, input: Record<string, unknown>): void {
  const fields = kind === 'consumer' ? ['username', 'custom_id'] : kind === 'plugin' || kind === 'certificate' ? [] : ['name']
  for (const field of fields) {
    const value = input[field]
    if (typeof value !== 'string') continue
    if (entities.some((e) => e.kind === kind && e.id !== id && e.body[field] === value)) {
      throw conflict(`a ${KINDS[kind].label} with ${field} "${value}" already exists in this runtime group`, field)
    }
  }
  if (entities.some((e) => e.id === id && e.kind !== kind)) throw conflict(`id "${id}" is already used by another entity`, 'id')
}

function isUniqueViolation (err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/** Creates, replaces (PUT, create-or-replace by id or name) or patches one entity. */
export async function writeEntity (tx: DbExecutor, rg: RuntimeGroup, req: WriteRequest): Promise<{ created: boolean, entity: StoredEntity }> {
  const { kind, mode, ref, parentService } = req
  const given = readInput(req.body)
  const entities = await loadEntities(tx, rg.id)
  let current = ref === undefined ? null : findIn(entities, kind, ref)
  if (current !== null && parentService !== undefined && current.service_id !== parentService.id) current = null
  if (mode === 'patch' && current === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no ${KINDS[kind].label} "${ref ?? ''}" in runtime group "${rg.name}"`)
  let id: string
  let input: Record<string, unknown>
  if (current === null) {
    input = given
    const nameField = KINDS[kind].nameField
    if (mode === 'replace' && ref !== undefined && isUuid(ref)) id = ref.toLowerCase()
    // PUT /certificates/{sni name} with a new name: a new certificate with that SNI (Kong).
    else if (mode === 'replace' && ref !== undefined && kind === 'certificate') id = typeof given.id === 'string' ? given.id.toLowerCase() : newId()
    else if (mode === 'replace' && ref !== undefined) {
      if (nameField === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no ${KINDS[kind].label} with id "${ref}"`)
      if (input[nameField] !== undefined && input[nameField] !== ref) throw invalidError([{ path: nameField, message: 'must match the name in the URL' }])
      input = { ...input, [nameField]: ref }
      id = typeof given.id === 'string' ? given.id.toLowerCase() : newId()
    } else id = typeof given.id === 'string' ? given.id.toLowerCase() : newId()
    if (typeof given.id === 'string' && given.id.toLowerCase() !== id) throw invalidError([{ path: 'id', message: 'must match the id in the URL' }])
    if (given.id !== undefined && typeof given.id !== 'string') throw invalidError([{ path: 'id', message: 'must be a UUID' }])
  } else {
    id = current.id
    if (given.id !== undefined && (typeof given.id !== 'string' || given.id.toLowerCase() !== id)) throw invalidError([{ path: 'id', message: 'cannot be changed' }])
    const { id: _ignored, ...rest } = given
    void _ignored
    input = mode === 'patch' ? mergePatch(kind, current.body, rest) : rest
    const nameField = KINDS[kind].nameField
    if (mode === 'replace' && nameField !== null && ref !== undefined && !isUuid(ref) && input[nameField] === undefined) input[nameField] = ref
  }
  if (parentService !== undefined) input.service = { id: parentService.id }
  if (kind === 'consumer') input = keepCredentials(given, input, current?.body ?? null, rg.name)
  if (kind === 'upstream') input = keepTargets(given, input, current?.body ?? null, rg.name)
  if (kind === 'certificate') input = withCertificateSnis(given, input, current, { mode, ref, id, entities })
  // Kong's Admin API has no nested plugins; here they would be stored inside the entity, unseen as plugins.
  if (kind !== 'plugin' && input.plugins !== undefined) {
    throw invalidError([{ path: 'plugins', message: `unknown field (create plugins with POST /runtime-groups/${rg.name}/plugins)` }])
  }
  assertUnique(entities, kind, id, input)
  validateWithChange(entities, { kind, id, input })
  if (kind === 'certificate') refuseExpired(given, input)
  const resolve = createResolver([...entities, { kind, id, body: input }])
  const body = canonicalBody(kind, input, resolve)
  const now = nowSeconds()
  const entity: StoredEntity = {
    id, kind, ...columnsOf(kind, body), body,
    position: current?.position ?? 1 + entities.reduce((max, e) => e.kind === kind ? Math.max(max, e.position) : max, -1),
    created_at: current?.created_at ?? now,
    updated_at: now
  }
  try {
    if (current !== null) await updateEntity(tx, rg.id, entity)
    else await insertEntities(tx, rg.id, [entity])
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`id "${id}" is already used`, 'id')
    throw err
  }
  await bumpConfigVersion(tx, rg.id, `${current === null ? 'create' : 'update'} ${kind} ${displayName(entity)}`)
  return { created: current === null, entity }
}

/**
 * Deletes one entity; false when there is none (Kong answers 204 either way). A service that routes
 * or plugins reference is refused (409) unless `cascade`; a route's or consumer's plugins go with it;
 * a certificate's SNIs (in its body) with it.
 */
export async function deleteEntity (tx: DbExecutor, rg: RuntimeGroup, kind: EntityKind, ref: string, options: { cascade?: boolean, parentService?: StoredEntity } = {}): Promise<boolean> {
  const entity = await findEntity(tx, rg.id, kind, ref)
  if (entity === null || (options.parentService !== undefined && entity.service_id !== options.parentService.id)) return false
  const doomed = [entity.id]
  if (kind === 'service') {
    const refs = await referencing(tx, rg.id, 'service_id', [entity.id])
    const routes = refs.filter((e) => e.kind === 'route')
    if (refs.length > 0 && options.cascade !== true) {
      const plugins = refs.length - routes.length
      throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT',
        `service "${displayName(entity)}" is still referenced by ${routes.length} route(s) and ${plugins} plugin(s); delete them first or use ?cascade=true`)
    }
    doomed.push(...refs.map((e) => e.id))
    doomed.push(...(await referencing(tx, rg.id, 'route_id', routes.map((r) => r.id))).map((e) => e.id))
  } else if (kind === 'route' || kind === 'consumer') {
    doomed.push(...(await referencing(tx, rg.id, kind === 'route' ? 'route_id' : 'consumer_id', [entity.id])).map((e) => e.id))
  }
  await deleteEntities(tx, rg.id, [...new Set(doomed)])
  await bumpConfigVersion(tx, rg.id, `delete ${kind} ${displayName(entity)}${doomed.length > 1 ? ` and ${doomed.length - 1} dependent entities` : ''}`)
  return true
}
