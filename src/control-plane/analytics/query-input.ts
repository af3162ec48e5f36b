import { GatewayError, type FieldError } from '../../errors.js'
import { nowSeconds } from '../shared/ids.js'

// Query parameters of GET /analytics/requests. Every problem is collected into one 400
// {code, message, fields} as elsewhere in the Admin API.

export type Granularity = 'minute' | 'hour'
export type GroupBy = 'status_class' | 'route' | 'version'

export interface SeriesRequest {
  servicePackage?: string
  version?: string
  runtimeGroup?: string
  route?: string
  /** Inclusive start and exclusive end, epoch seconds, aligned to the granularity. */
  from: number
  to: number
  granularity: Granularity
  groupBy: GroupBy | null
}

export const STEP: Record<Granularity, number> = { minute: 60, hour: 3600 }
/** Most points one series may have (two days of minutes). */
export const MAX_POINTS = 2880
/** Without a granularity, ranges up to this long are answered per minute, longer ones per hour. */
const AUTO_MINUTE_UP_TO = 6 * 3600
const TEXT_MAX = 256
const GROUP_BYS: GroupBy[] = ['status_class', 'route', 'version']

/** Epoch seconds, or an RFC 3339 date-time (`2024-06-01T12:00:00Z`). */
export function readTime (query: URLSearchParams, name: string, fields: FieldError[]): number | undefined {
  const text = query.get(name)
  if (text === null || text === '') return undefined
  if (/^\d{1,12}$/.test(text)) return Number(text)
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    const ms = Date.parse(text)
    if (Number.isFinite(ms)) return Math.floor(ms / 1000)
  }
  fields.push({ path: name, message: 'must be epoch seconds or an RFC 3339 date-time such as 2024-06-01T12:00:00Z' })
  return undefined
}

function readText (query: URLSearchParams, name: string, fields: FieldError[]): string | undefined {
  const value = query.get(name)
  if (value === null || value === '') return undefined
  if (value.length > TEXT_MAX) {
    fields.push({ path: name, message: `must be at most ${TEXT_MAX} characters` })
    return undefined
  }
  return value
}

export function readSeriesRequest (query: URLSearchParams, now = nowSeconds()): SeriesRequest {
  const fields: FieldError[] = []
  const servicePackage = readText(query, 'service_package', fields)
  const version = readText(query, 'version', fields)
  const runtimeGroup = readText(query, 'runtime_group', fields)
  const route = readText(query, 'route', fields)
  if (version !== undefined && servicePackage === undefined) fields.push({ path: 'version', message: 'needs service_package (a version is named within its package)' })

  const g = query.get('granularity')
  let granularity: Granularity | undefined
  if (g === 'minute' || g === 'hour') granularity = g
  else if (g !== null && g !== '') fields.push({ path: 'granularity', message: 'must be minute or hour' })

  const gb = query.get('group_by')
  let groupBy: GroupBy | null = null
  if (GROUP_BYS.includes(gb as GroupBy)) groupBy = gb as GroupBy
  else if (gb !== null && gb !== '') fields.push({ path: 'group_by', message: 'must be status_class, route or version' })

  const toRaw = readTime(query, 'to', fields) ?? now
  const fromRaw = readTime(query, 'from', fields) ?? toRaw - (granularity === 'hour' ? 86_400 : 3600)
  if (fields.length === 0 && fromRaw >= toRaw) fields.push({ path: 'from', message: 'must be before to' })
  if (fields.length > 0) throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'the analytics query is invalid', { fields })

  const chosen: Granularity = granularity ?? (toRaw - fromRaw <= AUTO_MINUTE_UP_TO ? 'minute' : 'hour')
  const step = STEP[chosen]
  const from = fromRaw - (fromRaw % step)
  const to = toRaw % step === 0 ? toRaw : toRaw - (toRaw % step) + step
  const points = (to - from) / step
  if (points > MAX_POINTS) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'the analytics query is invalid', {
      fields: [{ path: 'from', message: `the range holds ${points} ${chosen}s; at most ${MAX_POINTS} points per series${chosen === 'minute' ? ' (use granularity=hour)' : ''}` }]
    })
  }
  return { servicePackage, version, runtimeGroup, route, from, to, granularity: chosen, groupBy }
}
