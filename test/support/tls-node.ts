import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { startDataPlane, type DataPlane, type DataPlaneOptions } from '../../src/data-plane/data-plane.js'
import { captureLogger } from './plugin-gateway.js'

export interface TlsNode { dp: DataPlane, file: string, dir: string, tlsPort: number, plainUrl: string }

/**
 * A real data-plane node on 127.0.0.1 with a plain-HTTP and a TLS proxy listener, loading `doc` as
 * its declarative file (kept at `file`, for reloads); closed and its directory removed when the test ends.
 * `certificate` is the TLS listener's default; `more` any other data-plane option (client limits …).
 */
export async function startTlsNode (t: TestContext, doc: Record<string, unknown>, options: { certificate?: { cert: string, key: string }, more?: Partial<DataPlaneOptions> } = {}): Promise<TlsNode> {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-tls-'))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify(doc))
  const { logger } = captureLogger()
  const dp = await startDataPlane({
    configFile: file,
    proxyListen: { host: '127.0.0.1', port: 0 },
    proxyTlsListen: { host: '127.0.0.1', port: 0 },
    statusListen: { host: '127.0.0.1', port: 0 },
    proxyTlsCertificate: options.certificate,
    cacheDir: dir,
    logger,
    ...options.more
  })
  t.after(async () => {
    await dp.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { dp, file, dir, tlsPort: dp.proxyTlsAddress?.port ?? 0, plainUrl: `http://127.0.0.1:${dp.proxyAddress.port}` }
}
