import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { pino } from 'pino'
import { startDataPlane, type ControlPlaneOptions, type DataPlane } from '../../../src/data-plane/data-plane.js'
import type { AckMessage, ApplyErrorMessage, HelloMessage } from '../../../src/contract/sync-protocol.js'
import type { FakeControlPlane, NodeEvent } from '../../support/fake-control-plane.js'
import { httpCall, type SimpleResponse } from '../../support/http-client.js'

export interface LogLine {
  level: number
  msg: string
  component?: string
  [key: string]: unknown
}

export interface TestNode {
  dp: DataPlane
  logs: LogLine[]
  proxy: string
  status: () => Promise<Record<string, any>>
  get: (path: string) => Promise<SimpleResponse>
  close: () => Promise<void>
}

export function tempDir (t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-sync-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A hybrid-mode data plane in this process, logs captured, fast timers unless overridden. */
export async function startTestNode (t: TestContext, cp: { url: string }, cacheDir: string, overrides: Partial<ControlPlaneOptions> = {}): Promise<TestNode> {
  const logs: LogLine[] = []
  const logger = pino({ level: 'debug' }, { write (line: string) { logs.push(JSON.parse(line) as LogLine) } })
  const dp = await startDataPlane({
    controlPlane: { url: cp.url, token: 'test-token', cacheDir, backoffInitialMs: 20, backoffMaxMs: 200, ...overrides },
    proxyListen: { host: '127.0.0.1', port: 0 },
    statusListen: { host: '127.0.0.1', port: 0 },
    logger
  })
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await dp.close()
  }
  t.after(close)
  const proxy = `http://127.0.0.1:${dp.proxyAddress.port}`
  return {
    dp,
    logs,
    proxy,
    status: async () => JSON.parse((await httpCall(`http://127.0.0.1:${dp.statusAddress.port}/status`)).body) as Record<string, any>,
    get: async (path) => await httpCall(`${proxy}${path}`),
    close
  }
}

export function isAckFor (hash: string) {
  return (e: NodeEvent): e is { type: 'ack', message: AckMessage } => e.type === 'ack' && e.message.hash === hash
}

export function isApplyErrorFor (hash: string) {
  return (e: NodeEvent): e is { type: 'apply_error', message: ApplyErrorMessage } => e.type === 'apply_error' && e.message.hash === hash
}

export function isHello (nth = 1) {
  let seen = 0
  return (e: NodeEvent): e is { type: 'hello', message: HelloMessage } => e.type === 'hello' && ++seen === nth
}

export async function waitUntil (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export function stopOnExit (t: TestContext, cp: FakeControlPlane): FakeControlPlane {
  t.after(async () => { await cp.stop() })
  return cp
}
