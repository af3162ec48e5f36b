// Kong fields this release does not implement: accepted so Kong files load, reported as warnings,
// never applied. A field left at the value we already behave as (empty list, Kong's default) is
// not worth a warning: Kong exports write every field.

import { CONSUMER_UNSUPPORTED_FIELDS, ROUTE_UNSUPPORTED_FIELDS, SERVICE_UNSUPPORTED_FIELDS, TOP_LEVEL_UNSUPPORTED_FIELDS } from './schema.js'
import { isObject, joinPath } from './paths.js'
import type { RouteEntry, ServiceEntry } from './entities.js'
import type { Issues } from './types.js'

const NOT_IMPLEMENTED = 'not implemented yet; ignored'

/** Values equal to what Atrium does anyway. */
const BEHAVES_AS: Record<string, unknown> = {
  https_redirect_status_code: 426,
  request_buffering: true,
  response_buffering: true
}

function matters (field: string, value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (Array.isArray(value) && value.length === 0) return false
  if (isObject(value) && Object.keys(value).length === 0) return false
  return BEHAVES_AS[field] !== value
}

function warnFields (obj: Record<string, unknown>, at: { readonly path: string }, fields: readonly string[], issues: Issues): void {
  for (const field of fields) {
    if (matters(field, obj[field])) issues.warn(joinPath(at.path, field), NOT_IMPLEMENTED)
  }
}

export function warnUnsupported (doc: Record<string, unknown>, services: ServiceEntry[], routes: RouteEntry[], issues: Issues): void {
  warnFields(doc, { path: '' }, TOP_LEVEL_UNSUPPORTED_FIELDS, issues)
  for (const entry of services) warnFields(entry.service, entry, SERVICE_UNSUPPORTED_FIELDS, issues)
  for (const entry of routes) warnFields(entry.route, entry, ROUTE_UNSUPPORTED_FIELDS, issues)
  if (Array.isArray(doc.consumers)) {
    doc.consumers.forEach((c: unknown, i) => {
      if (isObject(c)) warnFields(c, { get path () { return joinPath('consumers', i) } }, CONSUMER_UNSUPPORTED_FIELDS, issues)
    })
  }
}
