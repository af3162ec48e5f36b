import { gzip } from 'node:zlib'
import { promisify } from 'node:util'
import { buildConfigDelta, documentLayout, type DocumentLayout } from '../../contract/config-delta.js'
import { normalizeValidatedDocument } from '../../contract/index.js'
import type { DeltaMessage, SnapshotMessage } from '../../contract/sync-protocol.js'
import type { GroupDocument } from './group-reader.js'

// One snapshot of one group at one config_version: the same document GET /config exports, its hash
// as the node will recompute it, serialised and gzipped once; every session sends these bytes.
// The document is not run through the contract again: every write to the store already was (the
// Admin API validates the whole group with the change applied), and the node validates what it
// receives. Gzip level 1: ~6 ms instead of ~27 ms (level 6) at 10k routes, for ~35% more bytes.
//
// When the previous version's snapshot is known, a delta from it is built too (config-delta.ts):
// the entities whose store revision changed and the lists whose order changed. Nodes that have the
// previous version get those few bytes instead of the whole group.

const gzipAsync = promisify(gzip)

export interface Snapshot {
  version: number
  hash: string
  /**
   * gzip of JSON.stringify(SnapshotMessage): the binary frame. Built after the delta, so nodes that
   * take the delta do not wait for the whole group's serialisation.
   */
  bytes: Promise<Buffer>
  /** gzip of JSON.stringify(DeltaMessage) from the previous built version, when there is one. */
  delta: { baseVersion: number, bytes: Buffer } | null
  /** Names of the plugins the config uses (enabled plugin entities); a node must have them all. */
  plugins: string[]
  /** What the next version's delta is computed from (null when the document has no export layout). */
  base: { layout: DocumentLayout, revisions: Map<string, string> } | null
}

export function pluginsUsed (doc: Record<string, unknown>): string[] {
  const names = new Set<string>()
  const list = Array.isArray(doc.plugins) ? doc.plugins as Array<Record<string, unknown>> : []
  for (const p of list) if (typeof p.name === 'string' && p.enabled !== false) names.add(p.name)
  return [...names].sort()
}

export type BuildResult = { ok: true, snapshot: Snapshot } | { ok: false, message: string }

export async function buildSnapshot (group: GroupDocument, previous: Snapshot | null): Promise<BuildResult> {
  let hash: string
  try {
    hash = normalizeValidatedDocument(group.doc).hash
  } catch (err) {
    return { ok: false, message: `the stored config cannot be normalised: ${(err as Error).message}` }
  }
  const layout = documentLayout(group.doc)
  let delta: Snapshot['delta'] = null
  if (layout !== null && previous !== null && previous.base !== null && previous.version < group.version) {
    const before = previous.base.revisions
    const changes = buildConfigDelta(previous.base.layout, layout, (id) => before.get(id) !== group.revisions.get(id))
    const message: DeltaMessage = { type: 'delta', version: group.version, hash, base_version: previous.version, base_hash: previous.hash, ...changes }
    delta = { baseVersion: previous.version, bytes: await gzipAsync(Buffer.from(JSON.stringify(message), 'utf8'), { level: 1 }) }
  }
  const message: SnapshotMessage = { type: 'snapshot', version: group.version, hash, config: group.doc }
  const bytes = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => await gzipAsync(Buffer.from(JSON.stringify(message), 'utf8'), { level: 1 }))
  return {
    ok: true,
    snapshot: {
      version: group.version,
      hash,
      bytes,
      delta,
      plugins: pluginsUsed(group.doc),
      base: layout === null ? null : { layout, revisions: group.revisions }
    }
  }
}
