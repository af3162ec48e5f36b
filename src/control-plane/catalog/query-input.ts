import { parseLabelFilters } from '../shared/labels.js'
import { readPage, type Page } from '../shared/pagination.js'
import { hasNul, invalid } from './package-input.js'
import type { VersionAddress } from './version-store.js'

// Query parameters of the catalog's lists. Anything a store would choke on (NUL, an offset past
// what SQL integers hold) is a 400 here, so both stores answer alike.

const Q_MAX = 256
const OFFSET_MAX = 2 ** 31 - 1

export function readCatalogPage (query: URLSearchParams): Page {
  const page = readPage(query)
  if (page.offset > OFFSET_MAX) throw invalid('next is not a cursor this API returned', [{ path: 'next', message: 'invalid cursor' }])
  return page
}

/** A text filter: undefined when absent or empty; 400 when too long or holding NUL. */
export function readTextParam (query: URLSearchParams, name: string, max = Q_MAX): string | undefined {
  const value = query.get(name)
  if (value === null || value === '') return undefined
  if (value.length > max || hasNul(value)) throw invalid(`${name} is invalid`, [{ path: name, message: `must be at most ${max} characters, without NUL` }])
  return value
}

/** `labels=k:v` filters (repeatable or comma-separated). */
export function readLabelFilters (query: URLSearchParams): Array<[string, string]> {
  const values = query.getAll('labels').filter((v) => v !== '')
  const labels = values.some(hasNul) ? null : parseLabelFilters(values)
  if (labels === null) throw invalid('labels filters are malformed', [{ path: 'labels', message: 'must be key:value pairs (repeat the parameter or separate with commas)' }])
  return labels
}

/** `…/versions/{vid}[?runtime_group=]`: the version a URL names. */
export function versionAddress (params: Record<string, string>, query: URLSearchParams): VersionAddress {
  return { vid: params.vid, runtimeGroup: readTextParam(query, 'runtime_group') }
}
