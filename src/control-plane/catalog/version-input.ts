import type { FieldError } from '../../errors.js'
import { isUuid } from '../shared/ids.js'
import { hasNul, invalid, requireObject } from './package-input.js'

// Validation of service version bodies (POST and PATCH). `implementation` has its own endpoint.

export const VERSION_STATUSES = ['published', 'deprecated', 'unpublished'] as const
export type VersionStatus = typeof VERSION_STATUSES[number]

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$/
const KNOWN = new Set(['id', 'version', 'runtime_group', 'status'])

export interface VersionFields {
  id?: string
  version?: string
  /** Id or name of the runtime group. */
  runtimeGroup?: string
  status?: VersionStatus
}

/** `"production"`, `"<uuid>"`, or `{ "id": … }` / `{ "name": … }` as the API returns it. */
export function readGroupRef (value: unknown, errors: FieldError[]): string | undefined {
  if (typeof value === 'string' && value !== '' && !hasNul(value)) return value
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const ref = value as Record<string, unknown>
    const extra = Object.keys(ref).filter((k) => k !== 'id' && k !== 'name')
    if (extra.length === 0 && typeof ref.id === 'string' && ref.id !== '' && !hasNul(ref.id)) return ref.id
    if (extra.length === 0 && ref.id === undefined && typeof ref.name === 'string' && ref.name !== '' && !hasNul(ref.name)) return ref.name
  }
  errors.push({ path: 'runtime_group', message: 'must be a runtime group id or name, or {"id": …}' })
  return undefined
}

export function parseVersionBody (body: unknown, mode: 'create' | 'patch'): VersionFields {
  const input = requireObject(body, 'a service version')
  const errors: FieldError[] = []
  for (const key of Object.keys(input)) {
    if (key === 'implementation') errors.push({ path: key, message: 'set it with PUT …/versions/{vid}/implementation' })
    else if (!KNOWN.has(key)) errors.push({ path: key, message: 'unknown field' })
  }
  const out: VersionFields = {}
  if ('id' in input) {
    if (typeof input.id !== 'string' || !isUuid(input.id)) errors.push({ path: 'id', message: 'must be a UUID' })
    else out.id = input.id.toLowerCase()
  }
  if ('version' in input) {
    const v = input.version
    if (typeof v !== 'string') errors.push({ path: 'version', message: 'must be a string' })
    else if (!VERSION.test(v)) errors.push({ path: 'version', message: 'must be 1-63 characters of letters, digits and ".", "_", "+", "-", starting with a letter or digit' })
    else if (isUuid(v)) errors.push({ path: 'version', message: 'must not look like an id (versions and ids share the URL)' })
    else out.version = v
  } else if (mode === 'create') errors.push({ path: 'version', message: 'required field missing' })
  if ('runtime_group' in input) out.runtimeGroup = readGroupRef(input.runtime_group, errors)
  else if (mode === 'create') errors.push({ path: 'runtime_group', message: 'required field missing' })
  if ('status' in input) {
    const s = input.status
    if (typeof s !== 'string' || !(VERSION_STATUSES as readonly string[]).includes(s)) errors.push({ path: 'status', message: `must be one of ${VERSION_STATUSES.join(', ')}` })
    else out.status = s as VersionStatus
  }
  if (errors.length > 0) throw invalid('the service version is invalid', errors)
  return out
}
