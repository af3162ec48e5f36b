import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { pino } from 'pino'
import { createAdminAuth } from '../../src/control-plane/admin-api/auth.js'
import { startControlPlane } from '../../src/control-plane/control-plane.js'
import { startDataPlane } from '../../src/data-plane/data-plane.js'
import { httpCall } from './http-client.js'
import { captureLogger, startPluginNode, type PluginNode, type PluginNodeOptions } from './plugin-gateway.js'
import { createTestStore } from './stores.js'

// The same node as startPluginNode, fed through the control plane instead of a file: a control
// plane in-process on a fresh SQLite store with a cluster listener, the document applied with
// PUT /runtime-groups/{rg}/config, and a hybrid-mode node (in-process, real WebSocket) that serves
// it. `reload` applies a new document and waits until the node serves its version. Tests written
// against PluginNode run both ways.

const DEADLINE_MS = 15_000

export async function startHybridPluginNode (t: TestContext, doc: Record<string, unknown>, options: Omit<PluginNodeOptions, 'host'> = {}): Promise<PluginNode> {
  const store = await createTestStore('sqlite')
  const cp = await startControlPlane({
    dbUrl: store.url,
    adminListen: { host: '127.0.0.1', port: 0 },
    clusterListen: { host: '127.0.0.1', port: 0 },
    auth: createAdminAuth({}),
    logger: pino({ level: 'silent' })
  })
  const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
    const r = await httpCall(`http://127.0.0.1:${cp.adminAddress.port}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.body}`)
    return r.body === '' ? undefined : JSON.parse(r.body)
  }
  const dir = mkdtempSync(join(tmpdir(), 'atrium-hybrid-node-'))
  await admin('POST', '/runtime-groups', { name: 'test' })
  const { token } = await admin('POST', '/runtime-groups/test/data-plane-tokens', {})
  const { logger, logs } = captureLogger()
  const dp = await startDataPlane({
    controlPlane: { url: `ws://127.0.0.1:${cp.clusterAddress?.port ?? 0}`, token: token as string, cacheDir: dir, backoffInitialMs: 20, backoffMaxMs: 200 },
    proxyListen: { host: '127.0.0.1', port: 0 },
    statusListen: { host: '127.0.0.1', port: 0 },
    logger,
    dnsResolver: options.dnsResolver
  })
  t.after(async () => {
    await dp.close()
    await cp.close()
    await store.drop()
    rmSync(dir, { recursive: true, force: true })
  })
  const apply = async (next: Record<string, unknown>): Promise<number> => {
    const { config_version: version } = await admin('PUT', '/runtime-groups/test/config', next)
    const deadline = Date.now() + DEADLINE_MS
    while ((dp.state.current?.version ?? -1) < version) {
      if (Date.now() > deadline) throw new Error(`the node did not apply config version ${String(version)} within ${DEADLINE_MS} ms`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return version
  }
  await apply(doc)
  const url = `http://127.0.0.1:${dp.proxyAddress.port}`
  return {
    dp,
    url,
    logs,
    get: async (path, headers = {}) => await httpCall(url + path, { headers }),
    request: async (path, options) => await httpCall(url + path, options),
    reload: async (next) => {
      await apply(next)
      return { ok: true, at: Date.now(), errors: [] }
    }
  }
}

/** The two ways a test can feed a node its document: run each test both ways. */
export const NODE_MODES: Array<[string, (t: TestContext, doc: Record<string, unknown>, options?: Omit<PluginNodeOptions, 'host'>) => Promise<PluginNode>]> = [
  ['DB-less', startPluginNode],
  ['through the control plane', startHybridPluginNode]
]
