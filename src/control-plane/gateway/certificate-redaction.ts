import type { AdminRole } from '../admin-api/admin-route.js'
import { isRecord } from './credential-kinds.js'

// A certificate's private keys are secrets: a viewer token reads every certificate with `key` and
// `key_alt` replaced by this fixed marker, in the certificate endpoints and in GET /config alike.
// The field stays (so a viewer still sees that a key, or an alternative pair, is there); the marker
// is no PEM, so a redacted export applied back is refused naming `key` rather than storing it.
// Admin tokens get the keys in full, as Kong's Admin API returns them.

export const REDACTED = '[redacted]'
const SECRET_FIELDS = ['key', 'key_alt'] as const

/** The certificate answer as `role` may read it. */
export function certificateFor (role: AdminRole, certificate: Record<string, unknown>): Record<string, unknown> {
  if (role === 'admin') return certificate
  const out = { ...certificate }
  for (const field of SECRET_FIELDS) if (out[field] !== undefined) out[field] = REDACTED
  return out
}

/** A declarative document as `role` may read it: its certificates redacted for a viewer. */
export function documentFor (role: AdminRole, doc: Record<string, unknown>): Record<string, unknown> {
  if (role === 'admin' || !Array.isArray(doc.certificates)) return doc
  return { ...doc, certificates: doc.certificates.map((c: unknown) => isRecord(c) ? certificateFor(role, c) : c) }
}
