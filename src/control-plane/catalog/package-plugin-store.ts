import type { DbExecutor } from '../store/db.js'

// SQL for package-wide plugins: one row per plugin instance of a service package (deleted with it).
// `body` is the plugin as stored on a service (name, config with defaults, enabled, protocols,
// tags …) without references. One per plugin name (a service holds a plugin name once); the
// instance_name column stays '' (package plugins have none: it would repeat on every service).

export interface PackagePlugin {
  id: string
  service_package_id: string
  body: Record<string, unknown>
  created_at: number
  updated_at: number
}

type Row = { id: string, service_package_id: string, body: string, created_at: unknown, updated_at: unknown }

function toPlugin (r: Row): PackagePlugin {
  return { id: r.id, service_package_id: r.service_package_id, body: JSON.parse(r.body) as Record<string, unknown>, created_at: Number(r.created_at), updated_at: Number(r.updated_at) }
}

const COLUMNS = 'id, service_package_id, body, created_at, updated_at'

export async function listPackagePlugins (ex: DbExecutor, packageId: string): Promise<PackagePlugin[]> {
  return (await ex.query<Row>(`SELECT ${COLUMNS} FROM service_package_plugins WHERE service_package_id = $1 ORDER BY created_at, id`, [packageId])).map(toPlugin)
}

export async function findPackagePlugin (ex: DbExecutor, packageId: string, id: string): Promise<PackagePlugin | null> {
  const rows = await ex.query<Row>(`SELECT ${COLUMNS} FROM service_package_plugins WHERE service_package_id = $1 AND id = $2`, [packageId, id.toLowerCase()])
  return rows.length === 0 ? null : toPlugin(rows[0])
}

/** Another plugin of the package with the same name: a service can hold each plugin once. */
export async function findSameName (ex: DbExecutor, p: PackagePlugin): Promise<string | null> {
  const rows = await ex.query<{ id: string }>('SELECT id FROM service_package_plugins WHERE service_package_id = $1 AND name = $2 AND id <> $3',
    [p.service_package_id, String(p.body.name), p.id])
  return rows.length === 0 ? null : rows[0].id
}

export async function savePackagePlugin (ex: DbExecutor, p: PackagePlugin, insert: boolean): Promise<void> {
  const params = [p.id, p.service_package_id, String(p.body.name), '', JSON.stringify(p.body), p.created_at, p.updated_at]
  if (insert) {
    await ex.query('INSERT INTO service_package_plugins (id, service_package_id, name, instance_name, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', params)
  } else {
    await ex.query('UPDATE service_package_plugins SET service_package_id = $2, name = $3, instance_name = $4, body = $5, created_at = $6, updated_at = $7 WHERE id = $1', params)
  }
}

export async function deletePackagePlugin (ex: DbExecutor, id: string): Promise<void> {
  await ex.query('DELETE FROM service_package_plugins WHERE id = $1', [id])
}

/** The runtime groups where a version of the package has an implementation: where its plugins apply. */
export async function groupsImplementing (ex: DbExecutor, packageId: string): Promise<string[]> {
  const rows = await ex.query<{ runtime_group_id: string }>(
    'SELECT DISTINCT runtime_group_id FROM service_versions WHERE service_package_id = $1 AND service_id IS NOT NULL ORDER BY runtime_group_id', [packageId])
  return rows.map((r) => r.runtime_group_id)
}

/** Each package plugin with each implementation service of its package in the group. */
export async function packagePluginsInGroup (ex: DbExecutor, runtimeGroupId: string): Promise<Array<{ plugin: PackagePlugin, serviceId: string }>> {
  const rows = await ex.query<Row & { service_id: string }>(
    `SELECT p.id, p.service_package_id, p.body, p.created_at, p.updated_at, v.service_id
       FROM service_package_plugins p JOIN service_versions v ON v.service_package_id = p.service_package_id
      WHERE v.runtime_group_id = $1 AND v.service_id IS NOT NULL
      ORDER BY p.created_at, p.id, v.service_id`, [runtimeGroupId])
  return rows.map((r) => ({ plugin: toPlugin(r), serviceId: r.service_id }))
}
