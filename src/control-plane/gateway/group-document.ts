import { loadDeclarativeDocument } from '../../contract/index.js'
import { GatewayError, type FieldError } from '../../errors.js'
import { isUuid } from '../shared/ids.js'
import type { RefResolver } from './entity-body.js'
import { KINDS, type EntityKind, type StoredEntity } from './entity-types.js'

// Every write is checked by the same contract as a declarative file: the group's whole document is
// built with the change applied and loaded. The changed entity goes last in its list, so duplicate
// names are reported on it and its contract paths (`routes[12].paths[0]`) map back to the request
// body's fields (`paths[0]`).

export interface Candidate {
  kind: EntityKind
  id: string
  /** The request's fields (merged for PATCH), references as given. */
  input: Record<string, unknown>
}

/** A declarative 3.0 document of stored entities (flat: top-level routes with `service: { id }`). */
export function documentOf (entities: StoredEntity[], candidate: Candidate | null): { doc: Record<string, unknown>, at: string | null } {
  const lists: Record<string, Array<Record<string, unknown>>> = { services: [], routes: [], plugins: [], consumers: [], upstreams: [], certificates: [] }
  for (const e of entities) {
    if (candidate !== null && e.id === candidate.id) continue
    lists[KINDS[e.kind].list].push({ id: e.id, ...e.body })
  }
  let at: string | null = null
  if (candidate !== null) {
    const list = lists[KINDS[candidate.kind].list]
    at = `${KINDS[candidate.kind].list}[${list.length}]`
    list.push({ ...candidate.input, id: candidate.id })
  }
  return { doc: { _format_version: '3.0', ...lists }, at }
}

function mapPath (path: string, at: string): string {
  if (path === at) return ''
  if (path.startsWith(`${at}.`)) return path.slice(at.length + 1)
  if (path.startsWith(`${at}[`)) return path.slice(at.length)
  return path
}

export function invalidError (fields: FieldError[]): GatewayError {
  const message = fields.length === 1 ? `${fields[0].path === '' ? 'body' : fields[0].path}: ${fields[0].message}` : `${fields.length} fields are invalid`
  return new GatewayError('ATRIUM_ERR_ADMIN_INVALID', message, { fields })
}

/**
 * Loads the group's document with `candidate` applied; throws 400 with the request's field paths.
 * Expired certificates pass (a stored one expiring must not block the group's other writes); a
 * certificate write refuses its own (certificate-input.ts refuseExpired).
 */
export function validateWithChange (entities: StoredEntity[], candidate: Candidate): void {
  const { doc, at } = documentOf(entities, candidate)
  const result = loadDeclarativeDocument(doc, { acceptExpiredCertificates: true })
  if (result.ok) return
  throw invalidError(result.errors.map((e) => ({ path: at === null ? e.path : mapPath(e.path, at), message: e.message })))
}

/** `upstreams[3].targets[1].weight` → `weight`: the contract's paths as the request's fields, for a child kept in its parent's body. */
export function relativeTo (err: GatewayError, prefix: string): GatewayError {
  const fields: FieldError[] = err.fields.map((f) => {
    const i = f.path.indexOf(prefix)
    if (i < 0) return f
    const rest = f.path.slice(i + prefix.length)
    return { path: rest.startsWith('.') ? rest.slice(1) : rest, message: f.message }
  })
  return new GatewayError(err.code, invalidError(fields).message, { fields })
}

/**
 * Resolves references (`"name"`, `"<id>"`, `{ id }`, `{ name }` / `{ username }`) against entities,
 * the way the contract does; only called after the contract accepted them.
 */
export function createResolver (entities: Iterable<{ kind: EntityKind, id: string, body: Record<string, unknown> }>): RefResolver {
  const byKey = new Map<string, string>()
  for (const e of entities) {
    byKey.set(`${e.kind}:id:${e.id.toLowerCase()}`, e.id)
    const field = KINDS[e.kind].nameField
    const name = field === null ? undefined : e.body[field]
    if (typeof name === 'string' && !byKey.has(`${e.kind}:name:${name}`)) byKey.set(`${e.kind}:name:${name}`, e.id)
  }
  return (kind, ref) => {
    if (typeof ref === 'string') return byKey.get(`${kind}:name:${ref}`) ?? (isUuid(ref) ? byKey.get(`${kind}:id:${ref.toLowerCase()}`) ?? null : null)
    if (typeof ref !== 'object' || ref === null) return null
    const r = ref as Record<string, unknown>
    if (typeof r.id === 'string') return byKey.get(`${kind}:id:${r.id.toLowerCase()}`) ?? null
    const name = r[KINDS[kind].nameField ?? 'name']
    return typeof name === 'string' ? byKey.get(`${kind}:name:${name}`) ?? null : null
  }
}
