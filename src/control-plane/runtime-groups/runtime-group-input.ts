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
}

const NAME = new RegExp(NAME_PATTERN, 'u')
const WRITABLE = new Set(['id', 'name', 'description', 'labels'])
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
  if (errors.length > 0) throw invalid(errors)
  const out: RuntimeGroupInput = {}
  if (b.id !== undefined) out.id = (b.id as string).toLowerCase()
  if (b.name !== undefined) out.name = b.name as string
  if (b.description !== undefined) out.description = b.description as string | null
  if (b.labels !== undefined) out.labels = b.labels as Record<string, string>
  return out
}
