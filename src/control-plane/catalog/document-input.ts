import type { FieldError } from '../../errors.js'
import { isUuid } from '../shared/ids.js'
import { deriveSlug, hasNul, invalid, requireObject } from './package-input.js'

// Validation of service package documents (markdown pages for the Dev Portal). Every problem is
// collected so one 400 lists them all; nothing is written before a body passed.

export const DOCUMENT_STATUSES = ['published', 'unpublished'] as const
export type DocumentStatus = typeof DOCUMENT_STATUSES[number]

export const TITLE_MAX = 256
/** Markdown content, counted in UTF-8 bytes (what is stored and sent). */
export const CONTENT_MAX_BYTES = 1024 * 1024
/** The request body: content at its limit may grow when JSON escapes it (quotes, newlines, \uXXXX). */
export const DOCUMENT_BODY_LIMIT = 4 * 1024 * 1024
/** Documents per package, and levels of the hierarchy (a top-level document is level 1). */
export const DOCUMENTS_MAX = 1000
export const DEPTH_MAX = 8

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/
const KNOWN = new Set(['id', 'title', 'slug', 'parent', 'content', 'status'])

export interface DocumentFields {
  id?: string
  title?: string
  /** null: derive it from the title. */
  slug?: string | null
  /** Id or slug of the parent document; null: top level. */
  parent?: string | null
  content?: string
  status?: DocumentStatus
}

function checkSlug (value: unknown, errors: FieldError[]): void {
  if (typeof value !== 'string') errors.push({ path: 'slug', message: 'must be a string' })
  else if (!SLUG.test(value)) errors.push({ path: 'slug', message: 'must be 1-63 characters of a-z, 0-9 and "-", alphanumeric at both ends' })
  else if (isUuid(value)) errors.push({ path: 'slug', message: 'must not look like an id (slugs and ids share the URL)' })
}

/** `"<id or slug>"`, `{"id": …}` / `{"slug": …}` as the API returns it, or null. */
function readParent (value: unknown, errors: FieldError[]): string | null | undefined {
  if (value === null) return null
  if (typeof value === 'string' && value !== '' && !hasNul(value)) return value
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const ref = value as Record<string, unknown>
    const keys = Object.keys(ref)
    if (keys.length === 1 && (keys[0] === 'id' || keys[0] === 'slug') && typeof ref[keys[0]] === 'string' && ref[keys[0]] !== '' && !hasNul(ref[keys[0]] as string)) return ref[keys[0]] as string
  }
  errors.push({ path: 'parent', message: 'must be a document id or slug, {"id": …}, or null' })
  return undefined
}

export function parseDocumentBody (body: unknown, mode: 'create' | 'patch'): DocumentFields {
  const input = requireObject(body, 'a document')
  const errors: FieldError[] = []
  for (const key of Object.keys(input)) if (!KNOWN.has(key)) errors.push({ path: key, message: 'unknown field' })
  const out: DocumentFields = {}
  if ('id' in input) {
    if (typeof input.id !== 'string' || !isUuid(input.id)) errors.push({ path: 'id', message: 'must be a UUID' })
    else out.id = input.id.toLowerCase()
  }
  if ('title' in input) {
    const t = input.title
    if (typeof t !== 'string') errors.push({ path: 'title', message: 'must be a string' })
    else if (t.length === 0 || t.length > TITLE_MAX) errors.push({ path: 'title', message: `must be 1-${TITLE_MAX} characters` })
    else if (t.trim() !== t || CONTROL.test(t)) errors.push({ path: 'title', message: 'must not start or end with spaces nor contain control characters' })
    else out.title = t
  } else if (mode === 'create') errors.push({ path: 'title', message: 'required field missing' })
  if ('slug' in input && input.slug !== null) {
    checkSlug(input.slug, errors)
    out.slug = input.slug as string
  } else if ('slug' in input) out.slug = null
  if ('parent' in input) out.parent = readParent(input.parent, errors)
  if ('content' in input) {
    const c = input.content
    if (typeof c !== 'string') errors.push({ path: 'content', message: 'must be a string (markdown)' })
    else if (Buffer.byteLength(c, 'utf8') > CONTENT_MAX_BYTES) errors.push({ path: 'content', message: `must be at most ${CONTENT_MAX_BYTES} bytes (UTF-8)` })
    else out.content = c
  } else if (mode === 'create') out.content = ''
  if ('status' in input) {
    const s = input.status
    if (typeof s !== 'string' || !(DOCUMENT_STATUSES as readonly string[]).includes(s)) errors.push({ path: 'status', message: `must be one of ${DOCUMENT_STATUSES.join(', ')}` })
    else out.status = s as DocumentStatus
  }
  if (errors.length > 0) throw invalid('the document is invalid', errors)
  return out
}

/** The slug for a document titled `title` when the body gave none; 400 when nothing usable remains. */
export function documentSlugFor (title: string): string {
  const slug = deriveSlug(title)
  const errors: FieldError[] = []
  checkSlug(slug, errors)
  if (errors.length > 0) throw invalid('a slug cannot be derived from this title', [{ path: 'slug', message: `cannot be derived from title "${title}": give a slug` }])
  return slug
}
