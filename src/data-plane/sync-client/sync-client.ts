import type { IncomingMessage } from 'node:http'
import { WebSocket, type RawData } from 'ws'
import {
  SYNC_MAX_PAYLOAD,
  SYNC_PATH,
  SyncCloseCodes,
  type NodeMessage,
  type SyncStatus,
  type WelcomeMessage,
  type ErrorMessage,
  type AnalyticsAckMessage,
  type SetTargetHealthMessage
} from '../../contract/sync-protocol.js'
import { DEFAULT_SYNC_BACKOFF_MAX_MS } from '../../defaults.js'
import type { Logger } from '../../log.js'
import type { GatewayState } from '../compiled-gateway.js'
import { createBackoff } from './backoff.js'
import { buildHello, type NodeIdentity } from './node-identity.js'
import { createHealthReporter } from './health-reporter.js'
import { createSnapshotApplier } from './snapshot-applier.js'
import type { ValidSnapshot } from './snapshot.js'

// The node's side of hybrid mode (docs/sync-protocol.md): one WebSocket to the control plane at a time.
//
// Lifecycle: connect → on open send hello (with the hash the node serves) → welcome → snapshots (binary)
// are handed to the applier, which acks or reports apply_error. When the socket closes for any reason
// the node keeps serving what it has and reconnects after a jittered exponential delay (reset by a
// welcome). Refusals that a quick retry cannot fix (token revoked or unknown, incompatible node) wait
// the backoff cap each time, so an operator can issue a new token or upgrade the CP without restarting
// the node.
//
// Liveness: every pingIntervalMs the node pings; any frame, ping or pong from the CP counts as a sign
// of life, and a CP silent for deadAfterMs is terminated (then reconnected). All timers are unref'd
// and cleared by close().

export const SYNC_DEFAULTS = {
  backoffInitialMs: 250,
  backoffMaxMs: DEFAULT_SYNC_BACKOFF_MAX_MS,
  pingIntervalMs: 15_000,
  deadAfterMs: 30_000,
  handshakeTimeoutMs: 10_000
} as const

export interface ClusterClientTls { ca?: string, cert?: string, key?: string }

export interface SyncClientOptions {
  /** `ws(s)://HOST:PORT` of the CP's cluster listener (a trailing /v1/sync is accepted). */
  url: string
  token: string
  /** wss://: the CA the control plane's certificate must chain to (absent: the system's roots), and this node's client certificate for mutual TLS. */
  tls?: ClusterClientTls
  cacheDir: string
  state: GatewayState
  identity: NodeIdentity
  logger: Logger
  /** The snapshot loaded from the cache at start (what `state` serves), the base for the first delta. */
  cached?: ValidSnapshot | null
  backoffInitialMs?: number
  backoffMaxMs?: number
  pingIntervalMs?: number
  deadAfterMs?: number
  handshakeTimeoutMs?: number
  /** Injectable for tests (backoff jitter). */
  random?: () => number
  /** Schedules each reconnect attempt (an unref'd setTimeout by default); tests pass a fake to see the delay and fire it. */
  scheduleRetry?: ScheduleRetry
  /** Analytics reports (metrics/analytics-reporter.ts): told when the CP welcomed the node and when the socket is gone. */
  analytics?: AnalyticsLink | null
}

/** A pending reconnect attempt. */
export interface RetryTimer { cancel: () => void }
export type ScheduleRetry = (retry: () => void, delayMs: number) => RetryTimer

const scheduleWithTimer: ScheduleRetry = (retry, delayMs) => {
  const timer = setTimeout(retry, delayMs)
  timer.unref()
  return { cancel: () => clearTimeout(timer) }
}

/** What the sync client tells the analytics reporter; `send` writes a text frame on the current socket. */
export interface AnalyticsLink {
  connected: (send: (text: string) => void) => void
  disconnected: () => void
  ack: (bootId: string, seq: number) => void
}

/** What `GET /status` shows under `control_plane`. */
export interface ControlPlaneStatus {
  url: string
  node_id: string
  connected: boolean
  sync_status: SyncStatus
  last_error: string | null
}

export interface SyncClient {
  start: () => void
  status: () => ControlPlaneStatus
  /** Resolves once every snapshot received so far is applied or rejected. */
  idle: () => Promise<void>
  close: () => Promise<void>
}

/** `ws://host:8005` → `ws://host:8005/v1/sync`; throws on anything that is not a ws(s) URL. */
export function syncEndpoint (url: string): string {
  const parsed = new URL(url)
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new Error(`control plane URL must start with ws:// or wss:// (got ${parsed.protocol}//)`)
  const base = parsed.pathname.replace(/\/+$/, '')
  parsed.pathname = base.endsWith(SYNC_PATH) ? base : `${base}${SYNC_PATH}`
  return parsed.toString()
}

