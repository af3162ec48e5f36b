import { createServer, type IncomingMessage, type RequestListener } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { SYNC_MAX_PAYLOAD, SYNC_PATH, SyncCloseCodes, type SetTargetHealthMessage } from '../../contract/sync-protocol.js'
import type { Logger } from '../../log.js'
import { ATRIUM_VERSION } from '../../version.js'
import { listenOn, type ListenAddress } from '../../listen-address.js'
import type { DataPlaneHub } from '../deps.js'
import type { AnalyticsIngest } from '../analytics/index.js'
import type { SyncObserver } from '../metrics/observers.js'
import type { Db } from '../store/db.js'
import { nowSeconds } from '../shared/ids.js'
import { bearerToken, findGrant, hashToken, touchToken, type TokenGrant } from '../data-plane-tokens/index.js'
import { nodeWindow, purgeNodes } from './node-store.js'
import { purgeUpstreamHealth } from './upstream-health-store.js'
import { startSession, type Session } from './session.js'
import { createMarkRelay } from './target-marks.js'
import { createSnapshotFeed, type SnapshotFeed } from './snapshot-feed.js'
import { resolveTimings, staleAfterSeconds, type SyncTimings } from './sync-options.js'

// The cluster listener: data-plane nodes connect to /v1/sync with a bearer token, which decides
// their runtime group (a node can never ask for another one).
//
// How changes reach nodes: after every committed Admin API transaction of this process
// (`notifyCommitted`) and every `pollIntervalMs`, one query reads the config_version of each group
// with sessions, and whether each session's token still exists. A newer version is announced to the
// group's SnapshotFeed, which builds one snapshot (coalescing bursts) and pushes its bytes to every
// session of the group. The poll is what makes several CP replicas on one PostgreSQL converge:
// a commit on replica A reaches the nodes of replica B within one poll interval, and a token
// revoked on A closes B's sessions (4001) at B's next poll, and an operator's target mark taken by A
// reaches B's nodes at B's next poll (target-marks.ts). Polls never overlap; a commit during a poll
// schedules one more.

export interface SyncServerOptions {
  db: Db
  logger: Logger
  timings?: Partial<SyncTimings>
  /** The Atrium version nodes are checked against (default: this package's). */
  cpVersion?: string
  /** Stores nodes' `analytics` reports (ignored without it). */
  analytics?: AnalyticsIngest
  /** Snapshot build times and pushes, for metrics. */
  observer?: SyncObserver
  /** Serve the cluster listener over TLS (nodes connect with wss://). */
  tls?: ClusterTls
}

/** The cluster listener's TLS: its certificate, and with `mtls` the CA every node's client certificate must chain to. */
export interface ClusterTls {
  cert: string
  key: string
  /** Required with `mtls`: node certificates are verified against it (and only it). */
  ca?: string
  mtls: boolean
}

function clusterServer (tls: ClusterTls | undefined, handler: RequestListener): ReturnType<typeof createServer> {
  if (tls === undefined) return createServer(handler)
  return createTlsServer({
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2',
    // Mutual TLS: a node without a certificate signed by the CA fails the handshake, before any token is read.
    ...(tls.mtls ? { requestCert: true, rejectUnauthorized: true, ca: tls.ca } : {})
  }, handler) as unknown as ReturnType<typeof createServer>
}

export interface SyncServer extends DataPlaneHub {
  listen: (address: ListenAddress) => Promise<AddressInfo>
  /** A transaction committed in this process: poll now instead of at the next tick. */
  notifyCommitted: () => void
  /** Snapshots built so far for a group (0 when none). */
  buildsOf: (runtimeGroupId: string) => number
  close: () => Promise<void>
}

