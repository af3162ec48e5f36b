import type { AddressInfo } from 'node:net'
import { GatewayError } from '../errors.js'
import type { Logger } from '../log.js'
import { listenOn, type ListenAddress } from '../listen-address.js'
import { createAdminServer } from './admin-api/admin-server.js'
import { createUiHandler } from './ui/ui-static.js'
import type { AdminAuth } from './admin-api/auth.js'
import { buildAdminRoutes } from './admin-routes.js'
import { openApiRoute } from './admin-api/openapi.js'
import type { AdminRoute } from './admin-api/admin-route.js'
import { issueDataPlaneToken, type IssuedToken } from './data-plane-tokens/index.js'
import { openDb, parseDbUrl } from './store/open-db.js'
import { createSyncServer, withAfterCommit, type ClusterTls, type SyncServer, type SyncTimings } from './sync-server/index.js'
import { createAnalyticsIngest, resolveAnalyticsOptions, startRollupJob, type AnalyticsOptions, type RollupJob } from './analytics/index.js'
import { countNodes, createControlPlaneMetrics, instrumentDb, metricsRoute } from './metrics/index.js'
import { createPortalServer } from './portal/portal-server.js'

export interface ControlPlaneOptions {
  dbUrl: string
  adminListen: ListenAddress
  auth: AdminAuth
  logger: Logger
  /** Hybrid mode: where data-plane nodes connect (`/v1/sync`); no sync server when absent. */
  clusterListen?: ListenAddress
  /** The cluster listener over TLS (wss://), optionally requiring node client certificates. */
  clusterTls?: ClusterTls
  /** Seconds a disconnected node stays listed in GET /data-planes (default: src/defaults.ts). */
  dataPlanePurgeAfter?: number
  /** Sync server timings (tests shorten them); see SyncTimings. */
  syncTimings?: Partial<SyncTimings>
  /** Analytics retention and rollup interval (defaults: minutes 48 h, hours 30 days, every minute). */
  analytics?: Partial<AnalyticsOptions>
  /** The Dev Portal's listener (read-only pages of what is published); no portal when absent. */
  portalListen?: ListenAddress
}

export interface ControlPlane {
  adminAddress: AddressInfo
  /** The cluster listener's address, or null without `clusterListen`. */
  clusterAddress: AddressInfo | null
  /** The Dev Portal's address, or null without `portalListen`. */
  portalAddress: AddressInfo | null
  /** Issues a data-plane token for a runtime group (id or name), as POST …/data-plane-tokens does. */
  issueDataPlaneToken: (runtimeGroup: string, input?: { name?: string | null, description?: string | null }) => Promise<IssuedToken>
  /** Snapshots the sync server has built for a group (id), for tests and benchmarks. */
  snapshotBuilds: (runtimeGroupId: string) => number
  /** Runs the analytics rollup and retention job now (it also runs every `rollupIntervalMs`). */
  runAnalyticsRollup: (now?: number) => Promise<void>
  close: () => Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** Opens (and migrates) the store, serves the Admin API and, with `clusterListen`, the sync server. */
export async function startControlPlane (options: ControlPlaneOptions): Promise<ControlPlane> {
  const log = options.logger.child({ component: 'control-plane' })
  if (!options.auth.enabled && !LOOPBACK.has(options.adminListen.host)) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `refusing to serve the Admin API on ${options.adminListen.host} without admin tokens: set ATRIUM_ADMIN_TOKENS or --admin-token-file, or listen on 127.0.0.1`)
  }
  const analytics = resolveAnalyticsOptions(options.analytics)
  const store = parseDbUrl(options.dbUrl)
  const metrics = createControlPlaneMetrics()
  const opened = await openDb(options.dbUrl)
  const db = instrumentDb(opened.db, metrics.store)
  log.info({ store: store.kind, migrations_applied: opened.applied }, 'store opened')
  let sync: SyncServer | null = null
  if (options.clusterListen !== undefined) {
    const ingest = createAnalyticsIngest({ db, analytics, observer: metrics.ingest })
    sync = createSyncServer({ db, logger: options.logger, timings: { ...options.syncTimings, purgeAfterSeconds: options.dataPlanePurgeAfter ?? options.syncTimings?.purgeAfterSeconds }, analytics: ingest, observer: metrics.sync, tls: options.clusterTls })
    const hub = sync
    metrics.setNodeSource(() => countNodes(db, hub.staleAfterSeconds, hub.purgeAfterSeconds))
  }
  // Admin writes go through the after-commit hook: a committed change is pushed without waiting for the poll.
  const adminDb = sync === null ? db : withAfterCommit(db, sync.notifyCommitted)
  const routes: AdminRoute[] = buildAdminRoutes({ db: adminDb, logger: options.logger, dataPlanes: sync ?? undefined })
  routes.push(metricsRoute(metrics), openApiRoute(() => routes))
  const server = createAdminServer({ routes, auth: options.auth, logger: options.logger, observer: metrics.admin, ui: createUiHandler() })
  let adminAddress: AddressInfo
  let clusterAddress: AddressInfo | null = null
  let portalAddress: AddressInfo | null = null
  // The portal reads the store directly (no Admin API, no writes): see portal/portal-data.ts.
  const portal = options.portalListen === undefined ? null : createPortalServer({ db, logger: options.logger })
  // A listener that cannot open (port in use …) closes what is already open, so the process can exit.
  try {
    adminAddress = await listenOn(server, options.adminListen, 'admin')
    if (sync !== null && options.clusterListen !== undefined) clusterAddress = await sync.listen(options.clusterListen)
    if (portal !== null && options.portalListen !== undefined) portalAddress = await listenOn(portal, options.portalListen, 'portal')
  } catch (err) {
    portal?.close()
    server.close()
    await sync?.close()
    await db.close()
    throw err
  }
  log.info({ address: adminAddress.address, port: adminAddress.port }, 'admin listening')
  if (portalAddress !== null) log.info({ address: portalAddress.address, port: portalAddress.port }, 'dev portal listening')
  const rollup: RollupJob = startRollupJob({ db, log: options.logger, analytics, observer: metrics.rollup })
  if (!options.auth.enabled) log.warn('admin API has no tokens: it listens on loopback only and anyone on this machine can change the config')
  return {
    adminAddress,
    clusterAddress,
    portalAddress,
    issueDataPlaneToken: (runtimeGroup, input) => issueDataPlaneToken(db, runtimeGroup, input),
    snapshotBuilds: (runtimeGroupId) => sync?.buildsOf(runtimeGroupId) ?? 0,
    runAnalyticsRollup: async (now) => { await rollup.runOnce(now) },
    async close () {
      await sync?.close()
      await rollup.stop()
      server.close()
      server.closeAllConnections()
      portal?.close()
      portal?.closeAllConnections()
      await db.close()
    }
  }
}
