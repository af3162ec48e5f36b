import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { WebSocket } from 'ws'
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../../src/control-plane/control-plane.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { SYNC_PATH, SYNC_PROTOCOL_VERSION, type HelloMessage, type SnapshotMessage } from '../../../src/contract/sync-protocol.js'
import { applyConfigDelta, documentLayout } from '../../../src/contract/config-delta.js'
import { loadDeclarativeDocument } from '../../../src/contract/index.js'
import { ATRIUM_VERSION } from '../../../src/version.js'
import { httpCall } from '../../support/http-client.js'
import { storeFor, type StoreKind, type SuiteStore } from '../../support/stores.js'

// A control plane in-process with a port-0 cluster listener and short sync timings, a JSON client
// for its Admin API, and real `ws` clients playing data-plane nodes.

export interface Reply { status: number, body: any, text: string }
export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Reply>

export interface Kit {
  cp: ControlPlane
  call: Call
  /** Every pino line the CP logged, parsed. */
  logs: Array<Record<string, any>>
  syncUrl: string
  dbUrl: string
}

export const FAST = { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 400, helloTimeoutMs: 500, pollIntervalMs: 50 }
/** FAST, but a silent node is dropped only after 10 s: for tests that are not about liveness (a loaded CI machine can stall 400 ms). */
export const PATIENT = { ...FAST, heartbeatTimeoutMs: 10_000 }

export function adminClient (port: number): Call {
  const base = `http://127.0.0.1:${port}`
  return async (method, path, body, headers = {}) => {
    const text = body === undefined ? undefined : JSON.stringify(body)
    const r = await httpCall(base + path, { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body: text })
    let parsed: unknown
    try { parsed = r.body === '' ? undefined : JSON.parse(r.body) } catch { parsed = undefined }
    return { status: r.status, body: parsed, text: r.body }
  }
}

/** `target`: the suite's store (describeStores), or a backend for a test about one backend only; `dbUrl` overrides both. */
export async function startKit (t: TestContext, target: SuiteStore | StoreKind, options: Partial<ControlPlaneOptions> & { dbUrl?: string } = {}): Promise<Kit> {
  const store = options.dbUrl === undefined ? await storeFor(target) : null
  const dbUrl = options.dbUrl ?? (store as { url: string }).url
  const logs: Array<Record<string, any>> = []
  const sink = new Writable({ write (chunk, _enc, cb) { for (const line of String(chunk).split('\n')) if (line !== '') logs.push(JSON.parse(line)); cb() } })
  const cp = await startControlPlane({
    dbUrl,
    adminListen: { host: '127.0.0.1', port: 0 },
    clusterListen: { host: '127.0.0.1', port: 0 },
    auth: createAdminAuth({}),
    logger: pino({ level: 'info' }, sink),
    syncTimings: FAST,
    ...options
  })
  t.after(async () => { await cp.close(); await store?.drop() })
  const address = cp.clusterAddress
  if (address === null) throw new Error('no cluster listener')
  return { cp, call: adminClient(cp.adminAddress.port), logs, syncUrl: `ws://127.0.0.1:${address.port}${SYNC_PATH}`, dbUrl }
}

/** Creates a group and a token for it; returns the token secret and id. */
export async function groupWithToken (call: Call, name: string): Promise<{ token: string, tokenId: string, groupId: string }> {
  const g = await call('POST', '/runtime-groups', { name })
  if (g.status !== 201) throw new Error(`group: ${g.text}`)
  const tk = await call('POST', `/runtime-groups/${name}/data-plane-tokens`, { name: `${name}-node` })
  if (tk.status !== 201) throw new Error(`token: ${tk.text}`)
  return { token: tk.body.token, tokenId: tk.body.id, groupId: g.body.id }
}

export type Received =
  | { kind: 'json', value: any }
  | { kind: 'snapshot', value: SnapshotMessage, bytes: Buffer }

export interface TestNode {
  ws: WebSocket
  received: Received[]
  /** Waits for the next message after those already taken (by `next`). */
  next: (timeoutMs?: number) => Promise<Received>
  /** Waits for the next snapshot, skipping other messages. */
  nextSnapshot: (timeoutMs?: number) => Promise<{ value: SnapshotMessage, bytes: Buffer }>
  hello: (overrides?: Partial<HelloMessage>) => void
  send: (message: unknown) => void
  closed: Promise<{ code: number, reason: string }>
}

