import type { Db } from '../store/db.js'
import type { Page } from '../shared/pagination.js'
import { allDocumentHeads, findDocument, type DocumentHead } from '../catalog/document-store.js'
import { reachableFromTop } from '../catalog/document-tree.js'
import { findImplementationService, listImplementationRoutes } from '../catalog/gateway-port.js'
import { findPackage, searchPackages, type ServicePackage } from '../catalog/package-store.js'
import { findSpecDocument, findSpecSummary } from '../catalog/spec-store.js'
import { allVersions, type VersionRecord } from '../catalog/version-store.js'

// Everything the Dev Portal reads, and the one place its visibility rules live:
// - a package is visible when portal_published is true;
// - a version of a visible package when its status is published or deprecated;
// - a document of a visible package when it and every ancestor are published;
// - a spec when its version is visible.
// Every function answers null / [] for anything not visible, so a page cannot leak what it was not
// given. Reads only: the portal holds no write path into the store.

export interface PortalRoute {
  name: string | null
  methods: string[]
  /** `https://api.example.com/pets`, or `/pets` when the route matches any host. */
  urls: string[]
}

export interface PortalVersion {
  id: string
  version: string
  status: 'published' | 'deprecated'
  runtime_group: string
  routes: PortalRoute[]
  spec: { title: string, api_version: string, specification: string, operations: number } | null
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

function routeUrls (route: Record<string, unknown>): string[] {
  const protocols = Array.isArray(route.protocols) ? route.protocols as string[] : ['http', 'https']
  const scheme = protocols.includes('https') ? 'https' : 'http'
  const hosts = Array.isArray(route.hosts) && route.hosts.length > 0 ? route.hosts as string[] : [null]
  const paths = Array.isArray(route.paths) && route.paths.length > 0 ? route.paths as string[] : ['/']
  return hosts.flatMap((host) => paths.map((path) => host === null ? path : `${scheme}://${host}${path.startsWith('~') ? ` ${path}` : path}`))
}

async function portalVersion (db: Db, v: VersionRecord): Promise<PortalVersion> {
  const routes: PortalRoute[] = []
  if (v.service_id !== null && await findImplementationService(db, v.runtime_group_id, v.service_id) !== null) {
    for (const r of await listImplementationRoutes(db, v.runtime_group_id, v.service_id)) {
      routes.push({ name: typeof r.name === 'string' ? r.name : null, methods: Array.isArray(r.methods) ? r.methods as string[] : [], urls: routeUrls(r) })
    }
  }
  const spec = await findSpecSummary(db, v.id)
  return {
    id: v.id,
    version: v.version,
    status: v.status as PortalVersion['status'],
    runtime_group: v.runtime_group_name,
    routes,
    spec: spec === null
      ? null
      : { title: spec.title, api_version: spec.api_version, specification: `${spec.specification.type === 'openapi' ? 'OpenAPI' : 'Swagger'} ${spec.specification.version}`, operations: spec.operations.length }
  }
}

/** Visible versions of a visible package, by version then runtime group. */
export async function portalVersions (db: Db, pkg: ServicePackage): Promise<PortalVersion[]> {
  if (!pkg.portal_published) return []
  const visible = (await allVersions(db, pkg.id)).filter((v) => PORTAL_STATUSES.has(v.status))
  visible.sort((a, b) => a.version < b.version ? -1 : a.version > b.version ? 1 : a.runtime_group_name < b.runtime_group_name ? -1 : 1)
  const out: PortalVersion[] = []
  for (const v of visible) out.push(await portalVersion(db, v))
  return out
}

export async function findPortalVersion (db: Db, pkg: ServicePackage, versionId: string): Promise<PortalVersion | null> {
  return (await portalVersions(db, pkg)).find((v) => v.id === versionId) ?? null
}

/** The spec document (JSON text) of a visible version, for the API reference. */
export async function portalSpecDocument (db: Db, pkg: ServicePackage, versionId: string): Promise<string | null> {
  const version = await findPortalVersion(db, pkg, versionId)
  return version?.spec == null ? null : await findSpecDocument(db, version.id)
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
