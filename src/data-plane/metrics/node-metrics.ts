import type { GatewayConfig } from '../../contract/index.js'
import { AnalyticsCell, AnalyticsWindow, statusClassOf } from './analytics-window.js'
import { RouteSlot, type UpstreamErrorKind } from './route-slot.js'

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
// answered). A reload drops the slots of routes that are gone, so the series follow the config.

export interface MetricsOptions {
  /** Aggregate analytics for the control plane (hybrid mode). */
  analytics?: boolean
  now?: () => number
}

/** Label value of a service or route: its name, else its id, else its position in the config. */
function labelOf (entity: { name: string | null, id: string | null }, kind: string, index: number): string {
  return entity.name ?? entity.id ?? `${kind}-${index}`
}

export class NodeMetrics {
  /** Slots of the current config's routes, by `service\0route` label key. */
  slots = new Map<string, RouteSlot>()
  readonly unmatched = new RouteSlot(null, null)
  readonly unmatchedCells: AnalyticsCell[] = [1, 2, 3, 4, 5].map((c) => new AnalyticsCell(null, null, null, c))
  /** Plugin failures (access, response or log phase) by plugin name: bundled names only. */
  readonly pluginErrors = new Map<string, number>()
  readonly analytics: AnalyticsWindow | null

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
    return new GatewayMetrics(this, config, slots)
  }

  /** A request no route took (no config, bad path, no route matched): counted without labels. */
  recordUnmatched (status: number, totalMs: number, bytesIn: number, bytesOut: number): void {
    this.unmatched.record(status, totalMs, -1, bytesIn, bytesOut)
    const window = this.analytics
    if (window !== null) window.add(this.unmatchedCells[statusClassOf(status) - 1]!, totalMs, bytesIn, bytesOut)
  }

  /** A plugin threw (rare path: a Map by name is fine here). */
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

  constructor (node: NodeMetrics, config: GatewayConfig, slots: RouteSlot[]) {
    this.node = node
    this.#config = config
    this.slots = slots
    this.#cells = node.analytics === null ? [] : new Array<AnalyticsCell | undefined>(slots.length * 5)
  }

  /**
   * One finished request on route `routeIndex`. HOT PATH. `upstreamMs` < 0 when no upstream
   * response arrived; `consumer` is the consumer index an auth plugin set, or −1.
   */
  record (routeIndex: number, status: number, totalMs: number, upstreamMs: number, bytesIn: number, bytesOut: number, consumer: number): void {
    this.slots[routeIndex]!.record(status, totalMs, upstreamMs, bytesIn, bytesOut)
    const window = this.node.analytics
    if (window !== null) window.add(this.cell(routeIndex, statusClassOf(status), consumer), totalMs, bytesIn, bytesOut)
  }

  upstreamError (routeIndex: number, kind: UpstreamErrorKind): void {
    this.slots[routeIndex]!.upstreamErrors[kind]!++
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