export function helloOf (overrides: Partial<HelloMessage> = {}): HelloMessage {
  return { type: 'hello', protocol: SYNC_PROTOCOL_VERSION, node_id: 'node-1', hostname: 'dp-1.test', version: ATRIUM_VERSION, plugins: [], config_hash: null, ...overrides }
}

/** Opens a WebSocket as a node would; rejects with `HTTP <status>` when the upgrade is refused. */
export async function connectNode (t: TestContext, url: string, token: string | null, options: { autoPong?: boolean } = {}): Promise<TestNode> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` }
  const ws = new WebSocket(url, { headers, perMessageDeflate: false, autoPong: options.autoPong ?? true })
  const received: Received[] = []
  let taken = 0
  const waiters: Array<() => void> = []
  ws.on('message', (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)
    received.push(isBinary
      ? { kind: 'snapshot', value: JSON.parse(gunzipSync(buf).toString('utf8')) as SnapshotMessage, bytes: buf }
      : { kind: 'json', value: JSON.parse(buf.toString('utf8')) })
    for (const w of waiters.splice(0)) w()
  })
  const closed = new Promise<{ code: number, reason: string }>((resolve) => {
    ws.on('close', (code, reason) => { resolve({ code, reason: reason.toString() }); for (const w of waiters.splice(0)) w() })
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => { reject(new Error(`HTTP ${res.statusCode ?? 0}`)); res.resume(); ws.terminate() })
    ws.once('error', reject)
  })
  ws.on('error', () => {})
  t.after(() => ws.terminate())
  async function next (timeoutMs = 3000): Promise<Received> {
    const deadline = Date.now() + timeoutMs
    while (taken >= received.length) {
      if (ws.readyState === ws.CLOSED) throw new Error('socket closed while waiting for a message')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => { const timer = setTimeout(resolve, left); waiters.push(() => { clearTimeout(timer); resolve() }) })
    }
    return received[taken++]
  }
  return {
    ws,
    received,
    next,
    async nextSnapshot (timeoutMs = 3000) {
      for (;;) {
        const m = await next(timeoutMs)
        if (m.kind === 'snapshot') return m
      }
    },
    hello: (overrides) => ws.send(JSON.stringify(helloOf(overrides))),
    send: (message) => ws.send(JSON.stringify(message)),
    closed
  }
}

/** Polls `fn` until it returns a truthy value. */
export async function eventually<T> (fn: () => Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** No message arrives within `ms`. */
export async function quiet (node: TestNode, ms: number): Promise<Received | null> {
  try {
    return await node.next(ms)
  } catch (err) {
    if (String(err).includes('no message within')) return null
    throw err
  }
}

export async function dataPlanes (call: Call, rg: string): Promise<any[]> {
  const r = await call('GET', `/runtime-groups/${rg}/data-planes`)
  if (r.status !== 200) throw new Error(r.text)
  return r.body.data
}

/** An Admin API call that must succeed (2xx); its body. */
export async function ok (call: Call, method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(method, path, body)
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`)
  return r.body
}

export interface DeltaFollower {
  doc: () => Record<string, any>
  hash: () => string
  /** The next frame, applied and acked: what it was, its size, version and `put` entities (deltas). */
  next: () => Promise<{ type: string, bytes: number, version: number, put: Array<Record<string, any>> }>
}

/** Follows a delta-speaking node's frames, rebuilding its document like a data plane does. */
export function deltaFollower (node: TestNode): DeltaFollower {
  let doc: Record<string, unknown> | null = null
  let hash = ''
  return {
    doc: () => doc as Record<string, any>,
    hash: () => hash,
    async next () {
      const frame = await node.nextSnapshot()
      const value = frame.value as any
      if (value.type === 'snapshot') {
        doc = value.config
      } else {
        assert.equal(value.type, 'delta')
        assert.equal(value.base_hash, hash, 'the delta is built on what the node has')
        const layout = documentLayout(doc as Record<string, unknown>)
        assert.ok(layout !== null)
        doc = applyConfigDelta(layout, value)
      }
      hash = value.hash
      const loaded = loadDeclarativeDocument(doc as Record<string, unknown>)
      assert.ok(loaded.ok, JSON.stringify(loaded))
      assert.equal(loaded.hash, hash, 'the rebuilt document has the hash the CP sent')
      node.send({ type: 'ack', version: value.version, hash })
      return { type: value.type, bytes: frame.bytes.length, version: value.version, put: value.put ?? [] }
    }
  }
}
