import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { readDeclarativeConfigFile } from '../contract/index.js'
import { GatewayError } from '../errors.js'
import type { Logger } from '../log.js'
import { listenOn, type ListenAddress } from '../listen-address.js'
import { ATRIUM_VERSION } from '../version.js'
import type { GatewayState } from './compiled-gateway.js'
import { TargetResolver } from './balancer/target-resolver.js'
import { installGateway } from './compile-gateway.js'
import { defaultCertificate } from './tls/default-certificate.js'
import { AnalyticsReporter, createMetricsRegistry, NodeMetrics, type LatencyUnit } from './metrics/index.js'
import { NODE_PLUGINS } from './node-plugins.js'
import { createProxyServer, closeProxyServer } from './proxy/proxy-server.js'
import { DEFAULT_CLIENT_LIMITS, type ClientLimits } from './proxy/client-limits.js'
import { createRouteDebug } from './proxy/route-debug.js'
import { createStatusServer, type ReloadOutcome } from './status-server.js'
import { createSyncClient, type ClusterClientTls, type ScheduleRetry, type SyncClient } from './sync-client/sync-client.js'
import { defaultIdentity, loadNodeId, type NodeIdentity } from './sync-client/node-identity.js'
import { readCachedSnapshot } from './sync-client/config-cache.js'

/** Hybrid mode: the config comes from a control plane over /v1/sync, with a last-good cache on disk. */
export interface ControlPlaneOptions {
  /** `ws(s)://HOST:PORT` of the control plane's cluster listener. */
  url: string
  token: string
  /** wss://: the CA to verify the control plane with, and a client certificate for mutual TLS. */
  tls?: ClusterClientTls
  /** Holds `node-id` and the cached snapshot; created if missing. */
  cacheDir: string
  /** Reconnect backoff cap (default 10 000 ms). */
  backoffMaxMs?: number
  /** Tests only: shorter liveness timers and backoff start. */
  backoffInitialMs?: number
  pingIntervalMs?: number
  deadAfterMs?: number
  /** Tests only: schedules the reconnect attempts (see SyncClientOptions.scheduleRetry). */
  scheduleRetry?: ScheduleRetry
  /** Tests only: override hostname/plugins announced in hello. */
  identity?: Partial<Omit<NodeIdentity, 'nodeId'>>
  /** Analytics reports kept while the CP does not ack them, in minutes of reports (default 60). */
  analyticsBufferMinutes?: number
  /** Tests only: the analytics reporting interval (default 10 000 ms). */
  analyticsIntervalMs?: number
}

/** Exactly one of `configFile` (DB-less, file mode) and `controlPlane` (hybrid mode). */
export interface DataPlaneOptions {
  configFile?: string
  controlPlane?: ControlPlaneOptions
  proxyListen: ListenAddress
  statusListen: ListenAddress
  logger: Logger
  /** Per-request metrics, GET /metrics and (hybrid mode) analytics reports; default on. */
  metrics?: boolean
  /** Unit of the latency histograms in GET /metrics (names and values); default seconds (ms: Kong's). */
  metricsLatencyUnit?: LatencyUnit
  /** DNS servers for upstream target names (`ip[:port]`); default the system's. */
  dnsResolver?: readonly string[]
  /** The TLS proxy listener; absent or null: none. */
  proxyTlsListen?: ListenAddress | null
  /** Its default certificate; absent: self-signed, kept in `cacheDir` (in memory without one). */
  proxyTlsCertificate?: { cert: string, key: string }
  /** Where the self-signed default certificate is kept (tls/). */
  cacheDir?: string
  /** Client timeouts of every proxy listener; each absent one is nginx's 60 s. */
  clientLimits?: Partial<ClientLimits>
  /** Connections one upstream pool may open (a service's or upstream's max_connections overrides it); default 1024. */
  upstreamMaxConnections?: number
  /** The route debug headers on demand: the request header that asks for them, and the token it must carry (none: loopback clients only). */
  routeDebug?: { header: string, token?: string | null } | null
}

export interface DataPlane {
  proxyAddress: AddressInfo
  /** Null when there is no TLS listener. */
  proxyTlsAddress: AddressInfo | null
  statusAddress: AddressInfo
  /** The swap slot the proxy reads (tests and status). */
  state: GatewayState
  /** The connection to the control plane in hybrid mode, else null. */
  syncClient: SyncClient | null
  /** Null when metrics are off. */
  metrics: NodeMetrics | null
  /** Hybrid mode with metrics on: the analytics reports to the control plane. */
  analytics: AnalyticsReporter | null
  /**
   * File mode: re-reads the file; a valid config is swapped in, an invalid one is logged and the old
   * one keeps serving. Hybrid mode: nothing to re-read (the control plane pushes), answers ok.
   */
  reload: () => Promise<ReloadOutcome>
  close: () => Promise<void>
}

