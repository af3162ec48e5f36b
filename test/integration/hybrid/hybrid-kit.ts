import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { loadDeclarativeDocument } from '../../../src/contract/index.js'
import { startAtrium, type AtriumProcess } from '../../support/cli-process.js'
import { httpCall, type SimpleResponse } from '../../support/http-client.js'

// Hybrid mode end to end: a real `atrium control-plane` on a SQLite file in a temp dir and real
// `atrium data-plane` nodes, each a child process of the binary, stopped in t.after. Nodes retry the
// control plane at most every BACKOFF_MAX_MS so reconnects happen within a test's time.

export const BACKOFF_MAX_MS = '500'

export interface Reply { status: number, body: any, text: string, headers: Record<string, unknown> }
export type Call = (method: string, path: string, body?: unknown) => Promise<Reply>

export function tempDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-hybrid-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function adminClient (port: number): Call {
  const base = `http://127.0.0.1:${port}`
  return async (method, path, body) => {
    const text = body === undefined ? undefined : JSON.stringify(body)
    const r = await httpCall(base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: text })
    let parsed: unknown
    try { parsed = r.body === '' ? undefined : JSON.parse(r.body) } catch { parsed = undefined }
    return { status: r.status, body: parsed, text: r.body, headers: r.headers }
  }
}

/** Like `call`, but throws unless the status is the expected one (setup steps). */
export async function expectStatus (call: Call, status: number, method: string, path: string, body?: unknown): Promise<Reply> {
  const r = await call(method, path, body)
  if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status} ${r.text}`)
  return r
}

export interface ControlPlaneProcess {
  proc: AtriumProcess
  call: Call
  adminPort: number
  clusterPort: number
  /** ws:// URL for `--control-plane`. */
  url: string
}

/** `atrium control-plane` on `dbFile`; the cluster port is fixed when given (restart on one address), else 0. */
export async function startControlPlaneProcess (t: TestContext, dbFile: string, clusterPort = 0, extraArgs: string[] = []): Promise<ControlPlaneProcess> {
  const proc = startAtrium(['control-plane', '--db', `sqlite:${dbFile}`, '--admin-listen', '127.0.0.1:0', '--cluster-listen', `127.0.0.1:${clusterPort}`, ...extraArgs])
  t.after(async () => { await proc.stop() })
  const admin = await proc.waitForLog((l) => l.msg === 'admin listening')
  const cluster = await proc.waitForLog((l) => l.msg === 'cluster listening')
  const adminPort = admin.port as number
  return { proc, call: adminClient(adminPort), adminPort, clusterPort: cluster.port as number, url: `ws://127.0.0.1:${cluster.port as number}` }
}

/** Kills the process with `signal` and waits for it to exit. */
export async function kill (proc: AtriumProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return
  const exited = once(proc.child, 'exit')
  proc.child.kill(signal)
  await exited
}

export interface NodeProcess {
  proc: AtriumProcess
  proxy: string
  /** The status listener, e.g. http://127.0.0.1:41234 */
  statusBase: string
  get: (path: string, agent?: import('node:http').Agent) => Promise<SimpleResponse>
  status: () => Promise<Record<string, any>>
  stop: () => Promise<number | null>
}

/** `atrium data-plane` joined to `cpUrl` with `token`, caching in `cacheDir`. */
export async function startNodeProcess (t: TestContext, cpUrl: string, token: string, cacheDir: string, extraArgs: string[] = []): Promise<NodeProcess> {
  const proc = startAtrium([
    'data-plane', '--control-plane', cpUrl, '--token', token, '--cache-dir', cacheDir,
    '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0', ...extraArgs
  ], { ATRIUM_SYNC_BACKOFF_MAX: BACKOFF_MAX_MS })
  t.after(async () => { await proc.stop() })
  const proxyLine = await proc.waitForLog((l) => l.msg === 'proxy listening')
  const statusLine = await proc.waitForLog((l) => l.msg === 'status listening')
  const proxy = `http://127.0.0.1:${proxyLine.port as number}`
  const statusBase = `http://127.0.0.1:${statusLine.port as number}`
  const statusUrl = `${statusBase}/status`
  return {
    proc,
    proxy,
    statusBase,
    get: async (path, agent) => await httpCall(proxy + path, { agent }),
    status: async () => JSON.parse((await httpCall(statusUrl)).body) as Record<string, any>,
    stop: proc.stop
  }
}

/** Polls `check` every 50 ms until it returns true; throws naming `what` after `timeoutMs`. */
export async function waitUntil (what: string | (() => string), check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: unknown = null
  for (;;) {
    try {
      if (await check()) return
      last = null
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      const text = typeof what === 'string' ? what : what()
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${text}${last === null ? '' : `: ${String(last)}`}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Polls the node until `path` answers `status` (and `body`, when given); returns that response. */
export async function servedBy (node: NodeProcess, path: string, status: number, body?: string, timeoutMs = 10_000): Promise<SimpleResponse> {
  let res = null as SimpleResponse | null
  const last = (): string => res === null ? 'none' : `${res.status} ${res.body.slice(0, 200)}`
  await waitUntil(() => `${node.proxy}${path} answers ${status}${body === undefined ? '' : ` "${body}"`} (last: ${last()})`, async () => {
    res = await node.get(path)
    return res.status === status && (body === undefined || res.body === body)
  }, timeoutMs)
  return res as SimpleResponse
}

/** The group's current config as the CP would push it: its hash (recomputed from the export) and version. */
export async function currentConfig (call: Call, rg: string): Promise<{ hash: string, version: number }> {
  const r = await expectStatus(call, 200, 'GET', `/runtime-groups/${rg}/config`)
  const loaded = loadDeclarativeDocument(r.body)
  if (!loaded.ok) throw new Error(`the exported config of ${rg} does not load: ${JSON.stringify(loaded.errors)}`)
  return { hash: loaded.hash, version: Number(r.headers['x-atrium-config-version']) }
}

/** A group with a declarative config; returns a data-plane token per entry of `tokens`. */
export async function groupWithConfig (call: Call, rg: string, doc: Record<string, unknown>, tokens = 1): Promise<Array<{ id: string, token: string }>> {
  await expectStatus(call, 201, 'POST', '/runtime-groups', { name: rg })
  await expectStatus(call, 200, 'PUT', `/runtime-groups/${rg}/config`, doc)
  const out = []
  for (let i = 0; i < tokens; i++) {
    const tk = await expectStatus(call, 201, 'POST', `/runtime-groups/${rg}/data-plane-tokens`, { name: `${rg}-${i}` })
    out.push({ id: tk.body.id as string, token: tk.body.token as string })
  }
  return out
}

/** A Kong 3.0 document: one service per entry at `http://127.0.0.1:port`, one route per path. */
export function kongDoc (services: Array<{ name: string, port: number, paths: string[] }>): Record<string, unknown> {
  return {
    _format_version: '3.0',
    services: services.map((s) => ({
      name: s.name,
      url: `http://127.0.0.1:${s.port}`,
      routes: s.paths.map((p, i) => ({ name: `${s.name}-r${i}`, paths: [p] }))
    }))
  }
}

/** The group's nodes as GET /runtime-groups/:rg/data-planes lists them. */
export async function listedNodes (call: Call, rg: string): Promise<Array<Record<string, any>>> {
  return (await expectStatus(call, 200, 'GET', `/runtime-groups/${rg}/data-planes`)).body.data as Array<Record<string, any>>
}

export { freePort } from '../../support/free-port.js'
