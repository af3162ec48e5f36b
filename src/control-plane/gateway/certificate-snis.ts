import { canonicalJsonOf } from '../../contract/index.js'
import { isUuid, newId } from '../shared/ids.js'
import { isRecord } from './credential-kinds.js'
import { nestedList, withNestedList } from './nested-lists.js'

// A certificate's SNIs as the control plane keeps them: inside the certificate's stored body, under
// `snis` (the declarative nesting), each `{ id, name, tags?, created_at, updated_at }`. Like an
// upstream's targets, keeping them in the certificate row means an SNI write renews that row's
// revision, so the sync carries the certificate with its names, a certificate's delete takes its
// SNIs with it, and no schema change is needed. SNI names are unique per runtime group
// (case-insensitively, as the contract checks them); writes check that under the group's lock.

export type StoredSni = Record<string, unknown> & { id: string, name: string, created_at: number, updated_at: number }

/** Something with a certificate's stored body (StoredEntity, or a candidate). */
interface CertificateLike { kind: string, id: string, body: Record<string, unknown> }

export function snisOf (body: Record<string, unknown>): StoredSni[] {
  return nestedList<StoredSni>(body, 'snis')
}

export function withSnis (body: Record<string, unknown>, list: StoredSni[]): Record<string, unknown> {
  return withNestedList(body, 'snis', list)
}

/** The SNI names of a stored body or of a declarative certificate (names or `{ name }`). */
export function sniNamesIn (body: Record<string, unknown>): string[] {
  const list = Array.isArray(body.snis) ? body.snis as unknown[] : []
  return list.map((s) => typeof s === 'string' ? s : isRecord(s) ? s.name : null).filter((n): n is string => typeof n === 'string')
}

/** Kong's certificate answer lists its SNIs as names, sorted (kong/db/dao/certificates.lua). */
export function withSniNames (body: Record<string, unknown>): Record<string, unknown> {
  return { ...body, snis: sniNamesIn(body).sort() }
}

/** The certificate holding the SNI with this id (when UUID-shaped) or name, and that SNI. */
export function findSni<T extends CertificateLike> (entities: T[], ref: string): { certificate: T, sni: StoredSni } | null {
  const lower = ref.toLowerCase()
  const match = (test: (s: StoredSni) => boolean): { certificate: T, sni: StoredSni } | null => {
    for (const certificate of entities) {
      if (certificate.kind !== 'certificate') continue
      const sni = snisOf(certificate.body).find(test)
      if (sni !== undefined) return { certificate, sni }
    }
    return null
  }
  return (isUuid(ref) ? match((s) => s.id === lower) : null) ?? match((s) => s.name.toLowerCase() === lower)
}

/** A certificate by id, else (a ref that is no UUID, as Kong) by one of its SNI names. */
export function findCertificate<T extends CertificateLike> (entities: T[], ref: string): T | null {
  const lower = ref.toLowerCase()
  const byId = entities.find((e) => e.kind === 'certificate' && e.id === lower)
  if (byId !== undefined) return byId
  return isUuid(ref) ? null : findSni(entities, ref)?.certificate ?? null
}

/** Kong's SNI answer: `certificate: { id }`, timestamps last. */
export function sniResponse (sni: StoredSni, certificateId: string): Record<string, unknown> {
  const { id, name, created_at: createdAt, updated_at: updatedAt, ...fields } = sni
  return { id, name, ...fields, certificate: { id: certificateId }, created_at: createdAt, updated_at: updatedAt }
}

/** Every SNI of the group, certificate by certificate in their order, as Kong answers them. */
export function allSniResponses (entities: CertificateLike[]): Array<Record<string, unknown>> {
  return entities.filter((e) => e.kind === 'certificate').flatMap((c) => snisOf(c.body).map((s) => sniResponse(s, c.id)))
}

function entryOf (raw: unknown): Record<string, unknown> {
  if (typeof raw === 'string') return { name: raw }
  const out: Record<string, unknown> = {}
  if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) if (v !== null && v !== undefined && k !== 'created_at' && k !== 'updated_at' && k !== 'certificate') out[k] = v
  return out
}

/**
 * A certificate's stored SNIs from a list of names or `{ id?, name, tags? }` (declarative nesting,
 * or a certificate write's `snis`): ids and timestamps kept from `before` where an SNI matches by
 * id, else by name; an SNI whose fields did not change keeps its updated_at.
 */
export function planSnis (list: unknown, before: StoredSni[], now: number): StoredSni[] {
  const given = Array.isArray(list) ? list.map(entryOf) : []
  const explicit = new Set(given.map((s) => typeof s.id === 'string' ? s.id.toLowerCase() : null))
  const claimed = new Set<string>()
  return given.map((s) => {
    const id = typeof s.id === 'string' ? s.id.toLowerCase() : undefined
    const name = String(s.name)
    const match = before.find((b) => !claimed.has(b.id) && (id !== undefined ? b.id === id : !explicit.has(b.id) && b.name === name))
    if (match !== undefined) claimed.add(match.id)
    const { id: _id, ...fields } = s
    void _id
    const same = match !== undefined && canonicalJsonOf(entryOf({ ...match, id: undefined })) === canonicalJsonOf(fields)
    return { id: id ?? match?.id ?? newId(), ...fields, name, created_at: match?.created_at ?? now, updated_at: same ? match.updated_at : now } as StoredSni
  })
}

/**
 * Kong's top-level `snis` (each naming its certificate by id) moved into their certificates'
 * nested lists, after the nested ones: what is planned and stored is the nested form. Runs on a
 * document the contract accepted, so every reference resolves.
 */
export function withNestedSnis (doc: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(doc.snis) || !Array.isArray(doc.certificates)) return doc
  const certificates = doc.certificates.map((c: unknown) => isRecord(c) ? { ...c, snis: Array.isArray(c.snis) ? [...c.snis] : [] } : c)
  for (const sni of doc.snis.filter(isRecord)) {
    const ref = isRecord(sni.certificate) ? sni.certificate.id : sni.certificate
    const owner = certificates.find((c): c is Record<string, unknown> & { snis: unknown[] } => isRecord(c) && typeof c.id === 'string' && typeof ref === 'string' && c.id.toLowerCase() === ref.toLowerCase())
    owner?.snis.push(entryOf(sni))
  }
  const { snis: _top, ...rest } = doc
  void _top
  return { ...rest, certificates }
}
