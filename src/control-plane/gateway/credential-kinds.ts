import { CONSUMER_CREDENTIAL_FIELDS, keyHash, type ConsumerCredentialField } from '../../contract/index.js'
import { isUuid } from '../shared/ids.js'

// Consumer credentials as the control plane keeps them: inside the consumer's stored body, under
// Kong's declarative names, each item with its `id` and `created_at` and its secret in stored form
// only (`key_hash`, `password_hash`). Keeping them in the consumer row means every credential write
// is a write of that row: it gets a new revision (entity-store.ts), so the sync's incremental read
// and delta carry the consumer with its credentials, exactly as GET /config exports it.

export type CredentialKind = 'key-auth' | 'basic-auth' | 'jwt' | 'acls'

export interface CredentialKindInfo {
  kind: CredentialKind
  /** Admin API path segment under /consumers/{consumer}/. */
  segment: string
  /** The list in the consumer's body (Kong's declarative key). */
  field: ConsumerCredentialField
  label: string
  /** The stored field that identifies a credential besides its id (unique per group; per consumer for ACLs). */
  unique: 'key_hash' | 'username' | 'key' | 'group'
  /** Unique per consumer rather than per runtime group. */
  perConsumer: boolean
  /** Stored fields never shown by the credential endpoints. */
  hidden: readonly string[]
}

export const CREDENTIAL_KINDS: Record<CredentialKind, CredentialKindInfo> = {
  'key-auth': { kind: 'key-auth', segment: 'key-auth', field: 'keyauth_credentials', label: 'key-auth credential', unique: 'key_hash', perConsumer: false, hidden: ['key_hash'] },
  'basic-auth': { kind: 'basic-auth', segment: 'basic-auth', field: 'basicauth_credentials', label: 'basic-auth credential', unique: 'username', perConsumer: false, hidden: ['password_hash'] },
  jwt: { kind: 'jwt', segment: 'jwt', field: 'jwt_secrets', label: 'JWT secret', unique: 'key', perConsumer: false, hidden: [] },
  acls: { kind: 'acls', segment: 'acls', field: 'acls', label: 'ACL group', unique: 'group', perConsumer: true, hidden: [] }
}

export type StoredCredential = Record<string, unknown> & { id: string, created_at: number }

export function isRecord (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The credentials of one kind in a stored consumer body. */
export function credentialsOf (body: Record<string, unknown>, info: CredentialKindInfo): StoredCredential[] {
  const list = body[info.field]
  return Array.isArray(list) ? list.filter(isRecord) as StoredCredential[] : []
}

/** The consumer body with one kind's list replaced (left out when empty). */
export function withCredentialList (body: Record<string, unknown>, info: CredentialKindInfo, list: StoredCredential[]): Record<string, unknown> {
  const out = { ...body }
  if (list.length === 0) delete out[info.field]
  else out[info.field] = list
  return out
}

/** A consumer body as the consumer endpoints show it: credentials have their own endpoints. */
export function withoutCredentials (body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body }
  for (const field of CONSUMER_CREDENTIAL_FIELDS) delete out[field]
  return out
}

/** The value a reference in a URL is compared with: an id, or the credential's unique field (a key by its hash). */
export function findCredential (list: StoredCredential[], info: CredentialKindInfo, ref: string): StoredCredential | null {
  if (isUuid(ref)) {
    const byId = list.find((c) => c.id === ref.toLowerCase())
    if (byId !== undefined) return byId
  }
  const value = info.kind === 'key-auth' ? keyHash(ref) : ref
  return list.find((c) => c[info.unique] === value) ?? null
}

/** Kong's credential response: `consumer: { id }`, secrets in stored form left out. */
export function credentialResponse (info: CredentialKindInfo, c: StoredCredential, consumerId: string): Record<string, unknown> {
  const { id, created_at: createdAt, ...fields } = c
  for (const hidden of info.hidden) delete fields[hidden]
  return { id, consumer: { id: consumerId }, ...fields, created_at: createdAt }
}
