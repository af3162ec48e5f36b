import { isRecord } from './credential-kinds.js'

// Child entities a parent keeps in its stored body (an upstream's `targets`, a certificate's
// `snis`): reading the list, and the body with a new one, the key left out when the list is empty
// (as the declarative export leaves it out, so an emptied parent diffs equal to one that never had any).

export function nestedList<T extends Record<string, unknown>> (body: Record<string, unknown>, field: string): T[] {
  const list = body[field]
  return Array.isArray(list) ? list.filter(isRecord) as T[] : []
}

export function withNestedList (body: Record<string, unknown>, field: string, list: Array<Record<string, unknown>>): Record<string, unknown> {
  const out = { ...body }
  if (list.length === 0) delete out[field]
  else out[field] = list
  return out
}
