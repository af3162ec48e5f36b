import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../../log.js'
import { selfSignedCertificate, type PemPair } from './self-signed.js'

// The TLS listener's default certificate when none is configured: a self-signed pair made at first
// start and kept in the node's data directory (tls/default.crt, tls/default.key), so clients that
// pin it keep seeing the same one after a restart. Without a directory it lives in memory.

export async function defaultCertificate (dir: string | null, log: Logger): Promise<PemPair> {
  if (dir === null) return selfSignedCertificate()
  const certFile = join(dir, 'tls', 'default.crt')
  const keyFile = join(dir, 'tls', 'default.key')
  try {
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const pair = selfSignedCertificate()
  await mkdir(join(dir, 'tls'), { recursive: true })
  await writeFile(keyFile, pair.key, { mode: 0o600 })
  await writeFile(certFile, pair.cert)
  log.info({ cert: certFile }, 'generated a self-signed default TLS certificate')
  return pair
}
