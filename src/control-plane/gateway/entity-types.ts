import { sniNamesIn, withSniNames } from './certificate-snis.js'
import { withoutCredentials } from './credential-kinds.js'
import { withoutTargets } from './upstream-targets.js'

// Gateway entities as stored: one row per service, route, plugin, consumer or upstream of a runtime
// group. An upstream's targets live in its body (`targets`), as a consumer's credentials do, so a
// target write is a write of the upstream row and the sync carries the upstream with its targets;
// a certificate's SNIs live in its body (`snis`) the same way (certificate-snis.ts).
// `body` holds the Kong-shaped fields (defaults filled in, references as `{ id }`); id and
// timestamps are columns. name/service_id/route_id/consumer_id are derived from the body so SQL
// can enforce unique names and find who references whom.

export type EntityKind = 'service' | 'route' | 'plugin' | 'consumer' | 'upstream' | 'certificate'

export interface StoredEntity {
  id: string
  kind: EntityKind
  /** service/route/upstream name, consumer username; null for plugins, certificates and unnamed entities. */
  name: string | null
  service_id: string | null
  route_id: string | null
  consumer_id: string | null
  body: Record<string, unknown>
  position: number
  created_at: number
  updated_at: number
}

/** What the Admin API answers: Kong's shape, `id` first, timestamps last. */
export type EntityResponse = Record<string, unknown> & { id: string, created_at: number, updated_at: number }

export interface KindInfo {
  kind: EntityKind
  /** Key of the list in a declarative document. */
  list: 'services' | 'routes' | 'plugins' | 'consumers' | 'upstreams' | 'certificates'
  /** Admin API path segment. */
  segment: string
  /** Body field that names the entity (addressable by it); null when only ids address it. */
  nameField: 'name' | 'username' | null
  label: string
}

export const KINDS: Record<EntityKind, KindInfo> = {
  service: { kind: 'service', list: 'services', segment: 'services', nameField: 'name', label: 'service' },
  route: { kind: 'route', list: 'routes', segment: 'routes', nameField: 'name', label: 'route' },
  plugin: { kind: 'plugin', list: 'plugins', segment: 'plugins', nameField: null, label: 'plugin' },
  consumer: { kind: 'consumer', list: 'consumers', segment: 'consumers', nameField: 'username', label: 'consumer' },
  upstream: { kind: 'upstream', list: 'upstreams', segment: 'upstreams', nameField: 'name', label: 'upstream' },
  // Addressed by id, or by one of its SNI names (certificate-input.ts, entity-store.ts findEntity).
  certificate: { kind: 'certificate', list: 'certificates', segment: 'certificates', nameField: null, label: 'certificate' }
}

/** The kinds in declarative-document order (services before what references them). */
export const ENTITY_KINDS: readonly EntityKind[] = ['service', 'route', 'plugin', 'consumer', 'upstream', 'certificate']

export function toResponse (e: StoredEntity): EntityResponse {
  // A consumer's credentials and an upstream's targets (in their bodies) have their own endpoints;
  // a certificate shows its SNIs as Kong does, by name.
  const { name, ...rest } = e.kind === 'consumer' ? withoutCredentials(e.body) : e.kind === 'upstream' ? withoutTargets(e.body) : e.kind === 'certificate' ? withSniNames(e.body) : e.body
  return name === undefined
    ? { id: e.id, ...rest, created_at: e.created_at, updated_at: e.updated_at }
    : { id: e.id, name, ...rest, created_at: e.created_at, updated_at: e.updated_at }
}

/** A short name for messages and diffs: the entity's name, else its plugin name, else a certificate's first SNI, else its id. */
export function displayName (e: { kind: EntityKind, id: string, body: Record<string, unknown> }): string {
  const b = e.body
  if (e.kind === 'consumer') return String(b.username ?? b.custom_id ?? e.id)
  if (e.kind === 'certificate') return sniNamesIn(b).sort()[0] ?? e.id
  return typeof b.name === 'string' ? b.name : e.id
}
