import { GatewayError, type FieldError } from '../../errors.js'
import { isUuid } from '../shared/ids.js'
import { checkLabels } from '../shared/labels.js'

// Validation of service package bodies. Every problem is collected so one 400 lists them all;
// nothing is written before a body passed.

export const NAME_MAX = 128
export const DESCRIPTION_MAX = 2048
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

export interface PackageFields {
  id?: string
  name?: string
  /** null: derive it from the name. */
  slug?: string | null
  description?: string | null
  labels?: Record<string, string>
  portal_published?: boolean
}

const KNOWN = new Set(['id', 'name', 'slug', 'description', 'labels', 'portal_published'])

/** PostgreSQL TEXT cannot hold U+0000 (it would be a 500 there and not on SQLite): refused everywhere. */
export function hasNul (value: string): boolean {
  return value.includes('\u0000')
}

export function invalid (message: string, fields: FieldError[]): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_INVALID', message, { fields })
}

export function requireObject (body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid(`${what} must be a JSON object`, [{ path: '', message: 'must be a JSON object' }])
  }
  return body as Record<string, unknown>
}

/** Lower-case, runs of anything but `[a-z0-9]` become one `-`, trimmed to 63 characters. */
export function deriveSlug (name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 63).replace(/-+$/, '')
}

function checkName (value: unknown, errors: FieldError[]): void {
  if (typeof value !== 'string') errors.push({ path: 'name', message: 'must be a string' })
  else if (value.length === 0 || value.length > NAME_MAX) errors.push({ path: 'name', message: `must be 1-${NAME_MAX} characters` })
  else if (value.trim() !== value || CONTROL.test(value)) errors.push({ path: 'name', message: 'must not start or end with spaces nor contain control characters' })
  else if (isUuid(value)) errors.push({ path: 'name', message: 'must not look like an id (names and ids share the URL)' })
}

function checkSlug (value: unknown, errors: FieldError[]): void {
  if (typeof value !== 'string') errors.push({ path: 'slug', message: 'must be a string' })
  else if (!SLUG.test(value)) errors.push({ path: 'slug', message: 'must be 1-63 characters of a-z, 0-9 and "-", alphanumeric at both ends' })
  else if (isUuid(value)) errors.push({ path: 'slug', message: 'must not look like an id (slugs and ids share the URL)' })
}

/**
 * Checks a package body. `create` and `replace` need a name; `patch` takes any subset.
 * Returns only the fields present in the body.
 */
export function parsePackageBody (body: unknown, mode: 'create' | 'replace' | 'patch'): PackageFields {
  const input = requireObject(body, 'a service package')
  const errors: FieldError[] = []
  for (const key of Object.keys(input)) if (!KNOWN.has(key)) errors.push({ path: key, message: 'unknown field' })
  const out: PackageFields = {}
  if ('id' in input) {
    if (typeof input.id !== 'string' || !isUuid(input.id)) errors.push({ path: 'id', message: 'must be a UUID' })
    else out.id = input.id.toLowerCase()
  }
  if ('name' in input) {
    checkName(input.name, errors)
    out.name = input.name as string
  } else if (mode !== 'patch') errors.push({ path: 'name', message: 'required field missing' })
  if ('slug' in input && input.slug !== null) {
    checkSlug(input.slug, errors)
    out.slug = input.slug as string
  } else if ('slug' in input) out.slug = null
  if ('description' in input) {
    const d = input.description
    if (d !== null && typeof d !== 'string') errors.push({ path: 'description', message: 'must be a string or null' })
    else if (typeof d === 'string' && d.length > DESCRIPTION_MAX) errors.push({ path: 'description', message: `must be at most ${DESCRIPTION_MAX} characters` })
    else if (typeof d === 'string' && hasNul(d)) errors.push({ path: 'description', message: 'must not contain NUL characters' })
    out.description = d as string | null
  }
  if ('labels' in input && input.labels !== null) {
    errors.push(...checkLabels(input.labels))
    out.labels = input.labels as Record<string, string>
  } else if ('labels' in input) out.labels = {}
  if ('portal_published' in input) {
    if (typeof input.portal_published !== 'boolean') errors.push({ path: 'portal_published', message: 'must be true or false' })
    else out.portal_published = input.portal_published
  }
  if (errors.length > 0) throw invalid('the service package is invalid', errors)
  return out
}

/** The slug for a package named `name` when the body gave none; 400 when nothing usable remains. */
export function slugFor (name: string): string {
  const slug = deriveSlug(name)
  const errors: FieldError[] = []
  checkSlug(slug, errors)
  if (errors.length > 0) throw invalid('a slug cannot be derived from this name', [{ path: 'slug', message: `cannot be derived from name "${name}": give a slug` }])
  return slug
}
