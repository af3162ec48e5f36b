import { collectDefaultMetrics, Registry, type Metric } from 'prom-client'
import { DEFAULT_METRICS_LATENCY_UNIT } from '../../defaults.js'
import type { GatewayState } from '../compiled-gateway.js'
import type { ControlPlaneStatus } from '../sync-client/sync-client.js'
import type { AnalyticsReporter } from './analytics-reporter.js'
import type { NodeMetrics } from './node-metrics.js'
import { COUNT_BANDWIDTH, PROM_LATENCY_BOUNDS_MS, UPSTREAM_ERROR_KINDS, type LatencyHistogram, type RouteSlot, type StatusCounts } from './route-slot.js'

// GET /metrics: a prom-client Registry whose atrium_* metrics are read from NodeMetrics at scrape
// time. Each is a small metric object whose get() walks the slots and returns prom-client's value
// records (the registry renders the text format and escapes label values), so the request path never
// calls prom-client. Plus prom-client's Node process metrics, without the three
// nodejs_active_*_total gauges that fail `promtool check metrics` (a gauge named *_total); their
// per-type nodejs_active_* gauges stay.

type Labels = Record<string, string | number>
interface Value { value: number, labels: Labels, metricName?: string }

/** A metric whose values are computed at scrape time (prom-client's Metric shape, minus updates). */
class ScrapedMetric {
  readonly aggregator = 'sum'
  constructor (readonly name: string, readonly help: string, readonly type: 'counter' | 'gauge' | 'histogram', private readonly read: () => Value[]) {}
  async get (): Promise<{ name: string, help: string, type: string, aggregator: string, values: Value[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.read() }
  }

  reset (): void {}
}

const TARGET_STATES = ['healthchecks_off', 'healthy', 'unhealthy', 'dns_error'] as const

const DROPPED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

export interface ExpositionSource {
  metrics: NodeMetrics
  state: GatewayState
  /** Hybrid mode only. */
  controlPlane?: () => ControlPlaneStatus
  analytics?: AnalyticsReporter | null
  /**
   * Unit of the three latency histograms: `seconds` (default) gives atrium_request_latency_seconds …
   * with `le` and sums in seconds, Prometheus's base unit, which `promtool check metrics` accepts
   * without lint; `ms` gives Kong's names and values (atrium_request_latency_ms …), which promtool
   * flags as an abbreviated unit. Slots always count in ms: only the exposition converts, at scrape time.
   */
  latencyUnit?: LatencyUnit
}

export const LATENCY_UNITS = ['ms', 'seconds'] as const
export type LatencyUnit = typeof LATENCY_UNITS[number]

function routeLabels (slot: RouteSlot): Labels {
  const labels: Labels = {}
  if (slot.service !== null) labels.service = slot.service
  if (slot.route !== null) labels.route = slot.route
  return labels
}

function statusValues (out: Value[], labels: Labels, status: StatusCounts): void {
  for (let i = 0; i < status.length; i++) out.push({ labels: { ...labels, code: status.codes[i]! }, value: status.counts[i]! })
}

/** A bytes counter: the route's series (when its bandwidth was counted) and its consumers' series. */
function bytesValues (metrics: NodeMetrics, pick: (c: { bytesIn: number, bytesOut: number }) => number): Value[] {
  const out: Value[] = []
  for (const slot of allSlots(metrics)) {
    if ((slot.counted & COUNT_BANDWIDTH) === 0) continue
    const base = routeLabels(slot)
    out.push({ labels: base, value: pick(slot) })
    for (const c of slot.consumers.values()) out.push({ labels: { ...base, consumer: c.consumer }, value: pick(c) })
  }
  return out
}

function allSlots (metrics: NodeMetrics): RouteSlot[] {
  const slots = [...metrics.slots.values()].filter((s) => s.requests > 0 || s.upstreamErrors.some((n) => n > 0))
  if (metrics.unmatched.requests > 0) slots.push(metrics.unmatched)
  return slots
}

function histogramValues (name: string, pick: (s: RouteSlot) => LatencyHistogram, metrics: NodeMetrics, unit: LatencyUnit): Value[] {
  const out: Value[] = []
  // Divided, not multiplied by 0.001: 300 / 1000 is 0.3, 300 * 0.001 is 0.30000000000000004.
  const divisor = unit === 'ms' ? 1 : 1000
  for (const slot of allSlots(metrics)) {
    const h = pick(slot)
    if (h.count === 0) continue
    const base = routeLabels(slot)
    let cumulative = 0
    for (let i = 0; i <= PROM_LATENCY_BOUNDS_MS.length; i++) {
      cumulative += h.counts?.[i] ?? 0
      const le = i < PROM_LATENCY_BOUNDS_MS.length ? String(PROM_LATENCY_BOUNDS_MS[i] / divisor) : '+Inf'
      out.push({ metricName: `${name}_bucket`, labels: { ...base, le }, value: cumulative })
    }
    out.push({ metricName: `${name}_sum`, labels: base, value: h.sum / divisor })
    out.push({ metricName: `${name}_count`, labels: base, value: h.count })
  }
  return out
}

