// Kong fields Atrium does not implement (src/contract/unsupported-features.ts): each is an error
// naming the field and the reason, so a file that relies on one is rejected whole instead of
// loading with traffic behaving differently than in Kong. A field left at the value Atrium already
// behaves as (empty list, null, Kong's default) is accepted: Kong exports write every field.

import { CONSUMER_UNSUPPORTED_FIELDS, ROUTE_UNSUPPORTED_FIELDS, SERVICE_UNSUPPORTED_FIELDS, TOP_LEVEL_UNSUPPORTED_FIELDS } from './schema.js'
import { isObject, joinPath } from './paths.js'
import { PLUGIN_PROTOCOLS } from './plugin-names.js'
import { unsupportedMessage, type UnsupportedFeatureName } from '../unsupported-features.js'
import type { RouteEntry, ServiceEntry } from './entities.js'
import type { Issues } from './types.js'

/** Values equal to what Atrium does anyway. */
const BEHAVES_AS: Record<string, unknown> = {
  request_buffering: true,
  response_buffering: true
}

/** Which feature each field belongs to. */
const FEATURE_OF: Record<string, UnsupportedFeatureName> = {
  ca_certificates: 'ca-certificates',
  tls_verify_depth: 'ca-certificates',
  client_certificate: 'client-certificate',
  vaults: 'vaults',
  keys: 'keys',
  key_sets: 'keys',
  sources: 'stream-routing',
  destinations: 'stream-routing',
  request_buffering: 'unbuffered-proxying',
  response_buffering: 'unbuffered-proxying',
  groups: 'consumer-groups',
  consumer_groups: 'consumer-groups',
  hmacauth_credentials: 'unbundled-credentials',
  oauth2_credentials: 'unbundled-credentials',
  mtls_auth_credentials: 'unbundled-credentials'
}

function matters (field: string, value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (Array.isArray(value) && value.length === 0) return false
  if (isObject(value) && Object.keys(value).length === 0) return false
  return BEHAVES_AS[field] !== value
}

function rejectFields (obj: Record<string, unknown>, at: { readonly path: string }, fields: readonly string[], issues: Issues): void {
  for (const field of fields) {
    if (matters(field, obj[field])) issues.error(joinPath(at.path, field), unsupportedMessage(FEATURE_OF[field]))
  }
}

export function checkUnsupported (doc: Record<string, unknown>, services: ServiceEntry[], routes: RouteEntry[], issues: Issues): void {
  rejectFields(doc, { path: '' }, TOP_LEVEL_UNSUPPORTED_FIELDS, issues)
  for (const entry of services) rejectFields(entry.service, entry, SERVICE_UNSUPPORTED_FIELDS, issues)
  for (const entry of routes) rejectFields(entry.route, entry, ROUTE_UNSUPPORTED_FIELDS, issues)
  if (Array.isArray(doc.consumers)) {
    doc.consumers.forEach((c: unknown, i) => {
      if (isObject(c)) rejectFields(c, { get path () { return joinPath('consumers', i) } }, CONSUMER_UNSUPPORTED_FIELDS, issues)
    })
  }
  checkProtocols(services, routes, issues)
}

const HTTP = new Set(['http', 'https'])
/** Kong's other protocols; anything else is an unknown value, which the shape check reports. */
const OTHER_KONG = new Set<string>(PLUGIN_PROTOCOLS.filter((p) => !HTTP.has(p)))

function checkProtocols (services: ServiceEntry[], routes: RouteEntry[], issues: Issues): void {
  for (const { service, path } of services) {
    // A url sets the protocol (Kong's shorthand overrides one given next to it).
    if (service.url === undefined && typeof service.protocol === 'string' && OTHER_KONG.has(service.protocol)) issues.error(joinPath(path, 'protocol'), unsupportedMessage('non-http-protocols'))
  }
  for (const entry of routes) {
    const list = entry.route.protocols
    if (!Array.isArray(list)) continue
    list.forEach((p: unknown, i) => {
      if (typeof p === 'string' && OTHER_KONG.has(p)) issues.error(joinPath(joinPath(entry.path, 'protocols'), i), unsupportedMessage('non-http-protocols'))
    })
  }
}
