import uPlot from 'uplot'
import { api, enc } from './api.js'
import { clear, h } from './dom.js'
import { attempt } from './errors.js'
import { onLeave } from './page-lifecycle.js'

// Analytics of a package from GET /analytics/requests (every version's implementation): traffic,
// 4xx/5xx errors, error rate and latency p50/p95/p99 over a selectable window, drawn by uPlot on
// canvas; optionally one runtime group only (`runtime_group`), and a breakdown per version, route
// or status class (`group_by`: a table of each group's totals, and a traffic line per group).
// Windows up to 6 hours are asked per minute, longer ones per hour (30 days = 720 points).
// Auto-refresh asks again every 10 s; its timer stops when the toggle is cleared, when the page is
// left (page-lifecycle.ts) and, as a guard, once the panel is no longer in the document.

interface Point { time: number, requests: number, errors_4xx: number, errors_5xx: number, p50: number | null, p95: number | null, p99: number | null }
interface Series { group: Record<string, string | null> | null, total: Point, points: Point[] }

const WINDOWS: Array<{ label: string, seconds: number }> = [
  { label: '15 min', seconds: 900 }, { label: '1 hour', seconds: 3600 }, { label: '6 hours', seconds: 21_600 },
  { label: '24 hours', seconds: 86_400 }, { label: '7 days', seconds: 604_800 }, { label: '30 days', seconds: 2_592_000 }
]
const GROUP_BY = [{ value: '', label: 'no breakdown' }, { value: 'version', label: 'per version' }, { value: 'route', label: 'per route' }, { value: 'status_class', label: 'per status class' }]
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#64748b']
const REFRESH_MS = 10_000

let charts: uPlot[] = []

function chart (target: HTMLElement, title: string, times: number[], lines: Array<{ label: string, color: string, values: Array<number | null> }>, unit: string): void {
  const width = Math.max(300, Math.min(target.clientWidth || 900, 1100))
  const opts: uPlot.Options = {
    title,
    width,
    height: 200,
    series: [{}, ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 2, spanGaps: false, value: (_u: uPlot, v: number | null) => v === null ? '—' : `${v}${unit}` }))],
    axes: [{}, { label: unit.trim() === '' ? 'requests' : unit.trim(), size: 60 }],
    scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } }
  }
  charts.push(new uPlot(opts, [times, ...lines.map((l) => l.values)], target))
}

function errorRate (p: Point | undefined): string {
  if (p === undefined || p.requests === 0) return '—'
  return `${(100 * (p.errors_4xx + p.errors_5xx) / p.requests).toFixed(1)}%`
}

function groupLabel (g: Record<string, string | null> | null): string {
  if (g === null) return 'all'
  if ('status_class' in g) return g.status_class ?? '—'
  if ('version' in g) return g.version === null ? '(no version)' : `${g.version} (${g.runtime_group ?? '?'})`
  return g.route ?? g.route_id ?? '(no route)'
}

interface Query { windowSeconds: number, groupBy: string, runtimeGroup: string }

async function fetchSeries (packageId: string, q: Query, groupBy: string): Promise<Series[]> {
  const to = Math.floor(Date.now() / 1000)
  const params = new URLSearchParams({ service_package: packageId, from: String(to - q.windowSeconds), to: String(to), granularity: q.windowSeconds <= 21_600 ? 'minute' : 'hour' })
  if (groupBy !== '') params.set('group_by', groupBy)
  if (q.runtimeGroup !== '') params.set('runtime_group', q.runtimeGroup)
  return (await api<{ series: Series[] }>('GET', `/analytics/requests?${params.toString()}`)).series
}

