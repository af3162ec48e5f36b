import { GatewayError } from '../../errors.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid } from '../shared/ids.js'
import type { Page } from '../shared/pagination.js'
import { hasNul } from './package-input.js'
import { textOrder, type Dialect } from './package-store.js'
import type { VersionStatus } from './version-input.js'

// SQL for service versions. A version belongs to one package and one runtime group; its
// implementation is `service_id`, a gateway service in that group (or null).

export type VersionRecord = {
  id: string
  service_package_id: string
  version: string
  runtime_group_id: string
  runtime_group_name: string
  status: VersionStatus
  service_id: string | null
  created_at: number
  updated_at: number
}

const COLUMNS = `v.id, v.service_package_id, v.version, v.runtime_group_id, g.name AS runtime_group_name, v.status,
  v.service_id, v.created_at, v.updated_at`
const FROM = 'service_versions v JOIN runtime_groups g ON g.id = v.runtime_group_id'

function toRecord (row: VersionRecord): VersionRecord {
  return { ...row, created_at: Number(row.created_at), updated_at: Number(row.updated_at) }
}

/** How a URL names a version: `vid` (an id or a version name) and, optionally, `?runtime_group=` (id or name). */
export interface VersionAddress { vid: string, runtimeGroup?: string }

/**
 * The version `vid` names: an id, or a version name — one version in several runtime groups is one
 * name, so `runtimeGroup` picks the group's row; without it the name must be unique in the package.
 */
export async function requireVersion (ex: DbExecutor, packageId: string, address: VersionAddress): Promise<VersionRecord> {
  const { vid, runtimeGroup } = address
  const params: unknown[] = [packageId, isUuid(vid) ? vid.toLowerCase() : vid]
  let where = isUuid(vid) ? 'v.id = $2' : 'v.version = $2'
  if (runtimeGroup !== undefined) {
    params.push(runtimeGroup)
    where += ' AND (g.id = $3 OR g.name = $3)'
  }
  const rows = hasNul(vid) ? [] : await ex.query<VersionRecord>(`SELECT ${COLUMNS} FROM ${FROM} WHERE v.service_package_id = $1 AND ${where} LIMIT 2`, params)
  const inGroup = runtimeGroup === undefined ? '' : ` in runtime group "${runtimeGroup}"`
  if (rows.length === 0) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no version "${vid}"${inGroup} in this service package`)
  if (rows.length > 1) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `version "${vid}" exists in several runtime groups of this package: add ?runtime_group= or use the version id`, {
      fields: [{ path: 'vid', message: 'ambiguous version name: add ?runtime_group= or use the version id' }]
    })
  }
  return toRecord(rows[0])
}

/** The package's version named `version` in the runtime group, or null. */
export async function findVersionInGroup (ex: DbExecutor, packageId: string, version: string, runtimeGroupId: string): Promise<VersionRecord | null> {
  const rows = await ex.query<VersionRecord>(`SELECT ${COLUMNS} FROM ${FROM} WHERE v.service_package_id = $1 AND v.version = $2 AND v.runtime_group_id = $3`, [packageId, version, runtimeGroupId])
  return rows.length === 0 ? null : toRecord(rows[0])
}

export async function listVersions (ex: DbExecutor, dialect: Dialect, packageId: string, runtimeGroup: string | undefined, page: Page): Promise<VersionRecord[]> {
  const params: unknown[] = [packageId, page.size + 1, page.offset]
  let filter = ''
  if (runtimeGroup !== undefined) {
    params.push(runtimeGroup)
    filter = 'AND (g.id = $4 OR g.name = $4)'
  }
  const rows = await ex.query<VersionRecord>(`SELECT ${COLUMNS} FROM ${FROM} WHERE v.service_package_id = $1 ${filter}
    ORDER BY ${textOrder(dialect, 'v.version')}, ${textOrder(dialect, 'g.name')}, v.id LIMIT $2 OFFSET $3`, params)
  return rows.map(toRecord)
}

/** Every version of a package, by runtime group (so deletions lock groups in one order: no deadlock). */
export async function allVersions (ex: DbExecutor, packageId: string): Promise<VersionRecord[]> {
  return (await ex.query<VersionRecord>(`SELECT ${COLUMNS} FROM ${FROM} WHERE v.service_package_id = $1 ORDER BY v.runtime_group_id, v.id`, [packageId])).map(toRecord)
}

/** 409 when the package already has `version` in the runtime group (another version than `exceptId`). */
export async function checkVersionUnique (ex: DbExecutor, packageId: string, version: string, runtimeGroupId: string, exceptId: string): Promise<void> {
  const rows = await ex.query('SELECT id FROM service_versions WHERE service_package_id = $1 AND version = $2 AND runtime_group_id = $3 AND id <> $4',
    [packageId, version, runtimeGroupId, exceptId])
  if (rows.length > 0) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `version "${version}" already exists in this runtime group`, {
      fields: [{ path: 'version', message: 'already exists in this runtime group for this package' }]
    })
  }
}

export async function insertVersion (ex: DbExecutor, v: VersionRecord): Promise<void> {
  await ex.query(`INSERT INTO service_versions (id, service_package_id, version, runtime_group_id, status, service_id, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  [v.id, v.service_package_id, v.version, v.runtime_group_id, v.status, v.service_id, v.created_at, v.updated_at])
}

export async function updateVersion (ex: DbExecutor, v: VersionRecord): Promise<void> {
  await ex.query('UPDATE service_versions SET version = $2, runtime_group_id = $3, status = $4, service_id = $5, updated_at = $6 WHERE id = $1',
    [v.id, v.version, v.runtime_group_id, v.status, v.service_id, v.updated_at])
}

export async function deleteVersionRow (ex: DbExecutor, id: string): Promise<void> {
  await ex.query('DELETE FROM service_versions WHERE id = $1', [id])
}
