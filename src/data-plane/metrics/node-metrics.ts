import type { GatewayConfig } from '../../contract/index.js'
import { AnalyticsCell, AnalyticsWindow, statusClassOf } from './analytics-window.js'
import { compileMetricsSwitches, type MetricsSwitches } from './metrics-switches.js'
import { COUNT_ALL, COUNT_PER_CONSUMER, COUNT_UPSTREAM_HEALTH, RouteSlot, type ConsumerCounts, type UpstreamErrorKind } from './route-slot.js'

// What a node counts about the requests it serves, for GET /metrics (Prometheus) and, in hybrid mode,
// the analytics reports to the control plane.
//
// Two levels:
// - NodeMetrics lives as long as the node: the Prometheus slots by (service label, route label), the
//   unmatched slot, plugin errors and the analytics window.
// - GatewayMetrics is built with each config version (compileGateway → NodeMetrics.compile) and
//   travels with its CompiledGateway: `slots[routeIndex]` is the route's persistent slot, and the
//   analytics cells are indexed by route and status class (consumer cells by a numeric key). A
//   request looks nothing up by string: it indexes arrays with the route index the router gave it.
//
// Cardinality: label values come only from the config (service and route names, their ids when
// unnamed, else their position), and status codes as sent (100–999, only those a route actually
// answered), consumer labels only where a prometheus instance sets per_consumer. A reload drops
// the slots of routes that are gone and the consumer series of consumers that are gone, so the
// series follow the config. Which families a request is counted in: metrics-switches.ts.

export interface MetricsOptions {
  /** Aggregate analytics for the control plane (hybrid mode). */
  analytics?: boolean
  now?: () => number
}

/** Label value of a service or route: its name, else its id, else its position in the config. */
function labelOf (entity: { name: string | null, id: string | null }, kind: string, index: number): string {
  return entity.name ?? entity.id ?? `${kind}-${index}`
}

/** Label value of a consumer (Kong's prometheus uses the username). */
function consumerLabelOf (consumer: { username: string | null, custom_id: string | null, id: string | null }, index: number): string {
  return consumer.username ?? consumer.custom_id ?? consumer.id ?? `consumer-${index}`
}

export class NodeMetrics {
  /** Slots of the current config's routes, by `service\0route` label key. */
  slots = new Map<string, RouteSlot>()
  readonly unmatched = new RouteSlot(null, null)
  readonly unmatchedCells: AnalyticsCell[] = [1, 2, 3, 4, 5].map((c) => new AnalyticsCell(null, null, null, c))
  /** Plugin failures (access, response or log phase) by plugin name: bundled names only. */
  readonly pluginErrors = new Map<string, number>()
  readonly analytics: AnalyticsWindow | null
  /** COUNT_* bits for unmatched requests, from the config last compiled (all before any). */
  unmatchedCount = COUNT_ALL
  /** Whether atrium_upstream_target_health is exposed (metrics-switches.ts). */
  targetHealth = true

  constructor (options: MetricsOptions = {}) {
    this.analytics = options.analytics === true ? new AnalyticsWindow((options.now ?? Date.now)()) : null
  }

  /** Config-time: the slots and cell tables of one config version (keeps slots whose labels remain). */
  compile (config: GatewayConfig): GatewayMetrics {
    const previous = this.slots
    const next = new Map<string, RouteSlot>()
    const slots: RouteSlot[] = []
    const serviceLabels = config.services.map((s, i) => labelOf(s, 'service', i))
    config.routes.forEach((route, i) => {
      // A route without a service has no service label (as the unmatched slot).
      const service = route.service === null ? null : serviceLabels[route.service] ?? `service-${route.service}`
      const label = labelOf(route, 'route', i)
      const key = `${service ?? ''}\0${label}`
      const slot = next.get(key) ?? previous.get(key) ?? new RouteSlot(service, label)
      next.set(key, slot)
      slots.push(slot)
    })
    this.slots = next
    const consumerLabels = (config.consumers ?? []).map(consumerLabelOf)
    const known = new Set(consumerLabels)
    for (const slot of next.values()) {
      for (const label of slot.consumers.keys()) if (!known.has(label)) slot.consumers.delete(label)
    }
    const switches = compileMetricsSwitches(config)
    this.unmatchedCount = switches.unmatched
    this.targetHealth = switches.targetHealth
    return new GatewayMetrics(this, config, slots, switches, consumerLabels)
  }

  /** A request no route took (no config, bad path, no route matched): counted without labels. */
  recordUnmatched (status: number, totalMs: number, bytesIn: number, bytesOut: number): void {
    if (this.unmatchedCount !== 0) this.unmatched.record(this.unmatchedCount, status, totalMs, -1, bytesIn, bytesOut, null)
    const window = this.analytics
    if (window !== null) window.add(this.unmatchedCells[statusClassOf(status) - 1]!, totalMs, bytesIn, bytesOut)
  }

  /** A plugin threw (rare path: a Map by name is fine here). */
  /** WebSocket tunnels open now (a gauge: its value outlives config versions). */
  tunnels = 0

