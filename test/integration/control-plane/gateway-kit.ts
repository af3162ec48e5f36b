import type { TestContext } from 'node:test'
import { pino } from 'pino'
import { startControlPlane, type ControlPlane } from '../../../src/control-plane/control-plane.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { httpCall } from '../../support/http-client.js'
import { storeFor, type StoreKind, type SuiteStore } from '../../support/stores.js'

// A control plane in-process on a fresh store, and a JSON client for it (runtime group and gateway tests).

export interface Reply { status: number, body: any, text: string, headers: Record<string, unknown> }
export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Reply>

/**
 * `target`: the suite's store (describeStores), or a backend for a test about one backend only.
 * `tokens`: Admin API `role:token` pairs (auth is off without them).
 */
export async function startAdmin (t: TestContext, target: SuiteStore | StoreKind, options: { tokens?: string } = {}): Promise<Call> {
  const store = await storeFor(target)
  const cp = await startControlPlane({ dbUrl: store.url, adminListen: { host: '127.0.0.1', port: 0 }, auth: createAdminAuth({ tokens: options.tokens }), logger: pino({ level: 'silent' }) })
  t.after(async () => { await cp.close(); await store.drop() })
  const base = `http://127.0.0.1:${cp.adminAddress.port}`
  return async (method, path, body, headers = {}) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const r = await httpCall(base + path, { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body: text })
    let parsed: unknown
    try { parsed = r.body === '' ? undefined : JSON.parse(r.body) } catch { parsed = undefined }
    return { status: r.status, body: parsed, text: r.body, headers: r.headers }
  }
}

/** The group's config_version. */
export async function versionOf (call: Call, rg: string): Promise<number> {
  return (await call('GET', `/runtime-groups/${rg}`)).body.config_version
}

/** A control plane in-process on an existing store URL (tests that run two of them, or restart one). */
export async function startControlPlaneOn (url: string): Promise<ControlPlane> {
  return await startControlPlane({ dbUrl: url, adminListen: { host: '127.0.0.1', port: 0 }, auth: createAdminAuth({}), logger: pino({ level: 'silent' }) })
}

/** One JSON call to the Admin API of `cp`. */
export async function callOn (cp: ControlPlane, method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> {
  const r = await httpCall(`http://127.0.0.1:${cp.adminAddress.port}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: r.status, body: r.body === '' ? undefined : JSON.parse(r.body) }
}
