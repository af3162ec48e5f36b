import { GatewayError, type FieldError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { bumpConfigVersion, lockRuntimeGroup, requireRuntimeGroup, type RuntimeGroup } from '../runtime-groups/index.js'
import { loadEntities, updateEntity } from './entity-store.js'
import { displayName, type StoredEntity } from './entity-types.js'
import { validateWithChange } from './group-document.js'
import { credentialsOf, findCredential, withCredentialList, type CredentialKindInfo, type StoredCredential } from './credential-kinds.js'

// One credential write = one transaction, like every gateway write: lock the group, load it, put
// the changed consumer body through the contract with the whole group (so a key taken by another
// consumer, or a public key that does not parse, is refused exactly as in a declarative file),
// write the consumer row (a new revision: the sync sends the consumer again) and bump the group's
// config_version once.

export interface ConsumerScope {
  rg: RuntimeGroup
  entities: StoredEntity[]
  consumer: StoredEntity
}

function notFound (what: string, ref: string, rg: RuntimeGroup): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no ${what} "${ref}" in runtime group "${rg.name}"`)
}

/** The group (locked when writing), its entities and the consumer addressed by id or username; 404s. */
export async function consumerScope (ex: DbExecutor, rgRef: string, consumerRef: string, forWrite: boolean): Promise<ConsumerScope> {
  const rg = forWrite ? await lockRuntimeGroup(ex, rgRef) : await requireRuntimeGroup(ex, rgRef)
  const entities = await loadEntities(ex, rg.id)
  const lower = consumerRef.toLowerCase()
  const consumer = entities.find((e) => e.kind === 'consumer' && e.id === lower) ??
    entities.find((e) => e.kind === 'consumer' && e.body.username === consumerRef) ?? null
  if (consumer === null) throw notFound('consumer', consumerRef, rg)
  return { rg, entities, consumer }
}

export function requireCredential (scope: ConsumerScope, info: CredentialKindInfo, ref: string): StoredCredential {
  const found = findCredential(credentialsOf(scope.consumer.body, info), info, ref)
  if (found === null) throw notFound(`${info.label} of consumer "${displayName(scope.consumer)}"`, ref, scope.rg)
  return found
}

function conflict (message: string, field: string): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', message, { fields: [{ path: field, message: 'already exists' }] })
}

/** 409 when another credential of this kind has the same id or unique value (Kong's unique constraints). */
function assertUnique (scope: ConsumerScope, info: CredentialKindInfo, credential: StoredCredential, requestField: string): void {
  const value = credential[info.unique]
  for (const owner of scope.entities) {
    if (owner.kind !== 'consumer') continue
    const same = owner.id === scope.consumer.id
    for (const other of credentialsOf(owner.body, info)) {
      if (same && other.id === credential.id) continue // the credential itself (an update; a create checked it is new)
      if (other.id === credential.id) throw conflict(`a ${info.label} with id "${credential.id}" already exists`, 'id')
      if ((same || !info.perConsumer) && value !== undefined && other[info.unique] === value) {
        const shown = info.kind === 'key-auth' ? 'this key' : `${info.unique} "${String(value)}"`
        throw conflict(`a ${info.label} with ${shown} already exists in this ${info.perConsumer ? 'consumer' : 'runtime group'}`, requestField)
      }
    }
  }
}

/**
 * Writes the consumer with `credential` added (replace: null) or replacing the credential with its
 * id. `renames` maps stored field names back to the request's (`key_hash` → `key`) in errors.
 */
export async function writeCredential (tx: DbExecutor, scope: ConsumerScope, info: CredentialKindInfo, credential: StoredCredential, action: 'create' | 'update', renames: Record<string, string>): Promise<void> {
  const list = credentialsOf(scope.consumer.body, info)
  const at = action === 'create' ? list.length : list.findIndex((c) => c.id === credential.id)
  const nextList = [...list]
  nextList[at] = credential
  if (action === 'create' && list.some((c) => c.id === credential.id)) throw conflict(`a ${info.label} with id "${credential.id}" already exists`, 'id')
  assertUnique(scope, info, credential, renames[info.unique] ?? info.unique)
  const body = withCredentialList(scope.consumer.body, info, nextList)
  try {
    validateWithChange(scope.entities, { kind: 'consumer', id: scope.consumer.id, input: body })
  } catch (err) {
    throw err instanceof GatewayError ? relativeTo(err, `${info.field}[${at}]`, renames) : err
  }
  await store(tx, scope, body, `${action} ${info.label} of consumer ${displayName(scope.consumer)}`)
}

/** Removes a credential; false when the consumer has none with that reference (answered 204 anyway, like entities). */
export async function deleteCredential (tx: DbExecutor, scope: ConsumerScope, info: CredentialKindInfo, ref: string): Promise<boolean> {
  const list = credentialsOf(scope.consumer.body, info)
  const found = findCredential(list, info, ref)
  if (found === null) return false
  const body = withCredentialList(scope.consumer.body, info, list.filter((c) => c !== found))
  await store(tx, scope, body, `delete ${info.label} of consumer ${displayName(scope.consumer)}`)
  return true
}

async function store (tx: DbExecutor, scope: ConsumerScope, body: Record<string, unknown>, summary: string): Promise<void> {
  // updateEntity renews the row's revision: the next snapshot and delta carry this consumer again.
  await updateEntity(tx, scope.rg.id, { ...scope.consumer, body })
  await bumpConfigVersion(tx, scope.rg.id, summary)
}

/** `keyauth_credentials[2].key_hash` → `key`: the contract's paths as the request's fields. */
function relativeTo (err: GatewayError, prefix: string, renames: Record<string, string>): GatewayError {
  const fields: FieldError[] = err.fields.map((f) => {
    let path = f.path
    if (path === prefix) path = ''
    else if (path.startsWith(`${prefix}.`)) path = path.slice(prefix.length + 1)
    else if (path.startsWith(`${prefix}[`)) path = path.slice(prefix.length)
    else return f
    const head = path.split(/[.[]/)[0]
    if (renames[head] !== undefined) path = renames[head] + path.slice(head.length)
    return { path, message: f.message }
  })
  const first = fields[0]
  const message = fields.length === 1 ? `${first.path === '' ? 'body' : first.path}: ${first.message}` : `${fields.length} fields are invalid`
  return new GatewayError(err.code, message, { fields })
}