  tunnelOpened (): void {
    this.tunnels++
  }

  tunnelClosed (): void {
    this.tunnels--
  }

  pluginError (plugin: string): void {
    this.pluginErrors.set(plugin, (this.pluginErrors.get(plugin) ?? 0) + 1)
  }
}

export class GatewayMetrics {
  readonly node: NodeMetrics
  /** The persistent Prometheus slot of each route, by route index. */
  readonly slots: readonly RouteSlot[]
  readonly #config: GatewayConfig
  /** Analytics cells without a consumer: routeIndex * 5 + class − 1, created on first use. */
  readonly #cells: Array<AnalyticsCell | undefined>
  /** Cells with a consumer: key (consumer * routes + route) * 5 + class − 1. */
  #consumerCells: Map<number, AnalyticsCell> | null = null
  readonly #switches: MetricsSwitches
  readonly #consumerLabels: readonly string[]
  /** COUNT_* bits by (consumer * routes + route), when a prometheus instance is consumer-scoped. */
  #consumerCounts: Map<number, number> | null = null
  /** Per-consumer series by (consumer * routes + route). */
  #consumerSeries: Map<number, ConsumerCounts> | null = null

  constructor (node: NodeMetrics, config: GatewayConfig, slots: RouteSlot[], switches: MetricsSwitches, consumerLabels: readonly string[]) {
    this.node = node
    this.#config = config
    this.slots = slots
    this.#switches = switches
    this.#consumerLabels = consumerLabels
    this.#cells = node.analytics === null ? [] : new Array<AnalyticsCell | undefined>(slots.length * 5)
  }

  /**
   * One finished request on route `routeIndex`. HOT PATH. `upstreamMs` < 0 when no upstream
   * response arrived; `consumer` is the consumer index an auth plugin set, or −1.
   */
  record (routeIndex: number, status: number, totalMs: number, upstreamMs: number, bytesIn: number, bytesOut: number, consumer: number, method: string, path: string | null): void {
    let count = this.#switches.routes[routeIndex]!
    let byConsumer: ConsumerCounts | null = null
    if (consumer >= 0) {
      if (this.#switches.consumerScoped !== null) count = this.#countFor(routeIndex, consumer)
      if ((count & COUNT_PER_CONSUMER) !== 0) byConsumer = this.#seriesFor(routeIndex, consumer)
    }
    if (count !== 0) this.slots[routeIndex]!.record(count, status, totalMs, upstreamMs, bytesIn, bytesOut, byConsumer)
    const window = this.node.analytics
    if (window !== null) {
      const cell = this.cell(routeIndex, statusClassOf(status), consumer)
      window.add(cell, totalMs, bytesIn, bytesOut)
      if (path !== null && cell.routeId !== null) window.addPath(cell.serviceId, cell.routeId, method, path, status)
    }
  }

  /** Counted as the route's prometheus instance without a consumer says (upstream_health_metrics). */
  upstreamError (routeIndex: number, kind: UpstreamErrorKind): void {
    if ((this.#switches.routes[routeIndex]! & COUNT_UPSTREAM_HEALTH) !== 0) this.slots[routeIndex]!.upstreamErrors[kind]!++
  }

  /** The switches of the instance that applies to `consumer` on the route: resolved once per pair. */
  #countFor (routeIndex: number, consumer: number): number {
    const key = consumer * this.slots.length + routeIndex
    const map = this.#consumerCounts ??= new Map()
    let count = map.get(key)
    if (count === undefined) {
      count = (this.#switches.consumerScoped as NonNullable<MetricsSwitches['consumerScoped']>).resolve(routeIndex, this.#config.routes[routeIndex]!.service, consumer) ?? 0
      map.set(key, count)
    }
    return count
  }

  #seriesFor (routeIndex: number, consumer: number): ConsumerCounts {
    const key = consumer * this.slots.length + routeIndex
    const map = this.#consumerSeries ??= new Map()
    let series = map.get(key)
    if (series === undefined) {
      series = this.slots[routeIndex]!.consumer(this.#consumerLabels[consumer] ?? `consumer-${consumer}`)
      map.set(key, series)
    }
    return series
  }

  cell (routeIndex: number, statusClass: number, consumer: number): AnalyticsCell {
    if (consumer < 0) {
      const i = routeIndex * 5 + statusClass - 1
      return this.#cells[i] ?? (this.#cells[i] = this.#newCell(routeIndex, statusClass, null))
    }
    const key = (consumer * this.slots.length + routeIndex) * 5 + statusClass - 1
    const map = this.#consumerCells ??= new Map()
    let cell = map.get(key)
    if (cell === undefined) {
      cell = this.#newCell(routeIndex, statusClass, this.#config.consumers?.[consumer]?.id ?? null)
      map.set(key, cell)
    }
    return cell
  }

  #newCell (routeIndex: number, statusClass: number, consumerId: string | null): AnalyticsCell {
    const route = this.#config.routes[routeIndex]!
    return new AnalyticsCell(route.service === null ? null : this.#config.services[route.service]?.id ?? null, route.id, consumerId, statusClass)
  }
}
