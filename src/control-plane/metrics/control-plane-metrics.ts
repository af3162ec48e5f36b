import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { IngestObserver, RollupObserver } from '../analytics/index.js'
import { ATRIUM_VERSION } from '../../version.js'
import type { NodeCount } from './node-gauge.js'
import type { AdminObserver, StoreObserver, SyncObserver } from './observers.js'

// The control plane's Prometheus metrics (GET /metrics on the admin listener). Names are
// atrium_cp_<noun>_<unit>, durations in seconds; every label is bounded: HTTP methods, the Admin
// API's route patterns (never raw paths), status codes, runtime group names, sync statuses, SQL
// operation keywords, fixed outcome sets. Plus prom-client's Node process metrics, without the
// three nodejs_active_*_total gauges that fail `promtool check metrics` (their per-type
// nodejs_active_* gauges stay), registered at the first scrape.

const DROPPED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])
const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export interface ControlPlaneMetrics {
  readonly registry: Registry
  readonly sync: SyncObserver
  readonly admin: AdminObserver
  readonly store: StoreObserver
  readonly ingest: IngestObserver
  readonly rollup: RollupObserver
  /** Where atrium_cp_data_plane_nodes comes from (the store, read at scrape time); unset: no nodes gauge values. */
  setNodeSource: (read: () => Promise<NodeCount[]>) => void
  /** The text exposition (Prometheus format 0.0.4). */
  exposition: () => Promise<{ contentType: string, text: string }>
}

export function createControlPlaneMetrics (): ControlPlaneMetrics {
  const registry = new Registry()
  let defaults = false
  let nodeSource: (() => Promise<NodeCount[]>) | null = null
  const registers = [registry]

  new Gauge({ name: 'atrium_cp_info', help: 'Always 1; the control plane\'s Atrium version in a label.', labelNames: ['version'], registers }).set({ version: ATRIUM_VERSION }, 1)

  const adminRequests = new Counter({ name: 'atrium_cp_admin_requests_total', help: 'Admin API requests answered, by method, route pattern and status code.', labelNames: ['method', 'route', 'status'], registers })
  const adminDuration = new Histogram({ name: 'atrium_cp_admin_request_duration_seconds', help: 'Admin API request latency (request received to response written), by method, route pattern and status code.', labelNames: ['method', 'route', 'status'], buckets: SECONDS_BUCKETS, registers })
  const storeDuration = new Histogram({ name: 'atrium_cp_store_query_duration_seconds', help: 'Store statement latency by SQL operation (inside transactions too).', labelNames: ['operation'], buckets: SECONDS_BUCKETS, registers })
  const storeErrors = new Counter({ name: 'atrium_cp_store_query_errors_total', help: 'Store statements that failed, by SQL operation.', labelNames: ['operation'], registers })

  const nodes = new Gauge({
    name: 'atrium_cp_data_plane_nodes',
    help: 'Data-plane nodes by runtime group and sync status, as GET /runtime-groups/{rg}/data-planes lists them (disconnected ones until purged); read from the store, so every CP replica reports the whole cluster.',
    labelNames: ['runtime_group', 'sync_status'],
    registers,
    async collect () {
      this.reset()
      if (nodeSource === null) return
      for (const c of await nodeSource()) this.set({ runtime_group: c.runtimeGroup, sync_status: c.syncStatus }, c.nodes)
    }
  })
  void nodes
  const buildDuration = new Histogram({ name: 'atrium_cp_snapshot_build_duration_seconds', help: 'Time to build a runtime group\'s snapshot (store read, export, hash, delta) until it is handed to the sessions.', labelNames: ['runtime_group'], buckets: SECONDS_BUCKETS, registers })
  const pushes = new Counter({ name: 'atrium_cp_snapshot_pushes_total', help: 'Config frames queued to nodes, by runtime group and kind (full snapshot or delta).', labelNames: ['runtime_group', 'kind'], registers })

  const reports = new Counter({ name: 'atrium_cp_analytics_reports_total', help: 'Analytics reports from nodes by outcome: stored, duplicate (already counted, acked again), rejected (malformed, not acked), failed (store error, not acked).', labelNames: ['outcome'], registers })
  const buckets = new Counter({ name: 'atrium_cp_analytics_buckets_total', help: 'Buckets of stored analytics reports by outcome: stored, too_old (minute past the accept window), future (minute ahead of the CP clock).', labelNames: ['outcome'], registers })
  const droppedReports = new Counter({ name: 'atrium_cp_analytics_node_dropped_reports_total', help: 'Analytics reports nodes dropped because their buffer was full while the CP was away (as they report it).', registers })
  const droppedRequests = new Counter({ name: 'atrium_cp_analytics_node_dropped_requests_total', help: 'Requests counted by the analytics reports nodes dropped.', registers })
  const rollupRuns = new Counter({ name: 'atrium_cp_analytics_rollup_runs_total', help: 'Runs of the rollup and retention job by outcome (ok, busy: another replica held the lock, failed).', labelNames: ['outcome'], registers })
  const rollupHours = new Counter({ name: 'atrium_cp_analytics_hour_rollups_total', help: 'Hour rollups recomputed from their minutes by the rollup job.', registers })
  for (const outcome of ['stored', 'duplicate', 'rejected', 'failed']) reports.inc({ outcome }, 0)
  for (const outcome of ['stored', 'too_old', 'future']) buckets.inc({ outcome }, 0)

  return {
    registry,
    sync: {
      snapshotBuilt: (runtimeGroup, seconds) => buildDuration.observe({ runtime_group: runtimeGroup }, seconds),
      snapshotSent: (runtimeGroup, kind) => pushes.inc({ runtime_group: runtimeGroup, kind })
    },
    admin: {
      adminRequest (method, route, status, seconds) {
        const labels = { method: METHODS.has(method) ? method : 'OTHER', route: route ?? 'unmatched', status: String(status) }
        adminRequests.inc(labels)
        adminDuration.observe(labels, seconds)
      }
    },
    store: {
      storeQuery (operation, seconds, failed) {
        storeDuration.observe({ operation }, seconds)
        if (failed) storeErrors.inc({ operation })
      }
    },
    ingest: {
      reportIngested (outcome, result) {
        reports.inc({ outcome })
        if (result === null || result.duplicate) return
        buckets.inc({ outcome: 'stored' }, result.stored)
        if (result.tooOld > 0) buckets.inc({ outcome: 'too_old' }, result.tooOld)
        if (result.future > 0) buckets.inc({ outcome: 'future' }, result.future)
        if (result.droppedIncrease.reports > 0) droppedReports.inc(result.droppedIncrease.reports)
        if (result.droppedIncrease.requests > 0) droppedRequests.inc(result.droppedIncrease.requests)
      }
    },
    rollup: {
      rollupRun (outcome, hours) {
        rollupRuns.inc({ outcome })
        if (hours > 0) rollupHours.inc(hours)
      }
    },
    setNodeSource: (read) => { nodeSource = read },
    async exposition () {
      if (!defaults) {
        defaults = true
        collectDefaultMetrics({ register: registry })
        for (const name of DROPPED_DEFAULTS) registry.removeSingleMetric(name)
      }
      return { contentType: registry.contentType, text: await registry.metrics() }
    }
  }
}
