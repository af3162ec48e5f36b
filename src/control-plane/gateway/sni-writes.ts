import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid, newId, nowSeconds } from '../shared/ids.js'
import { bumpConfigVersion, lockRuntimeGroup, requireRuntimeGroup, type RuntimeGroup } from '../runtime-groups/index.js'
import { loadEntities, updateEntity } from './entity-store.js'
import type { StoredEntity } from './entity-types.js'
import { invalidError, relativeTo, validateWithChange } from './group-document.js'
import { findCertificate, findSni, snisOf, withSnis, type StoredSni } from './certificate-snis.js'
import { isRecord } from './credential-kinds.js'

// One SNI write = one transaction, like every gateway write: lock the group, load it, put the
// certificate's body with the changed SNI list through the contract with the whole group (so a bad
// name is refused exactly as in a declarative file), write the certificate row (both rows when a
// PATCH or PUT moves the SNI to another certificate) and bump the group's config_version once.

export interface SniScope {
  rg: RuntimeGroup
  entities: StoredEntity[]
}

export type SniMatch = NonNullable<ReturnType<typeof findSni<StoredEntity>>>

/** The group (locked when writing) and its entities. */
export async function sniScope (ex: DbExecutor, rgRef: string, forWrite: boolean): Promise<SniScope> {
  const rg = forWrite ? await lockRuntimeGroup(ex, rgRef) : await requireRuntimeGroup(ex, rgRef)
  return { rg, entities: await loadEntities(ex, rg.id) }
}

export function requireSni (scope: SniScope, ref: string): SniMatch {
  const found = findSni(scope.entities, ref)
  if (found === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no SNI "${ref}" in runtime group "${scope.rg.name}"`)
  return found
}

/** The certificate of `/certificates/{cert}/snis`, by id or SNI name; 404. */
export function requireCertificate (scope: SniScope, ref: string): StoredEntity {
  const found = findCertificate(scope.entities, ref)
  if (found === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no certificate "${ref}" in runtime group "${scope.rg.name}"`)
  return found
}

/** A body for `/certificates/{cert}/snis`: its `certificate` is the URL's (400 naming it when it says another). */
export function underCertificate (body: unknown, certificate: StoredEntity): Record<string, unknown> {
  const input = readSniInput(body)
  const ref = input.certificate
  const id = isRecord(ref) ? ref.id : ref
  if (ref !== undefined && ref !== null && (typeof id !== 'string' || id.toLowerCase() !== certificate.id)) {
    throw invalidError([{ path: 'certificate', message: 'must be the certificate in the URL' }])
  }
  return { ...input, certificate: { id: certificate.id } }
}

const SNI_FIELDS = new Set(['id', 'name', 'certificate', 'tags', 'created_at', 'updated_at'])

function readSniInput (body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw invalidError([{ path: '', message: 'must be a JSON object' }])
  const unknown = Object.keys(body).filter((k) => !SNI_FIELDS.has(k))
  if (unknown.length > 0) throw invalidError(unknown.map((path) => ({ path, message: 'unknown field' })))
  const { created_at: _c, updated_at: _u, ...rest } = body
  void _c; void _u
  return rest
}

/** The certificate an SNI names (`{ id }` or the id); 400 naming `certificate`, as Kong's foreign key check. */
function certificateOf (scope: SniScope, ref: unknown): StoredEntity {
  const id = isRecord(ref) ? ref.id : ref
  if (ref === undefined || ref === null) throw invalidError([{ path: 'certificate', message: 'required field missing' }])
  if (typeof id !== 'string' || !isUuid(id)) throw invalidError([{ path: 'certificate', message: 'must be { "id": "<certificate id>" }' }])
  const found = scope.entities.find((e) => e.kind === 'certificate' && e.id === id.toLowerCase())
  if (found === undefined) throw invalidError([{ path: 'certificate', message: `no certificate with id "${id}" in runtime group "${scope.rg.name}"` }])
  return found
}

function conflict (message: string, field: string): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', message, { fields: [{ path: field, message: 'already exists' }] })
}

/** The SNI's fields after the request: PATCH merges (null removes), POST and PUT replace; PUT by name takes the URL's name. */
function fieldsOf (given: Record<string, unknown>, current: SniMatch | null, mode: 'create' | 'replace' | 'patch', ref: string | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  if (current !== null && mode === 'patch') {
    const { id: _id, created_at: _c, updated_at: _u, ...rest } = current.sni
    void _id; void _c; void _u
    Object.assign(fields, rest, { certificate: { id: current.certificate.id } })
  }
  for (const [k, v] of Object.entries(given)) { if (k === 'id') continue; if (v === null) delete fields[k]; else fields[k] = v }
  if (mode === 'replace' && ref !== undefined && !isUuid(ref)) {
    if (fields.name !== undefined && fields.name !== ref) throw invalidError([{ path: 'name', message: 'must match the name in the URL' }])
    fields.name = ref
  }
  return fields
}

