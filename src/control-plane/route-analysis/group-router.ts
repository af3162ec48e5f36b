import { normalizeValidatedDocument, type GatewayConfig } from '../../contract/index.js'
import { compileRouter } from '../../router/compile-router.js'
import type { CompiledRouter } from '../../router/compiled-router.js'
import type { Db } from '../store/db.js'
import { createGroupReader, type GroupReader } from '../sync-server/group-reader.js'

// A runtime group's routes compiled exactly as its nodes compile them: the snapshot document
// (group-reader.ts, the same read the sync server sends) through the contract's normalisation and
// src/router's compileRouter. Kept per group until its config_version moves, so explaining many
// requests against one version compiles once; readers re-read only changed rows.

export interface GroupRouting {
  version: number
  config: GatewayConfig
  router: CompiledRouter
}

export interface GroupRouters {
  /** The group's routing at its current version, or null when the group is gone. */
  forGroup: (runtimeGroupId: string) => Promise<GroupRouting | null>
}

/** Groups whose compiled routes are kept (least recently used goes first). */
const KEEP = 16

export function createGroupRouters (db: Db): GroupRouters {
  const kept = new Map<string, { reader: GroupReader, routing: GroupRouting | null }>()
  return {
    async forGroup (runtimeGroupId) {
      const entry = kept.get(runtimeGroupId) ?? { reader: createGroupReader(db, runtimeGroupId), routing: null }
      kept.delete(runtimeGroupId)
      kept.set(runtimeGroupId, entry)
      while (kept.size > KEEP) kept.delete(kept.keys().next().value as string)
      const group = await entry.reader.read()
      if (group === null) { kept.delete(runtimeGroupId); return null }
      if (entry.routing?.version !== group.version) {
        const { config } = normalizeValidatedDocument(group.doc)
        entry.routing = { version: group.version, config, router: compileRouter(config) }
      }
      return entry.routing
    }
  }
}
