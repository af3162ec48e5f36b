import { loadDeclarativeDocument } from '../../contract/index.js'
import type { DbExecutor } from '../store/db.js'
import { nowSeconds } from '../shared/ids.js'
import { bumpConfigVersion, type RuntimeGroup } from '../runtime-groups/index.js'
import { planConfig, type ConfigPlan } from './config-plan.js'
import { exportDocument } from './config-export.js'
import { hasTags } from './config-select.js'
import { isRecord } from './credential-kinds.js'
import { deleteAllEntities, insertEntities, loadEntities } from './entity-store.js'
import type { StoredEntity } from './entity-types.js'
import { invalidError } from './group-document.js'

// A whole group's document planned against what the group holds, then written: PUT /config and a
// catalog promotion (catalog/version-promotion.ts) both go through here, so they agree on identity,
// diff and validation.

export interface GroupPlan { p: ConfigPlan, existing: StoredEntity[] }

/**
 * decK's select_tags also scope a sync: only entities carrying every one of them are matched,
 * updated or deleted; the others are kept as they are. The group that results is checked whole,
 * since a kept entity may reference one the file deletes.
 */
export async function planDocument (tx: DbExecutor, rgId: string, doc: Record<string, unknown>): Promise<{ p: ConfigPlan, existing: StoredEntity[] }> {
  const existing = await loadEntities(tx, rgId)
  const tags = selectTagsOf(doc)
  if (tags.length === 0) return { p: planConfig(doc, existing, nowSeconds()), existing }
  const inScope = (e: StoredEntity): boolean => hasTags(e.body, tags)
  const p = planConfig(doc, existing.filter(inScope), nowSeconds())
  const positions = new Map<string, number>()
  for (const e of p.entities) positions.set(e.kind, Math.max(positions.get(e.kind) ?? 0, e.position + 1))
  for (const e of existing.filter((x) => !inScope(x))) {
    const position = positions.get(e.kind) ?? 0
    positions.set(e.kind, position + 1)
    p.entities.push({ ...e, position })
  }
  // The file's own certificates were checked for expiry (readDocument); kept ones may have expired since.
  const result = loadDeclarativeDocument(exportDocument(p.entities), { acceptExpiredCertificates: true })
  if (!result.ok) throw invalidError(result.errors.map((e) => ({ path: e.path, message: `${e.message} (in the group after this apply: entities outside _info.select_tags are kept)` })))
  return { p, existing }
}

function selectTagsOf (doc: Record<string, unknown>): string[] {
  const info = doc._info
  if (!isRecord(info) || !Array.isArray(info.select_tags)) return []
  return info.select_tags.filter((t): t is string => typeof t === 'string')
}

function summary (p: ConfigPlan): string {
  return `config: ${p.create.length} created, ${p.update.length} updated, ${p.delete.length} deleted`
}


/** Writes the plan (when it changes anything) and returns the group's config version after it; the caller locked the group. */
export async function applyPlan (tx: DbExecutor, rg: RuntimeGroup, p: ConfigPlan, what = summary(p)): Promise<number> {
  if (p.create.length + p.update.length + p.delete.length === 0) return rg.config_version
  await deleteAllEntities(tx, rg.id)
  await insertEntities(tx, rg.id, p.entities)
  return await bumpConfigVersion(tx, rg.id, what)
}