function reject (socket: Duplex, status: 401 | 404 | 503, reason: string): void {
  const body = JSON.stringify({ message: reason })
  socket.once('finish', () => socket.destroy())
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Service Unavailable'}\r\n` +
    `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
}

export function createSyncServer (options: SyncServerOptions): SyncServer {
  const { db } = options
  const log = options.logger.child({ component: 'sync-server' })
  const timings = resolveTimings(options.timings)
  const stale = staleAfterSeconds(timings)
  const sessions = new Map<string, Set<Session>>()
  const feeds = new Map<string, SnapshotFeed>()
  const pending = new Set<Promise<unknown>>()
  const timers: NodeJS.Timeout[] = []
  let closing = false
  let polling: Promise<void> | null = null
  let pollAgain = false
  const marks = createMarkRelay()

  function sendToGroup (groupId: string, message: SetTargetHealthMessage): number {
    let reached = 0
    for (const s of sessions.get(groupId) ?? []) if (s.send(message)) reached++
    return reached
  }

  function track<T> (p: Promise<T>): void {
    pending.add(p)
    void p.finally(() => pending.delete(p)).catch(() => {})
  }

  function feedFor (groupId: string): SnapshotFeed {
    let feed = feeds.get(groupId)
    if (feed === undefined) {
      feed = createSnapshotFeed({
        db,
        runtimeGroupId: groupId,
        log,
        onSnapshot: (snapshot) => { for (const s of sessions.get(groupId) ?? []) s.push(snapshot) },
        onBuilt: (ms) => {
          const any = sessions.get(groupId)?.values().next().value
          options.observer?.snapshotBuilt(any?.grant.runtimeGroup.name ?? groupId, ms / 1000)
        }
      })
      feeds.set(groupId, feed)
    }
    return feed
  }

  async function currentVersion (groupId: string): Promise<number | null> {
    const rows = await db.query<{ config_version: unknown }>('SELECT config_version FROM runtime_groups WHERE id = $1', [groupId])
    return rows.length === 0 ? null : Number(rows[0].config_version)
  }

  async function poll (): Promise<void> {
    const groupIds = [...sessions.keys()]
    if (groupIds.length === 0) return
    const tokenIds = [...new Set([...sessions.values()].flatMap((set) => [...set].map((s) => s.grant.tokenId)))]
    const g = groupIds.map((_, i) => `$${i + 1}`).join(', ')
    const t = tokenIds.map((_, i) => `$${groupIds.length + i + 1}`).join(', ')
    const rows = await db.query<{ kind: string, id: string, v: unknown }>(
      `SELECT 'g' AS kind, id, config_version AS v FROM runtime_groups WHERE id IN (${g})
       UNION ALL SELECT 't' AS kind, id, 0 AS v FROM data_plane_tokens WHERE id IN (${t})`, [...groupIds, ...tokenIds])
    const liveTokens = new Set(rows.filter((r) => r.kind === 't').map((r) => r.id))
    for (const r of rows) {
      const feed = r.kind === 'g' ? feeds.get(r.id) : undefined
      if (feed !== undefined && Number(r.v) > (feed.latest?.version ?? -1)) track(feed.want(Number(r.v)))
    }
    for (const tokenId of tokenIds) if (!liveTokens.has(tokenId)) disconnectToken(tokenId)
    for (const m of await marks.poll(db, groupIds)) {
      const reached = sendToGroup(m.runtimeGroupId, m.message)
      log.info({ runtime_group_id: m.runtimeGroupId, upstream: m.message.upstream, target: m.message.target, healthy: m.message.healthy, reached }, 'target mark from another control plane forwarded')
    }
  }

  function kick (): void {
    if (closing) return
    if (polling !== null) {
      pollAgain = true
      return
    }
    polling = poll().catch((err: unknown) => log.warn({ err }, 'sync poll failed')).finally(() => {
      polling = null
      if (pollAgain) {
        pollAgain = false
        kick()
      }
    })
  }

  function disconnectToken (tokenId: string): void {
    for (const set of sessions.values()) {
      for (const s of set) {
        if (s.grant.tokenId !== tokenId) continue
        log.info({ token_id: tokenId, session: s.id }, 'node disconnected: token revoked')
        s.end(SyncCloseCodes.TOKEN_REVOKED, 'ATRIUM_ERR_SYNC_TOKEN_REVOKED', 'the data-plane token was revoked')
      }
    }
  }

  function onClose (session: Session): void {
    const set = sessions.get(session.grant.runtimeGroup.id)
    set?.delete(session)
    if (set?.size === 0) sessions.delete(session.grant.runtimeGroup.id)
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: SYNC_MAX_PAYLOAD, perMessageDeflate: false })
  const sessionContext = {
    db, log, cpVersion: options.cpVersion ?? ATRIUM_VERSION, helloTimeoutMs: timings.helloTimeoutMs, feedFor, currentVersion, onClose,
    analytics: options.analytics, observer: options.observer
  }

  function accept (req: IncomingMessage, socket: Duplex, head: Buffer, grant: TokenGrant): void {
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closing) {
        ws.close(SyncCloseCodes.GOING_AWAY, 'control plane shutting down')
        return
      }
      const session = startSession(ws, grant, sessionContext)
      let set = sessions.get(grant.runtimeGroup.id)
      if (set === undefined) sessions.set(grant.runtimeGroup.id, set = new Set())
      set.add(session)
      track(touchToken(db, grant.tokenId, nowSeconds()).catch((err: unknown) => log.warn({ err }, 'token last_used_at update failed')))
    })
  }

  const server = clusterServer(options.tls, (req, res) => {
    const body = JSON.stringify({ message: `this is the cluster listener: data planes open a WebSocket at ${SYNC_PATH}` })
    res.writeHead(426, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), upgrade: 'websocket', connection: 'close' })
    res.end(body)
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {})
    const path = (req.url ?? '').split('?', 1)[0]
    if (path !== SYNC_PATH) return reject(socket, 404, `no WebSocket endpoint at ${path}; data planes connect to ${SYNC_PATH}`)
    const token = bearerToken(req.headers.authorization)
    if (token === null || closing) return reject(socket, closing ? 503 : 401, closing ? 'control plane shutting down' : 'a data-plane token is required (Authorization: Bearer …)')
    findGrant(db, hashToken(token)).then((grant) => {
      if (grant === null) {
        log.warn({ remote: req.socket.remoteAddress }, 'node refused: unknown data-plane token')
        reject(socket, 401, 'unknown or revoked data-plane token')
      } else {
        accept(req, socket, head, grant)
      }
    }, (err: unknown) => {
      log.error({ err }, 'token lookup failed')
      reject(socket, 503, 'the control plane cannot check tokens now')
    })
  })

  async function purge (): Promise<void> {
    const purged = await purgeNodes(db, nodeWindow(nowSeconds(), stale, timings.purgeAfterSeconds))
    if (purged > 0) await purgeUpstreamHealth(db)
    if (purged > 0) log.info({ purged }, 'disconnected nodes purged')
    await marks.purge(db)
  }

  return {
    staleAfterSeconds: stale,
    purgeAfterSeconds: timings.purgeAfterSeconds,
    disconnectToken,
    async setTargetHealth (groupId, message) {
      const reached = sendToGroup(groupId, message)
      await marks.record(db, groupId, message)
      return reached
    },
    notifyCommitted: kick,
    buildsOf: (groupId) => feeds.get(groupId)?.builds ?? 0,
    async listen (address) {
      const bound = await listenOn(server, address, 'cluster')
      timers.push(setInterval(kick, timings.pollIntervalMs))
      timers.push(setInterval(() => {
        const now = Date.now()
        for (const set of sessions.values()) for (const s of set) s.heartbeat(now, timings.heartbeatTimeoutMs)
      }, timings.heartbeatIntervalMs))
      const purgeEvery = Math.min(60_000, Math.max(250, timings.purgeAfterSeconds * 500))
      timers.push(setInterval(() => { if (!closing) track(purge().catch((err: unknown) => log.warn({ err }, 'node purge failed'))) }, purgeEvery))
      log.info({ address: bound.address, port: bound.port, path: SYNC_PATH }, 'cluster listening')
      return bound
    },
    async close () {
      closing = true
      for (const t of timers) clearInterval(t)
      const all = [...sessions.values()].flatMap((set) => [...set])
      for (const s of all) s.end(SyncCloseCodes.GOING_AWAY, null, 'control plane shutting down')
      const grace = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())
      await Promise.race([Promise.all(all.map((s) => s.closed)), grace])
      for (const ws of wss.clients) ws.terminate()
      await Promise.all(all.map((s) => s.closed))
      await polling
      await Promise.allSettled([...pending])
      wss.close()
      if (server.listening) {
        server.close()
        server.closeAllConnections()
      }
    }
  }
}
