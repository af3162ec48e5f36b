import type { GatewayConfig } from '../../contract/index.js'
import { ScopeTable } from '../plugin-runner/precedence.js'
import { COUNT_ALL, COUNT_BANDWIDTH, COUNT_LATENCY, COUNT_PER_CONSUMER, COUNT_STATUS, COUNT_UPSTREAM_HEALTH } from './route-slot.js'

// Kong's prometheus plugin as the per-scope switch for Atrium's built-in metrics. A config without
// any prometheus instance counts every family on every route (Atrium's metrics need no plugin).
// Once one exists, a request is counted as the instance Kong's precedence picks for it says
// (precedence.ts), as in Kong, where only the requests the plugin's log phase sees are counted:
//   status_code_metrics      atrium_http_requests_total
//   latency_metrics          the request, upstream and gateway latency histograms
//   bandwidth_metrics        atrium_request_bytes_total / atrium_response_bytes_total
//   upstream_health_metrics  atrium_upstream_errors_total, and atrium_upstream_target_health (any instance)
//   per_consumer             a consumer label on the status and bandwidth series
// A route no instance applies to is not counted; unmatched requests only by a global instance.
// Everything is resolved here, at config time: per route, and per (route, consumer) on a
// consumer's first request when an instance is consumer-scoped.

export interface MetricsSwitches {
  /** COUNT_* bits per route index, for requests without an identified consumer. */
  readonly routes: Uint8Array
  /** COUNT_* bits for requests no route took. */
  readonly unmatched: number
  /** Null when no prometheus instance is consumer-scoped: `routes` is the whole answer. */
  readonly consumerScoped: ScopeTable<number> | null
  /** atrium_upstream_target_health is shown: no prometheus instance, or one with upstream_health_metrics. */
  readonly targetHealth: boolean
}

function bitsOf (config: Record<string, unknown>): number {
  return (config.status_code_metrics === true ? COUNT_STATUS : 0) |
    (config.latency_metrics === true ? COUNT_LATENCY : 0) |
    (config.bandwidth_metrics === true ? COUNT_BANDWIDTH : 0) |
    (config.upstream_health_metrics === true ? COUNT_UPSTREAM_HEALTH : 0) |
    (config.per_consumer === true ? COUNT_PER_CONSUMER : 0)
}

export function compileMetricsSwitches (config: GatewayConfig): MetricsSwitches {
  const routes = new Uint8Array(config.routes.length)
  const instances = (config.plugins ?? []).filter((p) => p.name === 'prometheus')
  if (instances.length === 0) return { routes: routes.fill(COUNT_ALL), unmatched: COUNT_ALL, consumerScoped: null, targetHealth: true }
  const table = new ScopeTable<number>()
  let unmatched = 0
  let consumerScoped = false
  for (const p of instances) {
    const bits = bitsOf(p.config)
    table.add(p, bits)
    if (p.route === null && p.service === null && p.consumer === null) unmatched = bits
    if (p.consumer !== null) consumerScoped = true
  }
  config.routes.forEach((route, i) => { routes[i] = table.resolve(i, route.service, null) ?? 0 })
  return { routes, unmatched, consumerScoped: consumerScoped ? table : null, targetHealth: instances.some((p) => p.config.upstream_health_metrics === true) }
}
