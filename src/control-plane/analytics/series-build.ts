import type { DbExecutor } from '../store/db.js'
import { STEP, type SeriesRequest } from './query-input.js'
import type { ResolvedQuery } from './query-scope.js'
import type { RollupRow } from './rollup-sql.js'
import { addInto, describeTotals, emptyTotals, readRows, type Totals } from './series-query.js'

// GET /analytics/requests: rows → one series per group (or one series without group_by), each
// with a point at every step of the range (zero-filled; percentiles null where nothing was
// recorded) and its total.

type Label = Record<string, string | null>

interface Group {
  label: Label
  total: Totals
  points: Map<number, Totals>
}

const NO_ROUTE = { route_id: null, route: null }

async function routeLabels (ex: DbExecutor, rows: RollupRow[]): Promise<(r: RollupRow) => { key: string, label: Label }> {
  const ids = [...new Set(rows.map((r) => r.routeId).filter((id) => id !== ''))]
  const names = new Map<string, string | null>()
  const groups = new Map<string, string>()
  for (const g of await ex.query<{ id: string, name: string }>('SELECT id, name FROM runtime_groups')) groups.set(g.id, g.name)
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    const found = await ex.query<{ runtime_group_id: string, id: string, name: string | null }>(
      `SELECT runtime_group_id, id, name FROM gateway_entities WHERE kind = 'route' AND id IN (${chunk.map((_, j) => `$${j + 1}`).join(', ')})`, chunk)
    for (const f of found) names.set(`${f.runtime_group_id}\0${f.id}`, f.name)
  }
  return (r) => {
    const key = `${r.runtimeGroupId}\0${r.routeId}`
    const runtimeGroup = groups.get(r.runtimeGroupId) ?? null
    if (r.routeId === '') return { key, label: { ...NO_ROUTE, runtime_group: runtimeGroup } }
    return { key, label: { route_id: r.routeId, route: names.get(key) ?? null, runtime_group: runtimeGroup } }
  }
}

async function versionLabels (ex: DbExecutor): Promise<(r: RollupRow) => { key: string, label: Label }> {
  const rows = await ex.query<{ id: string, version: string, runtime_group_id: string, service_id: string, group_name: string, package_id: string, package_name: string }>(
    `SELECT v.id, v.version, v.runtime_group_id, v.service_id, g.name AS group_name, p.id AS package_id, p.name AS package_name
       FROM service_versions v JOIN runtime_groups g ON g.id = v.runtime_group_id JOIN service_packages p ON p.id = v.service_package_id
      WHERE v.service_id IS NOT NULL`)
  const byService = new Map<string, Label & { version_id: string }>()
  for (const v of rows) {
    byService.set(`${v.runtime_group_id}\0${v.service_id}`, { service_package_id: v.package_id, service_package: v.package_name, version_id: v.id, version: v.version, runtime_group: v.group_name })
  }
  const none: Label = { service_package_id: null, service_package: null, version_id: null, version: null, runtime_group: null }
  return (r) => {
    const label = byService.get(`${r.runtimeGroupId}\0${r.serviceId}`)
    return label === undefined ? { key: '', label: none } : { key: label.version_id, label }
  }
}

async function grouper (ex: DbExecutor, req: SeriesRequest, rows: RollupRow[]): Promise<(r: RollupRow) => { key: string, label: Label | null }> {
  if (req.groupBy === 'status_class') return (r) => ({ key: String(r.statusClass), label: { status_class: `${r.statusClass}xx` } })
  if (req.groupBy === 'route') return await routeLabels(ex, rows)
  if (req.groupBy === 'version') return await versionLabels(ex)
  return () => ({ key: '', label: null })
}

function compareLabels (a: Label | null, b: Label | null): number {
  const x = JSON.stringify(a)
  const y = JSON.stringify(b)
  return x < y ? -1 : x > y ? 1 : 0
}

export async function buildSeries (ex: DbExecutor, req: SeriesRequest, resolved: ResolvedQuery): Promise<Record<string, unknown>> {
  const step = STEP[req.granularity]
  const rows = await readRows(ex, resolved, req.from, req.to, req.granularity === 'hour')
  const groupOf = await grouper(ex, req, rows)
  const groups = new Map<string, Group>()
  if (req.groupBy === null) groups.set('', { label: {}, total: emptyTotals(), points: new Map() })
  for (const r of rows) {
    const { key, label } = groupOf(r)
    let g = groups.get(key)
    if (g === undefined) groups.set(key, g = { label: label ?? {}, total: emptyTotals(), points: new Map() })
    const t = r.time - (r.time % step)
    let point = g.points.get(t)
    if (point === undefined) g.points.set(t, point = emptyTotals())
    addInto(point, r)
    addInto(g.total, r)
  }
  const series = [...groups.values()].sort((a, b) => compareLabels(a.label, b.label)).map((g) => {
    const points: Array<Record<string, number | null>> = []
    for (let t = req.from; t < req.to; t += step) points.push({ time: t, ...describeTotals(g.points.get(t) ?? emptyTotals()) })
    return { group: req.groupBy === null ? null : g.label, total: describeTotals(g.total), points }
  })
  return { from: req.from, to: req.to, granularity: req.granularity, group_by: req.groupBy, series }
}
