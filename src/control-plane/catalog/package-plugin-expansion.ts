import { derivedId } from '../shared/ids.js'
import type { PackagePlugin } from './package-plugin-store.js'

// How a package-wide plugin reaches the nodes: in each runtime group's snapshot it becomes one
// plugin on each implementation service of the package there — an ordinary service-scoped plugin
// with an id derived from the package plugin and the service (stable across snapshots, so deltas
// carry only real changes). A plugin of the same name already on that service (the version's own,
// even disabled) wins: the package plugin is left out for that service, as a narrower scope beats a
// wider one. These plugins are not gateway entities: GET /config and PUT /config never see them.

type Doc = Record<string, unknown>

function refId (v: unknown): string | null {
  return typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null
}

/** The id a package plugin has on one service in the snapshots. */
export function packagePluginIdOn (pluginId: string, serviceId: string): string {
  return derivedId('package-plugin', pluginId, serviceId)
}

/**
 * The document with the package plugins added, and a revision for each added plugin (what the
 * snapshot's delta compares, as it compares entity rows' revisions): a digest of what it holds.
 */
export function withPackagePlugins (doc: Doc, rows: ReadonlyArray<{ plugin: PackagePlugin, serviceId: string }>): { doc: Doc, revisions: Map<string, string> } {
  const revisions = new Map<string, string>()
  if (rows.length === 0) return { doc, revisions }
  const services = new Set((Array.isArray(doc.services) ? doc.services as Doc[] : []).map((s) => s.id))
  const plugins = Array.isArray(doc.plugins) ? [...doc.plugins as Doc[]] : []
  const taken = new Set<string>()
  for (const p of plugins) {
    const service = refId(p.service)
    if (service !== null && p.route === undefined && p.consumer === undefined) taken.add(`${service}|${String(p.name)}`)
  }
  for (const { plugin, serviceId } of rows) {
    if (!services.has(serviceId) || taken.has(`${serviceId}|${String(plugin.body.name)}`)) continue
    taken.add(`${serviceId}|${String(plugin.body.name)}`)
    const entry = { id: packagePluginIdOn(plugin.id, serviceId), ...plugin.body, service: { id: serviceId } }
    plugins.push(entry)
    revisions.set(entry.id, derivedId('revision', JSON.stringify(entry)))
  }
  return revisions.size === 0 ? { doc, revisions } : { doc: { ...doc, plugins }, revisions }
}
