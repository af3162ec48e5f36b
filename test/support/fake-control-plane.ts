import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import { WebSocketServer, type WebSocket } from 'ws'
import { loadDeclarativeDocument } from '../../src/contract/index.js'
import {
  SYNC_MAX_PAYLOAD,
  SYNC_PATH,
  type AckMessage,
  type AnalyticsMessage,
  type ApplyErrorMessage,
  type HelloMessage,
  type ResyncMessage,
  type SyncStatus
} from '../../src/contract/sync-protocol.js'

// The control plane's side of the sync protocol, just enough to drive a real data-plane node: a
// node:http server with a ws server on 127.0.0.1 that checks the bearer token at the upgrade, waits
// for hello, answers welcome, pushes gzip snapshots built from a Kong declarative document with the
// real hashGatewayConfig (through loadDeclarativeDocument), and records what nodes send back (analytics
// reports are acked unless ackAnalytics is false). It can
// stop and start again on the same port (a CP restart) and go silent (stop answering pings).

export interface FakeSnapshot {
  version: number
  hash: string
  config: Record<string, unknown>
  frame: Buffer
}

export interface FakeNodeSession {
  ws: WebSocket
  hello: HelloMessage
}

export type NodeEvent =
  | { type: 'hello', message: HelloMessage }
  | { type: 'ack', message: AckMessage }
  | { type: 'apply_error', message: ApplyErrorMessage }
  | { type: 'resync', message: ResyncMessage }
  | { type: 'analytics', message: AnalyticsMessage }
  | { type: 'ping' }
  | { type: 'unauthorized', token: string | null }
  | { type: 'disconnect', code: number }

export interface FakeControlPlane {
  /** `ws://127.0.0.1:PORT` (what `--control-plane` takes). */
  url: string
  port: number
  /** Every message and connection event, in order, across restarts. */
  events: NodeEvent[]
  hellos: () => HelloMessage[]
  acks: () => AckMessage[]
  applyErrors: () => ApplyErrorMessage[]
  /** Every analytics report received, in arrival order (duplicates included). */
  analytics: () => AnalyticsMessage[]
  /** When false, analytics reports are recorded but not acked (default true). */
  ackAnalytics: boolean
  sessions: Set<FakeNodeSession>
  /** The snapshot sent after hello to nodes that do not have its hash (null: send none). */
  current: FakeSnapshot | null
  /** sync_status sent in welcome (default: syncing/in_sync as the node needs). */
  welcomeStatus: SyncStatus | null
  /** When false, pings are not answered (the ws server's automatic pong is off). */
  answerPings: boolean
  /** Builds a snapshot from a declarative document (hash from the real contract, overridable). */
  buildSnapshot: (doc: Record<string, unknown>, options?: { version?: number, hash?: string }) => FakeSnapshot
  /** Makes `doc` the current config and pushes it to every connected node. */
  publish: (doc: Record<string, unknown>, options?: { version?: number, hash?: string }) => FakeSnapshot
  /** Sends raw bytes as a binary frame to every connected node. */
  pushFrame: (frame: Buffer) => void
  /** Resolves with the first event (already seen or future) that satisfies `predicate`. */
  waitFor: <E extends NodeEvent>(predicate: (e: NodeEvent) => e is E, timeoutMs?: number) => Promise<E>
  /** Closes every node's socket with `code`. */
  closeAll: (code: number, reason?: string) => void
  stop: () => Promise<void>
  /** Listens again on the same port. */
  start: () => Promise<void>
}

export interface FakeControlPlaneOptions {
  tokens?: string[]
  port?: number
}

