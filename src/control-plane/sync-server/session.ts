import { randomUUID } from 'node:crypto'
import type { WebSocket, RawData } from 'ws'
import { SyncCloseCodes, type HelloMessage, type SyncStatus, type ControlPlaneMessage, type SetTargetHealthMessage } from '../../contract/sync-protocol.js'
import type { ErrorCode } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { Db } from '../store/db.js'
import { nowSeconds } from '../shared/ids.js'
import type { TokenGrant } from '../data-plane-tokens/index.js'
import { describeApplyError, missingPlugins, parseHello, parseNodeMessage, pluginProblem, versionProblem } from './hello.js'
import { markDisconnected, touchNode, updateNodeStatus, upsertNode, type NodeKey } from './node-store.js'
import type { Snapshot } from './snapshot-build.js'
import type { SnapshotFeed } from './snapshot-feed.js'
import { parseUpstreamHealth, saveUpstreamHealth } from './upstream-health-store.js'
import type { AnalyticsIngest } from '../analytics/index.js'
import type { SyncObserver } from '../metrics/observers.js'

// One node's WebSocket: awaiting hello → ready (receives snapshots) → closed.
//
// The socket's events run on the event loop one at a time; the only awaits are DB writes (queued
// on one chain per session, so the node's row sees them in order) and the feed's first build.
// `ready` is set in the same synchronous step that sends the first snapshot, so a snapshot
// published meanwhile is either that one or pushed after it, never lost or sent out of order.

export interface SessionContext {
  db: Db
  log: Logger
  cpVersion: string
  helloTimeoutMs: number
  feedFor: (runtimeGroupId: string) => SnapshotFeed
  currentVersion: (runtimeGroupId: string) => Promise<number | null>
  onClose: (session: Session) => void
  analytics?: AnalyticsIngest
  observer?: SyncObserver
}

/** Analytics reports waiting to be stored per session; past this a report is dropped unacked (the node resends it). */
const MAX_PENDING_REPORTS = 1000

export interface Session {
  readonly id: string
  readonly grant: TokenGrant
  /** True once the hello was accepted (the node has a row). */
  readonly ready: boolean
  /** Sends a newly built snapshot of the group (when the node has the plugins it uses). */
  push: (snapshot: Snapshot) => void
  /** Pings, or terminates a node not heard from for `timeoutMs`. */
  heartbeat: (now: number, timeoutMs: number) => void
  /** Sends a target mark when the node is ready and speaks `upstream_health`; whether it was sent. */
  send: (message: SetTargetHealthMessage) => boolean
  /** Sends `error` then closes with `code`. */
  end: (code: number, errorCode: ErrorCode | null, message: string) => void
  /** Resolves once the socket is closed and the node's row is written. */
  readonly closed: Promise<void>
}

