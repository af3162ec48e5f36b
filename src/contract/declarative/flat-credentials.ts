// Kong's declarative format also takes consumer credentials as top-level lists, each item naming
// its consumer (`keyauth_credentials: [{consumer: alice, key: …}]`, as Kong's own example file
// shows): every entity may be listed at the top level. They are moved into their consumers here,
// before anything else looks at the document, so the rest of the contract knows one shape.
// `consumer` is the consumer's username or id, `{id}` or `{username}`, as in a plugin's reference.

import { isObject, joinPath } from './paths.js'
import { referenceIndex, resolveReference } from './references.js'
import { CONSUMER_CREDENTIAL_FIELDS } from './schema.js'
import { createIssues, sortIssues, type FieldIssue, type Issues } from './types.js'

/** The lists moved: the bundled plugins' credentials, and those of plugins Atrium does not bundle (accepted, not applied, as when nested). */
const FLAT_LISTS = [...CONSUMER_CREDENTIAL_FIELDS, 'hmacauth_credentials', 'oauth2_credentials', 'mtls_auth_credentials'] as const

/**
 * The document with top-level credential lists moved into their consumers (a copy; the input is
 * not changed). Unresolvable items are reported at their top-level path and left out. Returns the
 * document itself when it has no top-level credential list.
 */
export function liftFlatCredentials (doc: Record<string, unknown>, issues: Issues): Record<string, unknown> {
  if (!FLAT_LISTS.some((field) => field in doc)) return doc
  // A `consumers` that is not a list is left for the shape check to report; nothing resolves then.
  const listed = doc.consumers === undefined || doc.consumers === null || Array.isArray(doc.consumers)
  const consumers = Array.isArray(doc.consumers) ? doc.consumers.map((c: unknown) => (isObject(c) ? { ...c } : c)) : []
  // Resolved like a plugin's `consumer` reference (check-plugins.ts): the same index and rules.
  const index = referenceIndex('consumer', 'username', consumers.map((c) => (isObject(c) ? c : {})))
  const out: Record<string, unknown> = { ...doc }
  for (const field of FLAT_LISTS) {
    if (!(field in doc)) continue
    delete out[field]
    const list = doc[field]
    if (list === null) continue // Kong exports write unset lists as null
    if (!Array.isArray(list)) {
      issues.error(field, 'must be an array of credentials, each naming its consumer')
      continue
    }
    list.forEach((item: unknown, i) => {
      const path = joinPath(field, i)
      if (!isObject(item)) {
        issues.error(path, 'must be an object')
        return
      }
      if (item.consumer === undefined || item.consumer === null) {
        issues.error(joinPath(path, 'consumer'), 'required: the id or username of the consumer this credential belongs to (a string, or {id} / {username})')
        return
      }
      const at = resolveReference(item.consumer, joinPath(path, 'consumer'), index, issues)
      if (at === null) return
      const { consumer: _ref, ...credential } = item
      void _ref
      const owner = consumers[at] as Record<string, unknown>
      owner[field] = [...(Array.isArray(owner[field]) ? owner[field] : []), credential]
    })
  }
  if (listed) out.consumers = consumers
  return out
}

/**
 * For callers that keep the document itself (the control plane stores what it plans): `value` with
 * its top-level credential lists moved into their consumers, or the errors that prevent it.
 */
export function withNestedCredentials (value: unknown): { doc: unknown, errors: FieldIssue[] } {
  if (!isObject(value)) return { doc: value, errors: [] }
  const issues = createIssues()
  const doc = liftFlatCredentials(value, issues)
  return { doc, errors: sortIssues(issues.errors) }
}