/**
 * A data-plane node: the proxy and the status listener over one GatewayState, fed either by a
 * declarative file (reloaded on demand) or by a control plane. File reloads are serialised so two
 * quick SIGHUPs cannot apply configs out of order; snapshots are serialised by the sync client.
 */
export async function startDataPlane (options: DataPlaneOptions): Promise<DataPlane> {
  if ((options.configFile === undefined) === (options.controlPlane === undefined)) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', 'a data plane needs exactly one of a config file and a control plane')
  }
  const log = options.logger.child({ component: 'data-plane' })
  const metrics = options.metrics === false ? null : new NodeMetrics({ analytics: options.controlPlane !== undefined })
  const resolver = new TargetResolver({ servers: options.dnsResolver })
  const state: GatewayState = { current: null, metrics, resolver, upstreamMaxConnections: options.upstreamMaxConnections }
  const analytics = metrics?.analytics == null
    ? null
    : new AnalyticsReporter({ window: metrics.analytics, log: options.logger, bufferMinutes: options.controlPlane?.analyticsBufferMinutes, intervalMs: options.controlPlane?.analyticsIntervalMs })
  let lastReload: ReloadOutcome | null = null
  let reload: () => Promise<ReloadOutcome>
  let syncClient: SyncClient | null = null

  if (options.configFile !== undefined) {
    reload = await loadFileMode(options.configFile, state, log, (o) => { lastReload = o })
  } else {
    syncClient = await prepareHybridMode(options.controlPlane as ControlPlaneOptions, state, options.logger, log, analytics)
    reload = async () => {
      log.info('reload ignored: in hybrid mode the control plane pushes the config')
      return { ok: true, at: Date.now(), errors: [] }
    }
  }

  const limits: ClientLimits = { ...DEFAULT_CLIENT_LIMITS, ...options.clientLimits }
  const routeDebug = options.routeDebug == null ? null : createRouteDebug(options.routeDebug)
  const proxy = createProxyServer({ state, logger: options.logger, limits, routeDebug })
  const client = syncClient
  const status = createStatusServer({
    state,
    startedAt: Date.now(),
    version: ATRIUM_VERSION,
    lastReload: () => lastReload,
    controlPlane: client === null ? undefined : () => client.status(),
    metrics: metrics === null ? null : createMetricsRegistry({ metrics, state, controlPlane: client === null ? undefined : () => client.status(), analytics, latencyUnit: options.metricsLatencyUnit })
  })
  const tlsListen = options.proxyTlsListen ?? null
  const tlsProxy = tlsListen === null
    ? null
    : createProxyServer({ state, logger: options.logger, limits, routeDebug, tls: { defaultCertificate: options.proxyTlsCertificate ?? await defaultCertificate(options.cacheDir ?? null, log) } })
  const proxyAddress = await listenOn(proxy, options.proxyListen, 'proxy')
  let statusAddress: AddressInfo
  let proxyTlsAddress: AddressInfo | null = null
  try {
    if (tlsProxy !== null) proxyTlsAddress = await listenOn(tlsProxy, tlsListen as ListenAddress, 'proxy TLS')
    statusAddress = await listenOn(status, options.statusListen, 'status')
  } catch (err) {
    // The proxy is open already: close it, or the process (and `atrium start`) would not exit.
    await closeProxyServer(proxy)
    if (tlsProxy !== null) await closeProxyServer(tlsProxy)
    await state.current?.upstreams.close()
    throw err
  }
  log.info({ address: proxyAddress.address, port: proxyAddress.port }, 'proxy listening')
  if (proxyTlsAddress !== null) log.info({ address: proxyTlsAddress.address, port: proxyTlsAddress.port }, 'proxy TLS listening')
  log.info({ address: statusAddress.address, port: statusAddress.port }, 'status listening')
  syncClient?.start()
  analytics?.start()

  async function close (): Promise<void> {
    analytics?.stop() // a last report of what is counted, sent while the socket is still open
    await syncClient?.close()
    status.close()
    await Promise.all([closeProxyServer(proxy), tlsProxy === null ? null : closeProxyServer(tlsProxy)])
    await state.current?.upstreams.close()
    resolver.close()
  }

  return { proxyAddress, proxyTlsAddress, statusAddress, state, syncClient, metrics, analytics, reload, close }
}