function breakdownTable (groups: Series[]): HTMLElement {
  if (groups.length === 0) return h('p', { class: 'empty' }, 'No traffic in this window.')
  return h('table', { class: 'breakdown' },
    h('thead', {}, h('tr', {}, ...['Group', 'Requests', '4xx', '5xx', 'Error rate', 'p95'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...groups.map((s) => h('tr', { 'data-group': groupLabel(s.group) },
      h('td', {}, groupLabel(s.group)), h('td', {}, String(s.total.requests)), h('td', {}, String(s.total.errors_4xx)),
      h('td', {}, String(s.total.errors_5xx)), h('td', {}, errorRate(s.total)), h('td', {}, s.total.p95 === null ? '—' : `${s.total.p95} ms`)))))
}

/** `current`: false once a later render started (its answer may come first; the latest query wins). */
async function renderBody (body: HTMLElement, packageId: string, q: Query, current: () => boolean): Promise<void> {
  const [overall, groups] = await Promise.all([fetchSeries(packageId, q, ''), q.groupBy === '' ? Promise.resolve([]) : fetchSeries(packageId, q, q.groupBy)])
  if (!current()) return
  for (const c of charts) c.destroy()
  charts = []
  clear(body)
  const points = overall[0]?.points ?? []
  const t = overall[0]?.total
  body.append(h('p', { class: 'totals' },
    `Requests ${t?.requests ?? 0} · 4xx ${t?.errors_4xx ?? 0} · 5xx ${t?.errors_5xx ?? 0} · p50 ${t?.p50 ?? '—'} ms · p95 ${t?.p95 ?? '—'} ms · p99 ${t?.p99 ?? '—'} ms · error rate ${errorRate(t)}`))
  if (q.groupBy !== '') body.append(breakdownTable(groups))
  const times = points.map((p) => p.time)
  const traffic = h('div', { class: 'chart', id: 'chart-traffic' })
  const errors = h('div', { class: 'chart', id: 'chart-errors' })
  const latency = h('div', { class: 'chart', id: 'chart-latency' })
  body.append(traffic, errors, latency)
  chart(traffic, 'Traffic (requests)', times, q.groupBy === '' || groups.length === 0
    ? [{ label: 'requests', color: COLORS[0], values: points.map((p) => p.requests) }]
    : groups.map((s, i) => ({ label: groupLabel(s.group), color: COLORS[i % COLORS.length], values: s.points.map((p) => p.requests) })), '')
  chart(errors, 'Errors', times, [
    { label: '4xx', color: '#d97706', values: points.map((p) => p.errors_4xx) },
    { label: '5xx', color: '#dc2626', values: points.map((p) => p.errors_5xx) }
  ], '')
  chart(latency, 'Latency (ms)', times, [
    { label: 'p50', color: '#16a34a', values: points.map((p) => p.p50) },
    { label: 'p95', color: '#9333ea', values: points.map((p) => p.p95) },
    { label: 'p99', color: '#dc2626', values: points.map((p) => p.p99) }
  ], ' ms')
}

/** `groups`: the runtime groups the package's versions run in, offered as a filter. */
export async function renderAnalytics (root: HTMLElement, packageId: string, groups: Array<{ id: string, name: string }>): Promise<void> {
  clear(root)
  const q: Query = { windowSeconds: 3600, groupBy: '', runtimeGroup: '' }
  const windowSelect = h('select', { name: 'window' }, ...WINDOWS.map((w) => h('option', { value: String(w.seconds), selected: w.seconds === q.windowSeconds }, w.label)))
  const groupBy = h('select', { name: 'group_by' }, ...GROUP_BY.map((g) => h('option', { value: g.value }, g.label)))
  const group = h('select', { name: 'runtime_group' }, h('option', { value: '' }, 'every runtime group'), ...groups.map((g) => h('option', { value: g.id }, g.name)))
  const auto = h('input', { type: 'checkbox', name: 'auto-refresh' })
  const body = h('div', { class: 'analytics-body' })
  let renders = 0
  const render = async (): Promise<void> => {
    const mine = ++renders
    await renderBody(body, packageId, { ...q }, () => mine === renders)
  }
  const refresh = (): Promise<boolean> => attempt(render)
  for (const [el, apply] of [
    [windowSelect, () => { q.windowSeconds = Number(windowSelect.value) }],
    [groupBy, () => { q.groupBy = groupBy.value }],
    [group, () => { q.runtimeGroup = group.value }]
  ] as const) el.addEventListener('change', () => { apply(); void refresh() })

  let timer: ReturnType<typeof setInterval> | null = null
  let forget: (() => void) | null = null
  const stop = (): void => {
    if (timer !== null) clearInterval(timer)
    timer = null
    forget?.()
    forget = null
  }
  auto.addEventListener('change', () => {
    stop()
    if (!auto.checked) return
    timer = setInterval(() => {
      if (!root.isConnected) { stop(); return }
      void refresh()
    }, REFRESH_MS)
    forget = onLeave(stop)
  })
  root.append(h('h2', {}, 'Analytics'),
    h('div', { class: 'analytics-controls' }, windowSelect, ' ', groupBy, ' ', group, ' ', h('label', {}, auto, ` auto-refresh (every ${REFRESH_MS / 1000} s)`)),
    body)
  await render()
}
