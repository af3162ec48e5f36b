import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { HelloMessage, PluginInfo } from '../../contract/sync-protocol.js'
import { SYNC_FEATURES, SYNC_PROTOCOL_VERSION } from '../../contract/sync-protocol.js'
import type { Logger } from '../../log.js'
import { writeFileAtomic } from './atomic-file.js'

export const NODE_ID_FILE = 'node-id'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface NodeIdentity {
  nodeId: string
  hostname: string
  version: string
  plugins: readonly PluginInfo[]
}

/**
 * The node's stable id: read from `<cacheDir>/node-id`, or generated once and written there, so a
 * restarted node is the same node to the control plane. An unreadable or malformed file is replaced.
 */
export async function loadNodeId (cacheDir: string, log: Logger): Promise<string> {
  const file = join(cacheDir, NODE_ID_FILE)
  try {
    const text = (await readFile(file, 'utf8')).trim()
    if (UUID.test(text)) return text.toLowerCase()
    log.warn({ file }, 'node id file is malformed; generating a new node id')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err, file }, 'node id file is unreadable; generating a new node id')
  }
  const id = randomUUID()
  await writeFileAtomic(file, `${id}\n`)
  log.info({ node_id: id, file }, 'node id generated')
  return id
}

export function defaultIdentity (nodeId: string, version: string, plugins: readonly PluginInfo[]): NodeIdentity {
  return { nodeId, hostname: hostname(), version, plugins }
}

export function buildHello (identity: NodeIdentity, configHash: string | null): HelloMessage {
  return {
    type: 'hello',
    protocol: SYNC_PROTOCOL_VERSION,
    node_id: identity.nodeId,
    hostname: identity.hostname,
    version: identity.version,
    plugins: identity.plugins.map((p) => ({ name: p.name, version: p.version })),
    config_hash: configHash,
    features: [...SYNC_FEATURES]
  }
}