async function loadFileMode (configFile: string, state: GatewayState, log: Logger, record: (o: ReloadOutcome) => void): Promise<() => Promise<ReloadOutcome>> {
  const initial = await readDeclarativeConfigFile(configFile)
  for (const w of initial.warnings) log.warn({ path: w.path, file: configFile }, `config warning: ${w.message}`)
  if (!initial.ok) {
    throw new GatewayError('ATRIUM_ERR_CONFIG_INVALID', `${configFile}: configuration is invalid`, { fields: initial.errors })
  }
  await installGateway(state, initial.config, initial.hash, null, log)
  log.info({ config_hash: initial.hash, services: initial.config.services.length, routes: initial.config.routes.length }, 'config loaded')

  async function applyFile (): Promise<ReloadOutcome> {
    const result = await readDeclarativeConfigFile(configFile)
    for (const w of result.warnings) log.warn({ path: w.path, file: configFile }, `config warning: ${w.message}`)
    if (!result.ok) {
      log.error({ file: configFile, errors: result.errors }, 'config reload rejected; the previous config keeps serving')
      return { ok: false, at: Date.now(), errors: result.errors }
    }
    const previous = state.current
    if (previous !== null && previous.hash === result.hash) {
      log.info({ config_hash: result.hash }, 'config reload: unchanged')
      return { ok: true, at: Date.now(), errors: [] }
    }
    try {
      await installGateway(state, result.config, result.hash, null, log)
    } catch (err) {
      log.error({ err, file: configFile }, 'config reload failed to compile; the previous config keeps serving')
      return { ok: false, at: Date.now(), errors: [{ path: '', message: String(err) }] }
    }
    log.info({ config_hash: result.hash, services: result.config.services.length, routes: result.config.routes.length }, 'config reloaded')
    return { ok: true, at: Date.now(), errors: [] }
  }

  let reloading: Promise<ReloadOutcome> = Promise.resolve({ ok: true, at: Date.now(), errors: [] })
  return function reload (): Promise<ReloadOutcome> {
    reloading = reloading.then(applyFile, applyFile).then((outcome) => {
      record(outcome)
      return outcome
    })
    return reloading
  }
}

/** Cache dir, node id, and the cached snapshot served at once (before and without the control plane). */
async function prepareHybridMode (cp: ControlPlaneOptions, state: GatewayState, logger: Logger, log: Logger, analytics: AnalyticsReporter | null): Promise<SyncClient> {
  try {
    await mkdir(cp.cacheDir, { recursive: true })
  } catch (err) {
    throw new GatewayError('ATRIUM_ERR_DATA_PLANE_CACHE_DIR', `cannot create the cache directory ${cp.cacheDir}: ${(err as Error).message}`, { cause: err })
  }
  let nodeId: string
  try {
    nodeId = await loadNodeId(cp.cacheDir, log)
  } catch (err) {
    throw new GatewayError('ATRIUM_ERR_DATA_PLANE_CACHE_DIR', `cannot write the node id in ${cp.cacheDir}: ${(err as Error).message}`, { cause: err })
  }
  const cached = await readCachedSnapshot(cp.cacheDir, log)
  if (cached !== null) {
    await installGateway(state, cached.config, cached.hash, cached.version, log)
    log.info({ config_hash: cached.hash, version: cached.version, services: cached.config.services.length, routes: cached.config.routes.length }, 'config loaded from cache')
  }
  const base = defaultIdentity(nodeId, ATRIUM_VERSION, NODE_PLUGINS)
  const identity: NodeIdentity = {
    nodeId,
    hostname: cp.identity?.hostname ?? base.hostname,
    version: cp.identity?.version ?? base.version,
    plugins: cp.identity?.plugins ?? base.plugins
  }
  return createSyncClient({
    url: cp.url,
    token: cp.token,
    tls: cp.tls,
    cacheDir: cp.cacheDir,
    state,
    identity,
    logger,
    cached,
    backoffMaxMs: cp.backoffMaxMs,
    backoffInitialMs: cp.backoffInitialMs,
    pingIntervalMs: cp.pingIntervalMs,
    deadAfterMs: cp.deadAfterMs,
    scheduleRetry: cp.scheduleRetry,
    analytics
  })
}
