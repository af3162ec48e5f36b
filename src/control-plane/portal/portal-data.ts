import type { Db } from '../store/db.js'
import type { Page } from '../shared/pagination.js'
import { allDocumentHeads, findDocument, type DocumentHead } from '../catalog/document-store.js'
import { reachableFromTop } from '../catalog/document-tree.js'
import { findImplementationService, listImplementationRoutes } from '../catalog/gateway-port.js'
import { findPackage, searchPackages, type ServicePackage } from '../catalog/package-store.js'
import { findSpecDocument, findSpecSummary } from '../catalog/spec-store.js'
import { allVersions, type VersionRecord } from '../catalog/version-store.js'
import { findRuntimeGroup, type RuntimeGroup } from '../runtime-groups/runtime-group-store.js'
import { routeEndpoints, type PortalEndpoint } from './portal-endpoints.js'

// Everything the Dev Portal reads, and the one place its visibility rules live:
// - a package is visible when portal_published is true;
// - a version of a visible package when its status is published or deprecated;
// - a document of a visible package when it and every ancestor are published;
// - a spec when its version is visible.
// Every function answers null / [] for anything not visible, so a page cannot leak what it was not
// given. Reads only: the portal holds no write path into the store.

/** One version in one runtime group (an environment). */
export interface PortalEnvironment {
  /** The version record's id: only for the spec lookup and old id URLs, never shown. */
  id: string
  runtime_group: string
  status: 'published' | 'deprecated'
  endpoints: PortalEndpoint[]
  spec: { title: string, api_version: string, specification: string, operations: number } | null
}

/** A version as consumers see it: one name, in every environment where it is visible. */
export interface PortalVersion {
  version: string
  /** In the order the runtime groups were created (development before production, as usually made). */
  environments: PortalEnvironment[]
}

const PORTAL_STATUSES = new Set(['published', 'deprecated'])

export async function searchPortalPackages (db: Db, q: string | undefined, labels: Array<[string, string]>, page: Page): Promise<ServicePackage[]> {
  return await searchPackages(db, db.dialect, { q, labels, portalPublished: true }, page)
}

/** Label pairs of visible packages, for the home page's filters (at most 200, by key then value). */
export async function portalLabels (db: Db): Promise<Array<[string, string]>> {
  const rows = await db.query<{ key: string, value: string }>(`SELECT DISTINCT l.key, l.value FROM service_package_labels l
    JOIN service_packages p ON p.id = l.service_package_id WHERE p.portal_published = 1 ORDER BY l.key, l.value LIMIT 200`)
  return rows.map((r) => [r.key, r.value])
}

/** A visible package by slug (the portal's URLs use slugs only). */
export async function findPortalPackage (db: Db, slug: string): Promise<ServicePackage | null> {
  const pkg = await findPackage(db, slug)
  return pkg !== null && pkg.slug === slug && pkg.portal_published ? pkg : null
}

async function portalEnvironment (db: Db, v: VersionRecord, publicUrl: string | null): Promise<PortalEnvironment> {
  const endpoints: PortalEndpoint[] = []
  if (v.service_id !== null && await findImplementationService(db, v.runtime_group_id, v.service_id) !== null) {
    for (const r of await listImplementationRoutes(db, v.runtime_group_id, v.service_id)) endpoints.push(...routeEndpoints(r, publicUrl))
  }
  const spec = await findSpecSummary(db, v.id)
  return {
    id: v.id,
    runtime_group: v.runtime_group_name,
    status: v.status as PortalEnvironment['status'],
    endpoints,
    spec: spec === null
      ? null
      : { title: spec.title, api_version: spec.api_version, specification: `${spec.specification.type === 'openapi' ? 'OpenAPI' : 'Swagger'} ${spec.specification.version}`, operations: spec.operations.length }
  }
}

const byVersionName = new Intl.Collator('en', { numeric: true }).compare

/** Visible versions of a visible package by name (v2 before v10), each with its environments. */
export async function portalVersions (db: Db, pkg: ServicePackage): Promise<PortalVersion[]> {
  if (!pkg.portal_published) return []
  const visible = (await allVersions(db, pkg.id)).filter((v) => PORTAL_STATUSES.has(v.status))
  const groups = new Map<string, RuntimeGroup | null>()
  for (const v of visible) if (!groups.has(v.runtime_group_id)) groups.set(v.runtime_group_id, await findRuntimeGroup(db, v.runtime_group_id))
  const created = (v: VersionRecord): number => groups.get(v.runtime_group_id)?.created_at ?? 0
  visible.sort((a, b) => byVersionName(a.version, b.version) || created(a) - created(b) || (a.runtime_group_name < b.runtime_group_name ? -1 : 1))
  const out: PortalVersion[] = []
  for (const v of visible) {
    const environment = await portalEnvironment(db, v, groups.get(v.runtime_group_id)?.public_url ?? null)
    const last = out.at(-1)
    if (last?.version === v.version) last.environments.push(environment)
    else out.push({ version: v.version, environments: [environment] })
  }
  return out
}

/** A visible version by name, or the name a visible version's id belongs to (old id URLs redirect). */
export async function findPortalVersion (db: Db, pkg: ServicePackage, nameOrId: string): Promise<{ version: PortalVersion } | { redirect: { version: string, environment: string } } | null> {
  const versions = await portalVersions(db, pkg)
  const named = versions.find((v) => v.version === nameOrId)
  if (named !== undefined) return { version: named }
  for (const v of versions) {
    const env = v.environments.find((e) => e.id === nameOrId)
    if (env !== undefined) return { redirect: { version: v.version, environment: env.runtime_group } }
  }
  return null
}

/**
 * The environment whose spec a version's API reference shows: the one named, else the first that
 * has a spec. Null when the name is not one of the version's environments.
 */
export function specEnvironment (version: PortalVersion, name: string | null): PortalEnvironment | null {
  if (name !== null) return version.environments.find((e) => e.runtime_group === name) ?? null
  return version.environments.find((e) => e.spec !== null) ?? version.environments[0]
}

/** The spec document (JSON text) of a visible version, for the API reference. */
export async function portalSpecDocument (db: Db, environment: PortalEnvironment): Promise<string | null> {
  return environment.spec === null ? null : await findSpecDocument(db, environment.id)
}

/** Visible documents of a visible package, in title order (the navigation is built from them). */
export async function portalDocuments (db: Db, pkg: ServicePackage): Promise<DocumentHead[]> {
  if (!pkg.portal_published) return []
  return reachableFromTop(await allDocumentHeads(db, db.dialect, pkg.id), (d) => d.status === 'published')
}

/** A visible document with its content. */
export async function findPortalDocument (db: Db, pkg: ServicePackage, slug: string): Promise<{ title: string, slug: string, content: string } | null> {
  const visible = await portalDocuments(db, pkg)
  if (!visible.some((d) => d.slug === slug)) return null
  const doc = await findDocument(db, pkg.id, slug)
  return doc === null || doc.slug !== slug ? null : { title: doc.title, slug: doc.slug, content: doc.content }
}