const SLOW_RETRY_CLOSE_CODES: ReadonlyMap<number, string> = new Map([
  [SyncCloseCodes.TOKEN_REVOKED, 'the control plane revoked this node\'s token'],
  [SyncCloseCodes.INCOMPATIBLE, 'the control plane refused this node as incompatible'],
  [SyncCloseCodes.BAD_HELLO, 'the control plane refused this node\'s hello']
])

export function createSyncClient (options: SyncClientOptions): SyncClient {
  const endpoint = syncEndpoint(options.url)
  const log = options.logger.child({ component: 'sync-client' })
  const pingIntervalMs = options.pingIntervalMs ?? SYNC_DEFAULTS.pingIntervalMs
  const deadAfterMs = options.deadAfterMs ?? SYNC_DEFAULTS.deadAfterMs
  const backoff = createBackoff({
    initialMs: options.backoffInitialMs ?? SYNC_DEFAULTS.backoffInitialMs,
    maxMs: options.backoffMaxMs ?? SYNC_DEFAULTS.backoffMaxMs,
    random: options.random
  })

  let socket: WebSocket | null = null
  let connected = false
  let syncStatus: SyncStatus = 'disconnected'
  let lastError: string | null = null
  let lastLoggedError: string | null = null
  const scheduleRetry = options.scheduleRetry ?? scheduleWithTimer
  let retryTimer: RetryTimer | null = null
  let closed = false
  let started = false
  /** The analytics reporter was told about this connection (at its first welcome). */
  let analyticsLinked = false
  /** Target health for the control plane (`upstream_health`), reported on the welcomed socket. */
  const health = createHealthReporter(options.state)
  let healthLinked = false

  function send (message: NodeMessage): void {
    if (socket !== null && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message))
  }

  const applier = createSnapshotApplier({
    state: options.state,
    cacheDir: options.cacheDir,
    cached: options.cached ?? null,
    log,
    send,
    onApplied () {
      syncStatus = 'in_sync'
      lastError = null
    },
    onRejected (message) {
      syncStatus = 'apply_failed'
      lastError = message
    }
  })

  function handleText (data: RawData): void {
    let message: WelcomeMessage | ErrorMessage | { type?: unknown }
    try {
      message = JSON.parse(data.toString()) as typeof message
    } catch {
      log.warn('control plane sent a text frame that is not JSON; ignored')
      return
    }
    if (message.type === 'welcome') {
      const welcome = message as WelcomeMessage
      backoff.reset()
      syncStatus = welcome.sync_status
      const fields = { runtime_group: welcome.runtime_group?.name, sync_status: welcome.sync_status }
      if (welcome.sync_status === 'plugin_set_incompatible' || welcome.sync_status === 'version_incompatible') {
        lastError = welcome.message ?? welcome.sync_status
        log.warn({ ...fields, message: welcome.message }, 'control plane will not send config to this node; the current config keeps serving')
      } else {
        log.info(fields, 'control plane welcomed the node')
      }
      // No snapshot follows when the node already has the hash; take the version it is current at.
      const current = options.state.current
      const config = welcome.config
      if (config !== undefined && current !== null && current.hash === config.hash && Number.isInteger(config.version) && current.version !== config.version) {
        options.state.current = { ...current, version: config.version }
        log.info({ version: config.version, config_hash: config.hash }, 'config version updated: the control plane has the same config under a newer version')
      }
      const ws = socket
      if (options.analytics != null && !analyticsLinked && ws !== null) {
        analyticsLinked = true
        options.analytics.connected((text) => { if (ws.readyState === WebSocket.OPEN) ws.send(text) })
      }
      if (!healthLinked && ws !== null) {
        healthLinked = true
        health.connected((text) => { if (ws.readyState === WebSocket.OPEN) ws.send(text) })
      }
    } else if (message.type === 'set_target_health') {
      const mark = message as SetTargetHealthMessage
      const applied = health.mark(mark)
      log.info({ upstream: mark.upstream, target: mark.target, address: mark.address, healthy: mark.healthy, applied }, applied ? 'target marked by the control plane' : 'target mark from the control plane ignored: no such upstream or target here')
    } else if (message.type === 'analytics_ack') {
      const ack = message as AnalyticsAckMessage
      if (typeof ack.boot_id === 'string' && Number.isInteger(ack.seq)) options.analytics?.ack(ack.boot_id, ack.seq)
    } else if (message.type === 'error') {
      const error = message as ErrorMessage
      lastError = `${error.code}: ${error.message}`
      log.error({ code: error.code, error: error.message }, 'control plane reported an error')
    } else {
      log.debug({ type: message.type }, 'control plane sent an unknown message; ignored')
    }
  }

  function scheduleReconnect (delayMs: number): void {
    if (closed) return
    retryTimer = scheduleRetry(() => {
      retryTimer = null
      connect()
    }, delayMs)
  }

  function connect (): void {
    if (closed) return
    syncStatus = 'connecting'
    let httpStatus: number | null = null
    let lastHeard = Date.now()
    let heartbeat: NodeJS.Timeout | null = null
    const ws = new WebSocket(endpoint, {
      headers: { authorization: `Bearer ${options.token}` },
      maxPayload: SYNC_MAX_PAYLOAD,
      perMessageDeflate: false,
      handshakeTimeout: options.handshakeTimeoutMs ?? SYNC_DEFAULTS.handshakeTimeoutMs,
      ...(options.tls ?? {})
    })
    socket = ws

    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      httpStatus = res.statusCode ?? 0
      res.resume()
      ws.terminate()
    })
    ws.on('open', () => {
      connected = true
      lastHeard = Date.now()
      lastLoggedError = null
      log.info({ url: endpoint }, 'connected to the control plane')
      applier.reconnected()
      ws.send(JSON.stringify(buildHello(options.identity, options.state.current?.hash ?? null)))
      heartbeat = setInterval(() => {
        if (Date.now() - lastHeard >= deadAfterMs) {
          lastError = `control plane silent for ${deadAfterMs} ms`
          log.warn({ silent_ms: Date.now() - lastHeard }, 'control plane stopped answering; reconnecting')
          ws.terminate()
        } else {
          ws.ping()
        }
      }, pingIntervalMs)
      heartbeat.unref()
    })
    ws.on('message', (data: RawData, isBinary: boolean) => {
      lastHeard = Date.now()
      if (isBinary) applier.push(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer))
      else handleText(data)
    })
    ws.on('ping', () => { lastHeard = Date.now() })
    ws.on('pong', () => { lastHeard = Date.now() })
    ws.on('error', (err: Error) => {
      if (httpStatus === null) lastError = err.message
    })
    ws.on('close', (code: number, reason: Buffer) => {
      if (heartbeat !== null) clearInterval(heartbeat)
      if (socket === ws) socket = null
      if (analyticsLinked) {
        analyticsLinked = false
        options.analytics?.disconnected()
      }
      if (healthLinked) {
        healthLinked = false
        health.disconnected()
      }
      const wasConnected = connected
      connected = false
      syncStatus = 'disconnected'
      if (closed) return
      let delay: number
      const slow = SLOW_RETRY_CLOSE_CODES.get(code)
      if (slow !== undefined) {
        lastError = reason.length > 0 ? `${slow}: ${reason.toString()}` : slow
        delay = backoff.max()
        log.error({ close_code: code, reason: reason.toString(), retry_in_ms: delay }, `${slow}; retrying at the backoff cap until a valid token or compatible node connects`)
        return scheduleReconnect(delay)
      }
      if (httpStatus !== null) {
        lastError = httpStatus === 401 ? 'the control plane refused the token (HTTP 401)' : `the control plane answered HTTP ${httpStatus} to the upgrade`
        delay = httpStatus === 401 || httpStatus === 403 ? backoff.max() : backoff.next()
      } else {
        if (wasConnected && lastError === null) lastError = `connection closed (code ${code})`
        delay = backoff.next()
      }
      if (wasConnected || lastError !== lastLoggedError) {
        log.warn({ close_code: code, error: lastError, retry_in_ms: delay }, wasConnected ? 'control plane connection lost; reconnecting' : 'cannot reach the control plane; retrying')
        lastLoggedError = lastError
      } else {
        log.debug({ error: lastError, retry_in_ms: delay }, 'control plane still unreachable')
      }
      scheduleReconnect(delay)
    })
  }

  return {
    start () {
      if (started) return
      started = true
      log.info({ url: endpoint, node_id: options.identity.nodeId }, 'sync client starting')
      connect()
    },
    status () {
      return { url: endpoint, node_id: options.identity.nodeId, connected, sync_status: syncStatus, last_error: lastError }
    },
    idle: applier.idle,
    async close () {
      closed = true
      if (retryTimer !== null) retryTimer.cancel()
      const ws = socket
      if (ws !== null && ws.readyState !== WebSocket.CLOSED) {
        const done = new Promise<void>((resolve) => ws.once('close', () => resolve()))
        if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'node shutting down')
        else ws.terminate()
        const timer = setTimeout(() => ws.terminate(), 2000)
        await done
        clearTimeout(timer)
      }
      connected = false
      syncStatus = 'disconnected'
      await applier.idle()
    }
  }
}
