import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import type { Page } from 'playwright-core'
import { openBrowser } from '../../support/browser.js'
import { startControlPlane, type ControlPlane } from '../../../src/control-plane/control-plane.js'
import { createAdminAuth } from '../../../src/control-plane/admin-api/auth.js'
import { httpCall } from '../../support/http-client.js'
import { createTestStore } from '../../support/stores.js'

// What every Service Hub browser test starts from: a real control plane on a throwaway SQLite store
// (admin, cluster and portal listeners on port 0), a JSON client for its Admin API, and a Chromium
// page that accepts confirm() prompts and records them.

/** Where the browser tests keep their screenshots. */
export const SHOTS = join('test-results', 'ui')

export interface Hub {
  cp: ControlPlane
  /** The admin listener, e.g. http://127.0.0.1:41234 */
  base: string
  /** The Dev Portal listener. */
  portal: string
  /** The cluster listener as nodes dial it. */
  cluster: string
  /** An Admin API call that must answer 2xx; the parsed body (undefined when empty). */
  call: (method: string, path: string, body?: unknown) => Promise<any>
}

export async function startHub (t: TestContext, options: { tokens?: string, token?: string } = {}): Promise<Hub> {
  const store = await createTestStore('sqlite')
  const cp = await startControlPlane({
    dbUrl: store.url,
    adminListen: { host: '127.0.0.1', port: 0 },
    clusterListen: { host: '127.0.0.1', port: 0 },
    portalListen: { host: '127.0.0.1', port: 0 },
    auth: createAdminAuth(options.tokens === undefined ? {} : { tokens: options.tokens }),
    logger: pino({ level: 'silent' })
  })
  t.after(async () => { await cp.close(); await store.drop() })
  const base = `http://127.0.0.1:${cp.adminAddress.port}`
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const headers: Record<string, string> = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const r = await httpCall(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.body}`)
    return r.body === '' ? undefined : JSON.parse(r.body)
  }
  return {
    cp,
    base,
    portal: `http://127.0.0.1:${cp.portalAddress?.port ?? 0}`,
    cluster: `ws://127.0.0.1:${cp.clusterAddress?.port ?? 0}`,
    call
  }
}

/** A browser page closed after the test; `dialogs` collects every confirm() it accepted. */
export async function openHubPage (t: TestContext): Promise<{ page: Page, dialogs: string[] }> {
  const browser = await openBrowser()
  t.after(browser.close)
  mkdirSync(SHOTS, { recursive: true })
  const dialogs: string[] = []
  browser.page.on('dialog', (d) => { dialogs.push(d.message()); void d.accept() })
  return { page: browser.page, dialogs }
}