/**
 * POST (create), PUT (create or replace by id or name) and PATCH of one SNI. A name another SNI of
 * the group has is refused with 409 (Kong's unique constraint), a missing certificate with 400.
 */
export async function writeSni (tx: DbExecutor, scope: SniScope, mode: 'create' | 'replace' | 'patch', ref: string | undefined, body: unknown): Promise<{ created: boolean, sni: StoredSni, certificateId: string }> {
  const given = readSniInput(body)
  const current = ref === undefined ? null : findSni(scope.entities, ref)
  if (mode === 'patch' && current === null) requireSni(scope, ref ?? '')
  if (given.id !== undefined && (typeof given.id !== 'string' || (current !== null && given.id.toLowerCase() !== current.sni.id))) {
    throw invalidError([{ path: 'id', message: current === null ? 'must be a UUID' : 'cannot be changed' }])
  }
  const { certificate: certificateRef, ...fields } = fieldsOf(given, current, mode, ref)
  const target = certificateOf(scope, certificateRef)
  const id = current?.sni.id ?? (typeof given.id === 'string' ? given.id.toLowerCase() : mode === 'replace' && ref !== undefined && isUuid(ref) ? ref.toLowerCase() : newId())
  const name = fields.name
  if (typeof name === 'string') {
    const other = findSni(scope.entities, name)
    if (other !== null && other.sni.id !== id) throw conflict(`an SNI with name "${name}" already exists in this runtime group`, 'name')
  }
  if (findSni(scope.entities, id)?.sni.id === id && current === null) throw conflict(`an SNI with id "${id}" already exists`, 'id')
  const now = nowSeconds()
  const sni = { id, ...fields, created_at: current?.sni.created_at ?? now, updated_at: now } as StoredSni
  // Out of its old certificate (when it moves), into the target one (in place when it stays).
  let entities = scope.entities
  const changed: StoredEntity[] = []
  if (current !== null && current.certificate.id !== target.id) {
    const left = { ...current.certificate, body: withSnis(current.certificate.body, snisOf(current.certificate.body).filter((s) => s.id !== id)) }
    entities = entities.map((e) => e.id === left.id ? left : e)
    changed.push(left)
  }
  const list = snisOf(target.body)
  const at = current !== null && current.certificate.id === target.id ? list.findIndex((s) => s.id === id) : list.length
  const next = [...list]
  next[at] = sni
  const updated = { ...target, body: withSnis(target.body, next) }
  try {
    validateWithChange(entities, { kind: 'certificate', id: target.id, input: updated.body })
  } catch (err) {
    throw err instanceof GatewayError ? asSniFields(relativeTo(err, `snis[${at}]`)) : err
  }
  changed.push(updated)
  await store(tx, scope.rg, changed, `${current === null ? 'create' : 'update'} SNI ${String(name)}`)
  return { created: current === null, sni, certificateId: target.id }
}

/** The contract reports a bad nested SNI name at the SNI itself; the request's field is `name`. */
function asSniFields (err: GatewayError): GatewayError {
  const fields = err.fields.map((f) => f.path === '' ? { path: 'name', message: f.message } : f)
  return new GatewayError(err.code, invalidError(fields).message, { fields })
}

/** Removes an SNI from its certificate; false when the group has none with that id or name (204 either way, as Kong). */
export async function deleteSni (tx: DbExecutor, scope: SniScope, ref: string): Promise<boolean> {
  const found = findSni(scope.entities, ref)
  if (found === null) return false
  const { certificate, sni } = found
  await store(tx, scope.rg, [{ ...certificate, body: withSnis(certificate.body, snisOf(certificate.body).filter((s) => s.id !== sni.id)) }], `delete SNI ${sni.name}`)
  return true
}

async function store (tx: DbExecutor, rg: RuntimeGroup, certificates: StoredEntity[], summary: string): Promise<void> {
  // updateEntity renews each row's revision: the next snapshot and delta carry these certificates again.
  for (const c of certificates) await updateEntity(tx, rg.id, c)
  await bumpConfigVersion(tx, rg.id, summary)
}