export async function startFakeControlPlane (options: FakeControlPlaneOptions = {}): Promise<FakeControlPlane> {
  const tokens = new Set(options.tokens ?? ['test-token'])
  let version = 0
  let server: Server | null = null
  let wss: WebSocketServer | null = null
  const sockets = new Set<Socket>()
  const waiters: Array<{ predicate: (e: NodeEvent) => boolean, resolve: (e: NodeEvent) => void }> = []

  function record (event: NodeEvent): void {
    cp.events.push(event)
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].predicate(event)) { waiters[i].resolve(event); waiters.splice(i, 1) }
    }
  }

  function onConnection (ws: WebSocket): void {
    let session: FakeNodeSession | null = null
    ws.on('ping', (data) => {
      record({ type: 'ping' })
      if (cp.answerPings) ws.pong(data)
    })
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      const message = JSON.parse(data.toString()) as { type: string }
      if (message.type === 'hello') {
        const hello = message as HelloMessage
        session = { ws, hello }
        cp.sessions.add(session)
        record({ type: 'hello', message: hello })
        const needs = cp.current !== null && cp.current.hash !== hello.config_hash
        ws.send(JSON.stringify({
          type: 'welcome',
          runtime_group: { id: '00000000-0000-4000-8000-000000000001', name: 'default' },
          sync_status: cp.welcomeStatus ?? (cp.current === null ? 'in_sync' : needs ? 'syncing' : 'in_sync'),
          // Like the real CP: a node that has the current hash is told the version it is current at.
          ...(needs || cp.current === null || cp.welcomeStatus !== null ? {} : { config: { version: cp.current.version, hash: cp.current.hash } })
        }))
        if (needs && cp.welcomeStatus === null && cp.current !== null) ws.send(cp.current.frame, { binary: true })
      } else if (message.type === 'ack') {
        record({ type: 'ack', message: message as AckMessage })
      } else if (message.type === 'apply_error') {
        record({ type: 'apply_error', message: message as ApplyErrorMessage })
      } else if (message.type === 'resync') {
        record({ type: 'resync', message: message as ResyncMessage })
      } else if (message.type === 'analytics') {
        const report = message as AnalyticsMessage
        record({ type: 'analytics', message: report })
        if (cp.ackAnalytics) ws.send(JSON.stringify({ type: 'analytics_ack', boot_id: report.boot_id, seq: report.seq }))
      }
    })
    ws.on('close', (code) => {
      if (session !== null) cp.sessions.delete(session)
      record({ type: 'disconnect', code })
    })
  }

  async function start (): Promise<void> {
    const http = createServer((_req, res) => { res.writeHead(404).end() })
    const ws = new WebSocketServer({ noServer: true, maxPayload: SYNC_MAX_PAYLOAD, perMessageDeflate: false, autoPong: false })
    ws.on('connection', onConnection)
    http.on('connection', (s: Socket) => { sockets.add(s); s.once('close', () => sockets.delete(s)) })
    http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const auth = req.headers.authorization ?? ''
      const token = auth.startsWith('Bearer ') ? auth.slice(7) : null
      if (req.url !== SYNC_PATH || token === null || !tokens.has(token)) {
        record({ type: 'unauthorized', token })
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }
      ws.handleUpgrade(req, socket, head, (client) => ws.emit('connection', client, req))
    })
    http.listen(cp.port, '127.0.0.1')
    await once(http, 'listening')
    cp.port = (http.address() as AddressInfo).port
    cp.url = `ws://127.0.0.1:${cp.port}`
    server = http
    wss = ws
  }

  function buildSnapshot (doc: Record<string, unknown>, opts: { version?: number, hash?: string } = {}): FakeSnapshot {
    const result = loadDeclarativeDocument(doc)
    const realHash = result.ok ? result.hash : 'invalid-config'
    const snapshotVersion = opts.version ?? ++version
    const hash = opts.hash ?? realHash
    const frame = gzipSync(JSON.stringify({ type: 'snapshot', version: snapshotVersion, hash, config: doc }))
    return { version: snapshotVersion, hash, config: doc, frame }
  }

  const cp: FakeControlPlane = {
    url: '',
    port: options.port ?? 0,
    events: [],
    hellos: () => cp.events.flatMap((e) => e.type === 'hello' ? [e.message] : []),
    acks: () => cp.events.flatMap((e) => e.type === 'ack' ? [e.message] : []),
    applyErrors: () => cp.events.flatMap((e) => e.type === 'apply_error' ? [e.message] : []),
    analytics: () => cp.events.flatMap((e) => e.type === 'analytics' ? [e.message] : []),
    ackAnalytics: true,
    sessions: new Set(),
    current: null,
    welcomeStatus: null,
    answerPings: true,
    buildSnapshot,
    publish (doc, opts) {
      const snapshot = buildSnapshot(doc, opts)
      cp.current = snapshot
      for (const s of cp.sessions) s.ws.send(snapshot.frame, { binary: true })
      return snapshot
    },
    pushFrame (frame) {
      for (const s of cp.sessions) s.ws.send(frame, { binary: true })
    },
    waitFor (predicate, timeoutMs = 10_000) {
      const seen = cp.events.find(predicate)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake control plane: timed out; events: ${JSON.stringify(cp.events.map((e) => e.type))}`)), timeoutMs)
        waiters.push({ predicate, resolve: (e) => { clearTimeout(timer); resolve(e as never) } })
      })
    },
    closeAll (code, reason = '') {
      for (const s of cp.sessions) s.ws.close(code, reason)
    },
    async stop () {
      if (server === null) return
      for (const client of wss?.clients ?? []) client.terminate()
      wss?.close()
      for (const s of sockets) s.destroy()
      const closed = once(server, 'close')
      server.close()
      await closed
      server = null
      wss = null
      cp.sessions.clear()
    },
    start
  }
  await start()
  return cp
}

/** A Kong 3.0 declarative document: one service per upstream, one route per path prefix. */
export function kongDocument (services: Array<{ name: string, port: number, paths: string[] }>): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: services.map((s) => ({
      name: s.name,
      url: `http://127.0.0.1:${s.port}`,
      routes: [{ name: `${s.name}-route`, paths: s.paths }]
    }))
  }
}