export function startSession (ws: WebSocket, grant: TokenGrant, ctx: SessionContext): Session {
  const id = randomUUID()
  const groupId = grant.runtimeGroup.id
  let log = ctx.log.child({ runtime_group: grant.runtimeGroup.name, session: id })
  let hello: HelloMessage | null = null
  let key: NodeKey | null = null
  let ready = false
  let ending = false
  let pluginsOk = true
  let sentVersion = -1
  let deltas = false
  let outbox: Promise<void> = Promise.resolve()
  let lastHeard = Date.now()
  let writes: Promise<void> = Promise.resolve()
  let reports: Promise<void> = Promise.resolve()
  let pendingReports = 0
  let resolveClosed = (): void => {}
  const closed = new Promise<void>((resolve) => { resolveClosed = resolve })

  function write (what: string, fn: (now: number) => Promise<void>): Promise<void> {
    writes = writes.then(() => fn(nowSeconds())).catch((err: unknown) => log.error({ err, write: what }, 'node row write failed'))
    return writes
  }

  function sendJson (message: ControlPlaneMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }

  function end (code: number, errorCode: ErrorCode | null, message: string): void {
    if (ending) return
    ending = true
    if (errorCode !== null) sendJson({ type: 'error', code: errorCode, message })
    ws.close(code, message.slice(0, 120))
  }

  /** Binary frames leave in the order they were chosen, even while a full snapshot is still being serialised. */
  function sendFrame (bytes: Buffer | Promise<Buffer>): void {
    outbox = outbox.then(async () => {
      const frame = await bytes
      if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true })
    }).catch((err: unknown) => log.error({ err }, 'sending a config frame failed'))
  }

  /** The delta when the node speaks deltas and was sent its base version, else the full snapshot. */
  function sendSnapshot (snapshot: Snapshot): void {
    if (snapshot.version <= sentVersion || ws.readyState !== ws.OPEN) return
    const delta = snapshot.delta !== null && deltas && snapshot.delta.baseVersion === sentVersion ? snapshot.delta : null
    sentVersion = snapshot.version
    sendFrame(delta?.bytes ?? snapshot.bytes)
    ctx.observer?.snapshotSent(grant.runtimeGroup.name, delta === null ? 'full' : 'delta')
  }

  /**
   * Reports are stored one at a time per session and acked once committed (or found to be a
   * duplicate); a report that is rejected or not stored gets no ack, so the node sends it again.
   */
  function onAnalytics (data: unknown): void {
    const ingest = ctx.analytics
    if (ingest === undefined || key === null) return
    if (pendingReports >= MAX_PENDING_REPORTS) {
      log.warn({ pending: pendingReports }, 'analytics report not stored: too many pending for this node')
      return
    }
    pendingReports++
    const source = { runtimeGroupId: groupId, nodeId: key.nodeId }
    reports = reports.then(async () => {
      // A node that left resends what it did not get acked: nothing to store for it now.
      if (ws.readyState !== ws.OPEN) return
      const ack = await ingest.ingest(source, data, log)
      if (ack !== null) sendJson(ack)
    }).catch((err: unknown) => log.error({ err }, 'analytics report handling failed')).finally(() => { pendingReports-- })
  }

  /** The node's whole health view replaces its previous one (on the node row's write chain, so in order). */
  function onUpstreamHealth (data: unknown): void {
    const report = parseUpstreamHealth(data)
    if (report === null || key === null) {
      log.warn('upstream_health report ignored: not a report')
      return
    }
    const nodeId = key.nodeId
    void write('upstream_health', (now) => saveUpstreamHealth(ctx.db, groupId, nodeId, report, now))
  }

  function welcome (status: SyncStatus, message?: string, config?: { version: number, hash: string }): void {
    sendJson({ type: 'welcome', runtime_group: grant.runtimeGroup, sync_status: status, ...(message === undefined ? {} : { message }), ...(config === undefined ? {} : { config }) })
  }

  async function onHello (data: unknown): Promise<void> {
    const parsed = parseHello(data)
    if (!parsed.ok) {
      log.warn({ reason: parsed.message }, 'node refused: bad hello')
      end(SyncCloseCodes.BAD_HELLO, 'ATRIUM_ERR_SYNC_BAD_HELLO', parsed.message)
      return
    }
    const h = parsed.hello
    hello = h
    deltas = h.features?.includes('delta') === true
    key = { runtimeGroupId: groupId, nodeId: h.node_id, sessionId: id }
    log = log.child({ node_id: h.node_id, hostname: h.hostname })
    const row = { tokenId: grant.tokenId, hostname: h.hostname, version: h.version, plugins: h.plugins, configHash: h.config_hash, configVersion: null }
    const problem = versionProblem(h, ctx.cpVersion)
    if (problem !== null) {
      await write('hello', (now) => upsertNode(ctx.db, key as NodeKey, { ...row, syncStatus: 'version_incompatible', lastError: problem }, now))
      log.warn({ node_version: h.version, protocol: h.protocol, reason: problem }, 'node refused: incompatible version')
      welcome('version_incompatible', problem)
      end(SyncCloseCodes.INCOMPATIBLE, null, problem)
      return
    }
    const feed = ctx.feedFor(groupId)
    const version = await ctx.currentVersion(groupId)
    if (version !== null) await feed.want(version)
    if (ending) return
    const first = feed.latest
    const missing = first === null ? [] : missingPlugins(first.plugins, h.plugins)
    pluginsOk = missing.length === 0
    const inSync = first !== null && h.config_hash === first.hash
    const status: SyncStatus = !pluginsOk ? 'plugin_set_incompatible' : inSync ? 'in_sync' : 'syncing'
    const lastError = pluginsOk ? null : pluginProblem(missing)
    await write('hello', (now) => upsertNode(ctx.db, key as NodeKey, { ...row, configVersion: inSync ? first.version : null, syncStatus: status, lastError }, now))
    if (ending || ws.readyState !== ws.OPEN) return
    // Synchronous from here: no snapshot can be published between choosing and sending.
    const current = feed.latest
    ready = true
    const upToDate = inSync && pluginsOk && current !== null && current.version === first.version
    welcome(status, lastError ?? undefined, upToDate ? { version: current.version, hash: current.hash } : undefined)
    log.info({ node_version: h.version, config_hash: h.config_hash, sync_status: status }, 'node connected')
    if (current === null || !pluginsOk) return
    if (inSync && current.version === first?.version) sentVersion = current.version
    else push(current)
  }

  function push (snapshot: Snapshot): void {
    if (!ready || hello === null || ending) return
    const missing = missingPlugins(snapshot.plugins, hello.plugins)
    const ok = missing.length === 0
    if (ok !== pluginsOk) {
      // The group started (or stopped) using a plugin this node lacks: tell it, and record it.
      pluginsOk = ok
      const status: SyncStatus = ok ? 'syncing' : 'plugin_set_incompatible'
      const message = ok ? undefined : pluginProblem(missing)
      welcome(status, message)
      void write('status', (now) => updateNodeStatus(ctx.db, key as NodeKey, { syncStatus: status, lastError: message ?? null }, now))
      log.warn({ sync_status: status, missing }, 'node plugin set changed compatibility')
    }
    if (ok) sendSnapshot(snapshot)
  }

  function onMessage (raw: RawData, isBinary: boolean): void {
    lastHeard = Date.now()
    if (ending) return
    let data: unknown
    try {
      data = isBinary ? undefined : JSON.parse(raw.toString())
    } catch {
      data = undefined
    }
    if (hello === null) {
      void onHello(data).catch((err: unknown) => {
        log.error({ err }, 'hello handling failed')
        end(SyncCloseCodes.GOING_AWAY, null, 'internal error')
      })
      return
    }
    if (!ready) return
    if ((data as { type?: unknown } | undefined)?.type === 'analytics') {
      onAnalytics(data)
      return
    }
    if ((data as { type?: unknown } | undefined)?.type === 'upstream_health') {
      onUpstreamHealth(data)
      return
    }
    const m = parseNodeMessage(data)
    if (m === null) {
      log.warn({ type: (data as { type?: unknown } | undefined)?.type }, 'node message ignored: not an ack or apply_error')
      return
    }
    const latest = ctx.feedFor(groupId).latest
    if (m.type === 'resync') {
      log.info({ reason: m.reason }, 'node asked for the full snapshot')
      if (latest !== null && pluginsOk && ws.readyState === ws.OPEN) {
        sentVersion = latest.version
        sendFrame(latest.bytes)
        ctx.observer?.snapshotSent(grant.runtimeGroup.name, 'full')
      }
      return
    }
    if (m.type === 'ack') {
      const status: SyncStatus = latest === null || m.version >= latest.version ? 'in_sync' : 'syncing'
      void write('ack', (now) => updateNodeStatus(ctx.db, key as NodeKey, { syncStatus: status, lastError: null, configHash: m.hash, configVersion: m.version }, now))
      log.info({ version: m.version, hash: m.hash }, 'node applied snapshot')
    } else {
      const lastError = describeApplyError(m)
      void write('apply_error', (now) => updateNodeStatus(ctx.db, key as NodeKey, { syncStatus: 'apply_failed', lastError }, now))
      log.warn({ version: m.version, hash: m.hash, reason: lastError }, 'node rejected snapshot')
    }
  }

  const helloTimer = setTimeout(() => {
    if (hello === null) end(SyncCloseCodes.BAD_HELLO, 'ATRIUM_ERR_SYNC_BAD_HELLO', `no hello within ${ctx.helloTimeoutMs} ms`)
  }, ctx.helloTimeoutMs)

  ws.on('message', onMessage)
  ws.on('pong', () => { lastHeard = Date.now() })
  ws.on('error', (err) => log.warn({ err }, 'node socket error'))
  ws.on('close', (code) => {
    clearTimeout(helloTimer)
    ending = true
    ready = false
    ctx.onClose(session)
    if (key !== null) {
      log.info({ code }, 'node disconnected')
      void write('close', (now) => markDisconnected(ctx.db, key as NodeKey, now))
    }
    void Promise.all([writes, reports]).then(() => resolveClosed())
  })

  const session: Session = {
    id,
    grant,
    get ready () { return ready },
    push,
    end,
    closed,
    send (message) {
      if (!ready || hello?.features?.includes('upstream_health') !== true || ws.readyState !== ws.OPEN) return false
      sendJson(message)
      return true
    },
    heartbeat (now, timeoutMs) {
      if (ws.readyState !== ws.OPEN) return
      if (now - lastHeard > timeoutMs) {
        log.warn({ silent_ms: now - lastHeard }, 'node dropped: no heartbeat')
        ws.terminate()
        return
      }
      ws.ping()
      if (ready && key !== null) void write('heartbeat', (s) => touchNode(ctx.db, key as NodeKey, s))
    }
  }
  return session
}