export function createMetricsRegistry (source: ExpositionSource): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  for (const name of DROPPED_DEFAULTS) registry.removeSingleMetric(name)
  const m = source.metrics
  const add = (name: string, help: string, type: 'counter' | 'gauge' | 'histogram', read: () => Value[]): void => {
    registry.registerMetric(new ScrapedMetric(name, help, type, read) as unknown as Metric)
  }

  add('atrium_http_requests_total', 'Requests finished by the proxy, by service, route and status code, and consumer where a prometheus plugin sets per_consumer (unmatched requests have no service and route labels).', 'counter', () => {
    const out: Value[] = []
    for (const slot of allSlots(m)) {
      const base = routeLabels(slot)
      statusValues(out, base, slot.status)
      for (const c of slot.consumers.values()) statusValues(out, { ...base, consumer: c.consumer }, c.status)
    }
    return out
  })
  const unit: LatencyUnit = source.latencyUnit ?? DEFAULT_METRICS_LATENCY_UNIT
  const latency = (what: string, help: string, pick: (s: RouteSlot) => LatencyHistogram): void => {
    const name = `atrium_${what}_latency_${unit}`
    add(name, `${help} (${unit}).`, 'histogram', () => histogramValues(name, pick, m, unit))
  }
  latency('request', 'Total request latency: request received to response finished', (s) => s.total)
  latency('upstream', 'Upstream latency: upstream call started to its response headers (requests that reached an upstream answer)', (s) => s.upstream)
  latency('gateway', 'Gateway latency: total latency minus upstream latency (all of it when no upstream answered)', (s) => s.gateway)
  add('atrium_request_bytes_total', 'Request body bytes received from clients.', 'counter', () => bytesValues(m, (c) => c.bytesIn))
  add('atrium_response_bytes_total', 'Response body bytes sent to clients.', 'counter', () => bytesValues(m, (c) => c.bytesOut))
  add('atrium_upstream_errors_total', 'Failed upstream attempts (each retry counts) by kind: connection (refused, reset, closed), timeout, dns, invalid_response.', 'counter', () => {
    const out: Value[] = []
    for (const slot of m.slots.values()) {
      slot.upstreamErrors.forEach((n, kind) => { if (n > 0) out.push({ labels: { ...routeLabels(slot), kind: UPSTREAM_ERROR_KINDS[kind]! }, value: n }) })
    }
    return out
  })
  add('atrium_websocket_tunnels', 'WebSocket connections open through the proxy (the handshake was relayed and neither side closed yet).', 'gauge', () => [{ labels: {}, value: m.tunnels }])
  add('atrium_upstream_target_health', 'Health of each address of each upstream target as this node sees it: 1 for its state (healthchecks_off, healthy, unhealthy; dns_error with address "" for a target whose name gave no address), 0 for the others (Kong\'s kong_upstream_target_health).', 'gauge', () => {
    const out: Value[] = []
    const upstreams = source.state.current?.upstreams.upstreams
    if (upstreams === undefined || !m.targetHealth) return out
    const push = (upstream: string, target: string, address: string, state: string): void => {
      for (const s of TARGET_STATES) out.push({ labels: { upstream, target, address, state: s }, value: s === state ? 1 : 0 })
    }
    for (const { health } of upstreams.values()) {
      health.upstream.targets.forEach((t, i) => {
        const peers = health.peersOf(i)
        if (peers.length === 0) push(health.upstream.name, t.target, '', 'dns_error')
        for (const p of peers) push(health.upstream.name, t.target, health.addresses[p]!.key, health.stateOf(p).toLowerCase())
      })
    }
    return out
  })
  add('atrium_plugin_errors_total', 'Plugin failures (a throw in access, response or log) by plugin.', 'counter', () =>
    [...m.pluginErrors].map(([plugin, value]) => ({ labels: { plugin }, value })))
  add('atrium_config_info', 'The config the node serves: hash and version (version is empty in file mode).', 'gauge', () => {
    const current = source.state.current
    return current === null ? [] : [{ labels: { hash: current.hash, version: current.version ?? '' }, value: 1 }]
  })
  add('atrium_config_last_apply_timestamp_seconds', 'When the config the node serves was applied (Unix time).', 'gauge', () => {
    const current = source.state.current
    return current === null ? [] : [{ labels: {}, value: current.appliedAt / 1000 }]
  })
  add('atrium_config_loaded', '1 once a config is serving, else 0.', 'gauge', () => [{ labels: {}, value: source.state.current === null ? 0 : 1 }])
  const cp = source.controlPlane
  if (cp !== undefined) {
    add('atrium_control_plane_connected', '1 while the node is connected to its control plane, else 0.', 'gauge', () => [{ labels: {}, value: cp().connected ? 1 : 0 }])
  }
  const reporter = source.analytics
  if (reporter !== undefined && reporter !== null) {
    add('atrium_analytics_buffered_reports', 'Analytics reports waiting for the control plane\'s ack.', 'gauge', () => [{ labels: {}, value: reporter.buffered }])
    add('atrium_analytics_dropped_reports_total', 'Analytics reports dropped because the buffer was full.', 'counter', () => [{ labels: {}, value: reporter.dropped.reports }])
  }
  return registry
}
