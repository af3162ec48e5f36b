import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid, nowSeconds } from '../shared/ids.js'
import type { Page } from '../shared/pagination.js'

// SQL for runtime groups and their config version.
//
// Concurrency: a transaction that changes a group's gateway entities resolves the group with
// lockRuntimeGroup *before* it reads any entity, and calls bumpConfigVersion once before it commits.
// The lock is the group's row lock (PostgreSQL holds it to commit), so two CP replicas writing to one
// group run their read-validate-write one after the other: no lost PATCH, no PUT /config inserting
// ids another apply just inserted, versions strictly increasing with one config_changes row each.
// SQLite: BEGIN IMMEDIATE already takes the file's write lock (busy_timeout waits for the other
// process), so the lock statement is a no-op there.

export interface RuntimeGroup {
  id: string
  name: string
  description: string | null
  labels: Record<string, string>
  /** Where consumers reach this group's proxy (the portal's "Reachable at"); null when not set. */
  public_url: string | null
  config_version: number
  created_at: number
  updated_at: number
}

type GroupRow = {
  id: string
  name: string
  description: string | null
  labels: string
  public_url: string | null
  config_version: number
  created_at: number
  updated_at: number
}

const COLUMNS = 'id, name, description, labels, public_url, config_version, created_at, updated_at'

function toGroup (row: GroupRow): RuntimeGroup {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    labels: JSON.parse(row.labels) as Record<string, string>,
    public_url: row.public_url ?? null,
    config_version: Number(row.config_version),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at)
  }
}

/** By id when the reference is UUID-shaped, else by name. */
export async function findRuntimeGroup (ex: DbExecutor, idOrName: string): Promise<RuntimeGroup | null> {
  let rows: GroupRow[] = []
  if (isUuid(idOrName)) rows = await ex.query<GroupRow>(`SELECT ${COLUMNS} FROM runtime_groups WHERE id = $1`, [idOrName.toLowerCase()])
  if (rows.length === 0) rows = await ex.query<GroupRow>(`SELECT ${COLUMNS} FROM runtime_groups WHERE name = $1`, [idOrName])
  return rows.length === 0 ? null : toGroup(rows[0])
}

/** The group addressed by id or name; 404 when there is none. */
export async function requireRuntimeGroup (ex: DbExecutor, idOrName: string): Promise<RuntimeGroup> {
  const group = await findRuntimeGroup(ex, idOrName)
  if (group === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no runtime group with id or name "${idOrName}"`)
  return group
}

/**
 * requireRuntimeGroup for a write to the group's gateway entities: takes the group's row lock (a
 * no-op UPDATE, which both stores accept, like the catalog's package lock; it conflicts with itself
 * but not with the key-share locks of foreign keys) and returns the group as committed now. Call it
 * first in the transaction: rows read before it may be stale on PostgreSQL (READ COMMITTED).
 */
export async function lockRuntimeGroup (tx: DbExecutor, idOrName: string): Promise<RuntimeGroup> {
  const found = await requireRuntimeGroup(tx, idOrName)
  const rows = await tx.query<GroupRow>(`UPDATE runtime_groups SET config_version = config_version WHERE id = $1 RETURNING ${COLUMNS}`, [found.id])
  if (rows.length === 0) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no runtime group with id or name "${idOrName}"`)
  return toGroup(rows[0])
}

/**
 * Increments the group's config_version and records the change; returns the new version. Call it
 * exactly once per transaction that changes the group's gateway entities, after lockRuntimeGroup.
 */
export async function bumpConfigVersion (ex: DbExecutor, runtimeGroupId: string, summary: string): Promise<number> {
  const rows = await ex.query<{ config_version: number }>(
    'UPDATE runtime_groups SET config_version = config_version + 1 WHERE id = $1 RETURNING config_version', [runtimeGroupId])
  if (rows.length === 0) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no runtime group with id "${runtimeGroupId}"`)
  const version = Number(rows[0].config_version)
  await ex.query('INSERT INTO config_changes (runtime_group_id, config_version, created_at, summary) VALUES ($1, $2, $3, $4)',
    [runtimeGroupId, version, nowSeconds(), summary])
  return version
}

export async function listRuntimeGroups (ex: DbExecutor, page: Page): Promise<RuntimeGroup[]> {
  const rows = await ex.query<GroupRow>(`SELECT ${COLUMNS} FROM runtime_groups ORDER BY name, id LIMIT $1 OFFSET $2`, [page.size + 1, page.offset])
  return rows.map(toGroup)
}

export async function insertRuntimeGroup (ex: DbExecutor, group: RuntimeGroup): Promise<void> {
  await ex.query(`INSERT INTO runtime_groups (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [group.id, group.name, group.description, JSON.stringify(group.labels), group.public_url, group.config_version, group.created_at, group.updated_at])
}

export async function updateRuntimeGroup (ex: DbExecutor, group: RuntimeGroup): Promise<void> {
  await ex.query('UPDATE runtime_groups SET name = $2, description = $3, labels = $4, public_url = $5, updated_at = $6 WHERE id = $1',
    [group.id, group.name, group.description, JSON.stringify(group.labels), group.public_url, group.updated_at])
}

export async function deleteRuntimeGroup (ex: DbExecutor, id: string): Promise<void> {
  await ex.query('DELETE FROM config_changes WHERE runtime_group_id = $1', [id])
  await ex.query('DELETE FROM gateway_entities WHERE runtime_group_id = $1', [id])
  await ex.query('DELETE FROM runtime_groups WHERE id = $1', [id])
}

export async function hasServiceVersions (ex: DbExecutor, id: string): Promise<boolean> {
  const rows = await ex.query('SELECT 1 AS x FROM service_versions WHERE runtime_group_id = $1 LIMIT 1', [id])
  return rows.length > 0
}
