import { GatewayError } from '../../errors.js'

export const DEFAULT_PAGE_SIZE = 100
export const MAX_PAGE_SIZE = 1000
/** Past this an OFFSET overflows a 32-bit SQL integer; no real list is that long. */
const MAX_OFFSET = 2_000_000_000

export interface Page {
  size: number
  offset: number
}

/**
 * Reads `size` and the opaque `next` cursor (also accepted as `offset`, Kong's name) from a query.
 * The cursor is base64url JSON so clients treat it as opaque and we may change its content.
 */
export function readPage (query: URLSearchParams): Page {
  const sizeText = query.get('size')
  const size = sizeText === null ? DEFAULT_PAGE_SIZE : Number(sizeText)
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', `size must be an integer from 1 to ${MAX_PAGE_SIZE}`, { fields: [{ path: 'size', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }] })
  }
  const cursor = query.get('next') ?? query.get('offset')
  if (cursor === null || cursor === '') return { size, offset: 0 }
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }
    if (typeof decoded.o === 'number' && Number.isInteger(decoded.o) && decoded.o >= 0 && decoded.o <= MAX_OFFSET) return { size, offset: decoded.o }
  } catch {}
  throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'next is not a cursor this API returned', { fields: [{ path: 'next', message: 'invalid cursor' }] })
}

/** The cursor for the page after `page`, or null when `fetched` (size + 1 rows asked) shows no more. */
export function nextCursor (page: Page, fetched: number): string | null {
  return fetched > page.size ? Buffer.from(JSON.stringify({ o: page.offset + page.size })).toString('base64url') : null
}

/** `{ data, next }` from rows fetched with LIMIT size + 1. */
export function pageResult<T> (page: Page, rows: T[]): { data: T[], next: string | null } {
  return { data: rows.slice(0, page.size), next: nextCursor(page, rows.length) }
}
