import type { DbExecutor } from '../store/db.js'

// Which catalog versions a runtime group's services implement, and detaching them. PUT /config
// (src/control-plane/gateway/config-routes.ts) imports this file directly, not through catalog/index.ts:
// the catalog's routes import the gateway, so going through the index would close an import cycle.

/** A version whose implementation is a service of the group (`service_id` set, the service may be gone). */
export type ImplementedVersion = {
  package_id: string
  package: string
  version_id: string
  version: string
  service_id: string
}

/** The versions of the group that name one of `serviceIds` as their implementation, by package name then version. */
export async function versionsImplementedBy (ex: DbExecutor, runtimeGroupId: string, serviceIds: ReadonlySet<string>): Promise<ImplementedVersion[]> {
  if (serviceIds.size === 0) return []
  // One query per group rather than an IN list: a group has few versions, a file may delete many services.
  const rows = await ex.query<ImplementedVersion>(
    `SELECT p.id AS package_id, p.name AS package, v.id AS version_id, v.version, v.service_id
       FROM service_versions v JOIN service_packages p ON p.id = v.service_package_id
      WHERE v.runtime_group_id = $1 AND v.service_id IS NOT NULL
      ORDER BY p.name, v.version, v.id`, [runtimeGroupId])
  return rows.filter((r) => serviceIds.has(r.service_id))
}

/** Clears the implementation of these versions (their services are being deleted). */
export async function detachVersions (ex: DbExecutor, versionIds: readonly string[], now: number): Promise<void> {
  for (const id of versionIds) await ex.query('UPDATE service_versions SET service_id = NULL, updated_at = $2 WHERE id = $1', [id, now])
}
