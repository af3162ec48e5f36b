// Real data-plane nodes for the sync bench: `atrium data-plane --control-plane … --token …` child
// processes (full path: gunzip → contract → hash → compile router → swap → cache → ack), and a
// poller that asks a node's proxy for a route path every POLL_MS until it is served (200 from the
// bench upstream; 404 means no route matched yet, 503 no config yet).

import { mkdtempSync } from 'node:fs'
import { Agent } from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startAtrium, type AtriumProcess } from '../../test/support/cli-process.js'
import { httpCall } from '../../test/support/http-client.js'

export const POLL_MS = 5

export interface RealNode {
  proc: AtriumProcess
  proxyPort: number
  statusPort: number
  cacheDir: string
  /** performance.now() when `path` first answered 200 on the proxy; rejects after `timeoutMs`. */
  servedAt: (path: string, timeoutMs: number) => Promise<number>
  configVersion: () => Promise<number | null>
}

export async function startRealNode (clusterPort: number, token: string): Promise<RealNode> {
  const cacheDir = mkdtempSync(join(os.tmpdir(), 'atrium-bench-sync-dp-'))
  const proc = startAtrium(['data-plane', '--control-plane', `ws://127.0.0.1:${clusterPort}`, '--token', token, '--cache-dir', cacheDir,
    '--proxy-listen', '127.0.0.1:0', '--status-listen', '127.0.0.1:0'], { ATRIUM_LOG_LEVEL: 'info' })
  const proxyPort = (await proc.waitForLog((l) => l.msg === 'proxy listening', 30_000)).port as number
  const statusPort = (await proc.waitForLog((l) => l.msg === 'status listening', 30_000)).port as number
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  return {
    proc,
    proxyPort,
    statusPort,
    cacheDir,
    async servedAt (path, timeoutMs) {
      const deadline = performance.now() + timeoutMs
      for (;;) {
        const r = await httpCall(`http://127.0.0.1:${proxyPort}${path}`, { agent })
        if (r.status === 200) return performance.now()
        if (r.status !== 404 && r.status !== 503) throw new Error(`node answered ${r.status} for ${path}: ${r.body.slice(0, 200)}`)
        if (performance.now() > deadline) throw new Error(`node never served ${path} within ${timeoutMs} ms`)
        await sleep(POLL_MS)
      }
    },
    async configVersion () {
      const r = await httpCall(`http://127.0.0.1:${statusPort}/status`)
      return (JSON.parse(r.body) as { config_version: number | null }).config_version
    }
  }
}
