import uPlot from 'uplot'
import { api, enc } from './api.js'
import { clear, h } from './dom.js'
import { attempt } from './errors.js'

// Analytics of a package from GET /analytics/requests (every version's implementation): traffic,
// 4xx/5xx errors and latency p50/p95/p99 over a selectable window, drawn by uPlot on canvas.
// Windows up to 6 hours are asked per minute, longer ones per hour (30 days = 720 points).

interface Point { time: number, requests: number, errors_4xx: number, errors_5xx: number, p50: number | null, p95: number | null, p99: number | null }
interface Series { total: Point, points: Point[] }

const WINDOWS: Array<{ label: string, seconds: number }> = [
  { label: '15 min', seconds: 900 }, { label: '1 hour', seconds: 3600 }, { label: '6 hours', seconds: 21_600 },
  { label: '24 hours', seconds: 86_400 }, { label: '7 days', seconds: 604_800 }, { label: '30 days', seconds: 2_592_000 }
]

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

export async function renderAnalytics (root: HTMLElement, packageId: string, windowSeconds = 3600): Promise<void> {
  for (const c of charts) c.destroy()
  charts = []
  clear(root)
  const select = h('select', { name: 'window' }, ...WINDOWS.map((w) => h('option', { value: String(w.seconds), selected: w.seconds === windowSeconds }, w.label)))
  select.addEventListener('change', () => { void attempt(async () => { await renderAnalytics(root, packageId, Number(select.value)) }) })
  root.append(h('h2', {}, 'Analytics ', select))
  const to = Math.floor(Date.now() / 1000)
  const granularity = windowSeconds <= 21_600 ? 'minute' : 'hour'
  const res = await api<{ series: Series[] }>('GET', `/analytics/requests?service_package=${enc(packageId)}&from=${to - windowSeconds}&to=${to}&granularity=${granularity}`)
  const s = res.series[0]
  const points = s?.points ?? []
  const t = s?.total
  root.append(h('p', { class: 'totals' },
    `Requests ${t?.requests ?? 0} · 4xx ${t?.errors_4xx ?? 0} · 5xx ${t?.errors_5xx ?? 0} · p50 ${t?.p50 ?? '—'} ms · p95 ${t?.p95 ?? '—'} ms · p99 ${t?.p99 ?? '—'} ms`))
  const times = points.map((p) => p.time)
  const traffic = h('div', { class: 'chart', id: 'chart-traffic' })
  const errors = h('div', { class: 'chart', id: 'chart-errors' })
  const latency = h('div', { class: 'chart', id: 'chart-latency' })
  root.append(traffic, errors, latency)
  chart(traffic, 'Traffic (requests)', times, [{ label: 'requests', color: '#2563eb', values: points.map((p) => p.requests) }], '')
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
