import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../../log.js'
import { writeFileAtomic } from './atomic-file.js'
import { checkSnapshot, type ValidSnapshot } from './snapshot.js'

// The last applied snapshot, kept on disk so a node that starts while the control plane is away
// serves what it served before. The file is the snapshot message as JSON (`{version, hash, config}`
// plus `cached_at`), validated on read exactly like a snapshot from the wire, hash check included.

export const CACHE_FILE = 'config-snapshot.json'

export function cacheFilePath (cacheDir: string): string {
  return join(cacheDir, CACHE_FILE)
}

/**
 * The cached snapshot, or null when there is none or it cannot be used. A corrupted or invalid file
 * is only warned about, never deleted: the next applied snapshot replaces it.
 */
export async function readCachedSnapshot (cacheDir: string, log: Logger): Promise<ValidSnapshot | null> {
  const file = cacheFilePath(cacheDir)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      log.info({ file }, 'no cached config; waiting for the control plane')
    } else {
      log.warn({ file, err }, 'cached config is unreadable and is ignored')
    }
    return null
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    log.warn({ file, error: (err as Error).message }, 'cached config is corrupted (not JSON) and is ignored')
    return null
  }
  const check = checkSnapshot(value)
  if (!check.ok) {
    log.warn({ file, error: check.message, fields: check.fields.slice(0, 20) }, 'cached config is invalid and is ignored')
    return null
  }
  return check.snapshot
}

export async function writeCachedSnapshot (cacheDir: string, snapshot: ValidSnapshot): Promise<void> {
  const body = JSON.stringify({
    type: 'snapshot',
    version: snapshot.version,
    hash: snapshot.hash,
    cached_at: new Date().toISOString(),
    config: snapshot.document
  })
  await writeFileAtomic(cacheFilePath(cacheDir), body)
}
