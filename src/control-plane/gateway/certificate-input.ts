import { loadDeclarativeDocument } from '../../contract/index.js'
import { isUuid, nowSeconds } from '../shared/ids.js'
import { findSni, planSnis, snisOf, withSnis } from './certificate-snis.js'
import type { StoredEntity } from './entity-types.js'
import { invalidError } from './group-document.js'

// What a certificate endpoint's body means beyond the contract's checks (kong/api/routes/certificates.lua,
// kong/db/dao/certificates.lua): `snis` is a list of names that replaces the certificate's SNI set.

export interface SniContext {
  mode: 'create' | 'replace' | 'patch'
  /** The URL's id or SNI name (replace, patch). */
  ref?: string
  /** The certificate's id (new or kept). */
  id: string
  entities: StoredEntity[]
}

function namesOf (value: unknown): string[] {
  if (value === null) return []
  if (!Array.isArray(value)) throw invalidError([{ path: 'snis', message: 'must be an array of SNI names' }])
  const bad = value.findIndex((v) => typeof v !== 'string')
  if (bad >= 0) throw invalidError([{ path: `snis[${bad}]`, message: 'must be a string' }])
  return value as string[]
}

/**
 * The certificate's input with its stored SNIs. PATCH without `snis` keeps them; POST and PUT
 * without it mean none (Kong's PUT sets it to null). PUT /certificates/{sni name} keeps that name
 * among them (Kong adds it when `snis` is given; here also when it is not, so the certificate
 * stays addressable by the name it was put at). Kong's 400s naming `snis`: a name given twice, a
 * name another certificate has. SNIs keep their ids and timestamps by name.
 */
export function withCertificateSnis (given: Record<string, unknown>, input: Record<string, unknown>, current: StoredEntity | null, ctx: SniContext): Record<string, unknown> {
  const before = current === null ? [] : snisOf(current.body)
  if (given.snis === undefined && ctx.mode === 'patch') return withSnis(input, before)
  const names = [...namesOf(given.snis ?? null)]
  const byName = ctx.mode === 'replace' && ctx.ref !== undefined && !isUuid(ctx.ref) ? ctx.ref : null
  if (byName !== null && !names.some((n) => n.toLowerCase() === byName.toLowerCase())) names.push(byName)
  const seen = new Set<string>()
  for (const name of names) {
    const key = name.toLowerCase()
    if (seen.has(key)) throw invalidError([{ path: 'snis', message: `${name} is duplicated` }])
    seen.add(key)
    const owner = findSni(ctx.entities, name)?.certificate
    if (owner !== undefined && owner.id !== ctx.id) {
      throw invalidError([{ path: 'snis', message: `${name} already associated with existing certificate '${owner.id}'` }])
    }
  }
  // A name the certificate has already keeps that SNI whole (its id and tags), as Kong's update_list.
  const entries = names.map((n) => before.find((b) => b.name.toLowerCase() === n.toLowerCase()) ?? n)
  return withSnis({ ...input }, planSnis(entries, before, nowSeconds()))
}

/**
 * Refuses an expired certificate (or alternative certificate) the request gives, with the
 * contract's message. Only the one written: the group's whole-document check accepts expired
 * ones, or a certificate expiring would block every later write to its group.
 */
export function refuseExpired (given: Record<string, unknown>, input: Record<string, unknown>): void {
  if (given.cert === undefined && given.cert_alt === undefined) return
  const pair = { cert: input.cert, key: input.key, ...(input.cert_alt === undefined ? {} : { cert_alt: input.cert_alt, key_alt: input.key_alt }) }
  const result = loadDeclarativeDocument({ _format_version: '3.0', certificates: [pair] })
  if (!result.ok) throw invalidError(result.errors.map((e) => ({ path: e.path.replace(/^certificates\[0\]\.?/, ''), message: e.message })))
}
