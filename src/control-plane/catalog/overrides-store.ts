import type { DbExecutor } from '../store/db.js'
import type { Overrides } from './promotion-overrides.js'

// SQL for a version's remembered promotion overrides: one JSON object per version row (deleted with it).

export async function findOverrides (ex: DbExecutor, versionId: string): Promise<Overrides> {
  const rows = await ex.query<{ overrides: string }>('SELECT overrides FROM service_version_overrides WHERE service_version_id = $1', [versionId])
  return rows.length === 0 ? {} : JSON.parse(rows[0].overrides) as Overrides
}

/** Stores the overrides; an empty object removes the row. */
export async function writeOverrides (ex: DbExecutor, versionId: string, overrides: Overrides, now: number): Promise<void> {
  await ex.query('DELETE FROM service_version_overrides WHERE service_version_id = $1', [versionId])
  if (Object.keys(overrides).length === 0) return
  await ex.query('INSERT INTO service_version_overrides (service_version_id, overrides, updated_at) VALUES ($1, $2, $3)', [versionId, JSON.stringify(overrides), now])
}
