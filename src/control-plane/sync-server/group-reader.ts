import type { Db } from '../store/db.js'
import { exportDocument } from '../gateway/config-export.js'
import { loadEntitiesById, readRevisions } from '../gateway/entity-store.js'
import type { StoredEntity } from '../gateway/entity-types.js'
import { packagePluginsInGroup, withPackagePlugins } from '../catalog/index.js'

// Reads one runtime group's document for a snapshot, re-reading only the rows written since the
// previous read: every entity row carries a random revision, renewed on each insert and update
// (entity-store.ts), so the ordered (id, revision) list says exactly which rows are new or changed,
// and which are gone. At 10k routes that is one narrow query plus the changed rows instead of
// every row and every body parsed again. The catalog's package-wide plugins join the document as
// plugins on each implementation service (catalog/package-plugin-expansion.ts); their writes bump
// the version too, so the same check covers them.
//
// Consistency: the version is read before and after; equal versions mean the rows read in between
// are exactly that version's (every commit that changes entities bumps the version; READ COMMITTED
// on PostgreSQL gives no snapshot across statements), otherwise the read is retried.

export interface GroupDocument {
  version: number
  doc: Record<string, unknown>
  /** id → revision of every entity in `doc`. */
  revisions: Map<string, string>
}

export interface GroupReader {
  /** The group's document at its current version, or null when the group is gone. */
  read: () => Promise<GroupDocument | null>
}

/** A read is retried while writes keep committing; this many in a row means something is wrong. */
const MAX_ATTEMPTS = 50

export function createGroupReader (db: Db, runtimeGroupId: string): GroupReader {
  let cache = new Map<string, { revision: string, entity: StoredEntity }>()

  async function versionOf (): Promise<number | null> {
    const rows = await db.query<{ config_version: unknown }>('SELECT config_version FROM runtime_groups WHERE id = $1', [runtimeGroupId])
    return rows.length === 0 ? null : Number(rows[0].config_version)
  }

  async function read (): Promise<GroupDocument | null> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`runtime group ${runtimeGroupId} kept changing during ${MAX_ATTEMPTS} snapshot reads`)
      const before = await versionOf()
      if (before === null) return null
      const order = await readRevisions(db, runtimeGroupId)
      const stale = order.filter((r) => cache.get(r.id)?.revision !== r.revision).map((r) => r.id)
      const fresh = new Map(cache)
      for (const { entity, revision } of await loadEntitiesById(db, runtimeGroupId, stale)) fresh.set(entity.id, { revision, entity })
      const packagePlugins = await packagePluginsInGroup(db, runtimeGroupId)
      const after = await versionOf()
      if (after === null) return null
      cache = fresh
      if (after !== before) continue
      const entities: StoredEntity[] = []
      const revisions = new Map<string, string>()
      let complete = true
      for (const { id, revision } of order) {
        const hit = fresh.get(id)
        if (hit === undefined || hit.revision !== revision) { complete = false; break }
        entities.push(hit.entity)
        revisions.set(id, revision)
      }
      if (!complete) continue // a row changed between the two queries; the version check will settle it
      // Keep only what this version has: deleted rows leave the cache.
      cache = new Map([...revisions.keys()].map((id) => [id, fresh.get(id) as { revision: string, entity: StoredEntity }]))
      const expanded = withPackagePlugins(exportDocument(entities), packagePlugins)
      for (const [id, revision] of expanded.revisions) revisions.set(id, revision)
      return { version: before, doc: expanded.doc, revisions }
    }
  }

  return { read }
}
