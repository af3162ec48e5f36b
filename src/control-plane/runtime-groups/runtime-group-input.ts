import { NAME_PATTERN } from '../../contract/index.js'
import { GatewayError, type FieldError } from '../../errors.js'
import { checkLabels } from '../shared/labels.js'
import { isUuid } from '../shared/ids.js'

// Runtime group bodies. Read-only fields a client echoes back from a GET (config_version,
// timestamps) are accepted and ignored, so GET → edit → PUT works.

export interface RuntimeGroupInput {
  id?: string
  name?: string
  description?: string | null
  labels?: Record<string, string>
  public_url?: string | null
}

const NAME = new RegExp(NAME_PATTERN, 'u')
const WRITABLE = new Set(['id', 'name', 'description', 'labels', 'public_url'])
const READ_ONLY = new Set(['config_version', 'created_at', 'updated_at'])
export const MAX_DESCRIPTION = 1000

export function invalid (fields: FieldError[]): GatewayError {
  const message = fields.map((f) => `${f.path}: ${f.message}`).join('; ')
  return new GatewayError('ATRIUM_ERR_ADMIN_INVALID', message, { fields })
}

/** Validates a POST/PUT/PATCH body; `partial` for PATCH (nothing required). */
export function readRuntimeGroupInput (body: unknown, partial: boolean): RuntimeGroupInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid([{ path: '', message: 'must be a JSON object' }])
  const b = body as Record<string, unknown>
  const errors: FieldError[] = []
  for (const key of Object.keys(b)) if (!WRITABLE.has(key) && !READ_ONLY.has(key)) errors.push({ path: key, message: 'unknown field' })
  if (b.id !== undefined && (typeof b.id !== 'string' || !isUuid(b.id))) errors.push({ path: 'id', message: 'must be a UUID' })
  if (b.name === undefined) {
    if (!partial) errors.push({ path: 'name', message: 'is required' })
  } else if (typeof b.name !== 'string' || !NAME.test(b.name)) {
    errors.push({ path: 'name', message: 'must contain only letters, digits, ".", "-", "_" or "~"' })
  } else if (isUuid(b.name)) {
    errors.push({ path: 'name', message: 'must not be a UUID (it would read as an id)' })
  }
  if (b.description !== undefined && b.description !== null) {
    if (typeof b.description !== 'string') errors.push({ path: 'description', message: 'must be a string' })
    else if (b.description.length > MAX_DESCRIPTION) errors.push({ path: 'description', message: `must be at most ${MAX_DESCRIPTION} characters` })
  }
  if (b.labels !== undefined) errors.push(...checkLabels(b.labels))
  const publicUrl = b.public_url === undefined || b.public_url === null ? b.public_url : readPublicUrl(b.public_url)
  if (typeof publicUrl === 'object' && publicUrl !== null) errors.push(publicUrl)
  if (errors.length > 0) throw invalid(errors)
  const out: RuntimeGroupInput = {}
  if (b.id !== undefined) out.id = (b.id as string).toLowerCase()
  if (b.name !== undefined) out.name = b.name as string
  if (b.description !== undefined) out.description = b.description as string | null
  if (b.labels !== undefined) out.labels = b.labels as Record<string, string>
  if (publicUrl !== undefined) out.public_url = publicUrl as string | null
  return out
}

/**
 * `public_url`: the base URL consumers reach this group's proxy at (the Dev Portal's "Reachable at"
 * prefixes route paths with it). An absolute http(s) URL with neither query, fragment nor userinfo
 * (a route path is appended to it); a trailing slash is dropped so `${public_url}${path}` has one.
 */
function readPublicUrl (value: unknown): string | FieldError {
  const bad = (message: string): FieldError => ({ path: 'public_url', message })
  if (typeof value !== 'string') return bad('must be a string or null')
  let url: URL
  try { url = new URL(value) } catch { return bad('must be an absolute URL') }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('must be an http or https URL')
  if (url.username !== '' || url.password !== '') return bad('must not contain a user name or password')
  if (url.search !== '' || value.includes('?')) return bad('must not contain a query')
  if (url.hash !== '' || value.includes('#')) return bad('must not contain a fragment')
  if (value.length > 2048) return bad('must be at most 2048 characters')
  return url.href.replace(/\/+$/, '')
}
