import type { FieldError } from '../../errors.js'

// Konnect's label rules: keys and values 1–63 characters, alphanumeric at both ends, `-._` inside;
// keys are case-sensitive. At most 50 labels per entity.
const LABEL_PART = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/
export const MAX_LABELS = 50

/** Returns the problems of a `labels` value; `path` prefixes each field (e.g. `labels`). */
export function checkLabels (value: unknown, path = 'labels'): FieldError[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ path, message: 'must be an object of string keys to string values' }]
  }
  const errors: FieldError[] = []
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length > MAX_LABELS) errors.push({ path, message: `must have at most ${MAX_LABELS} labels` })
  for (const [key, v] of entries) {
    if (!LABEL_PART.test(key)) errors.push({ path: `${path}.${key}`, message: 'key must be 1-63 characters, alphanumeric at both ends, with only "-", "." or "_" inside' })
    if (typeof v !== 'string') errors.push({ path: `${path}.${key}`, message: 'value must be a string' })
    else if (!LABEL_PART.test(v)) errors.push({ path: `${path}.${key}`, message: 'value must be 1-63 characters, alphanumeric at both ends, with only "-", "." or "_" inside' })
  }
  return errors
}

/** Parses `labels=k:v` query filters (repeatable, or comma-separated); null when malformed. */
export function parseLabelFilters (values: string[]): Array<[string, string]> | null {
  const out: Array<[string, string]> = []
  for (const raw of values.flatMap((v) => v.split(','))) {
    const i = raw.indexOf(':')
    if (i <= 0 || i === raw.length - 1) return null
    out.push([raw.slice(0, i), raw.slice(i + 1)])
  }
  return out
}
