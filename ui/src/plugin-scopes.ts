import { enc } from './api.js'
import type { Route } from './routes-editor.js'

// Where a plugin that applies to a version sits, most specific first (Kong's precedence: a route's
// plugin wins over the service's; a version's own plugin of a name wins over the package's; then a
// consumer's, then the group's global one). The list comes from GET …/versions/{vid}/plugins, whose
// `scope` names the entry here; each scope says where new ones of it are attached, the collection
// its plugins are written to, and how an edit is sent (package plugins have no PUT).

export interface Plugin {
  id: string, name: string, enabled: boolean, config: Record<string, unknown>, protocols?: string[]
  service?: { id: string } | null, route?: { id: string } | null, consumer?: { id: string } | null
}

/** One entry of GET /service-packages/{id}/versions/{vid}/plugins. */
export interface AppliedPlugin {
  scope: 'route' | 'version' | 'package' | 'consumer' | 'runtime_group'
  plugin: Plugin
  route?: { id: string, name: string | null }
  /** Package scope: false when the version has its own plugin of the name (`overridden_by`) or no implementation. */
  active?: boolean
  overridden_by?: { id: string } | null
}

export interface VersionContext { group: { id: string, name: string }, serviceId: string, routes: Route[], packagePath: string, versionPath: string }

/** A place a new plugin of a scope can be attached: the references its body carries. */
export interface ScopeTarget { key: string, label: string, refs: Record<string, { id: string }> }

export interface PluginScope {
  /** The API's scope name. */
  api: AppliedPlugin['scope']
  /** The row's data-scope and class. */
  id: string
  label: string
  /** What a row of this scope applies to, in words. */
  appliesTo: (entry: AppliedPlugin, ctx: VersionContext) => string
  targets: (ctx: VersionContext) => ScopeTarget[]
  /** The target key a plugin of this scope is attached at (to prefill the form). */
  keyOf: (p: Plugin) => string
  /** The collection new plugins are POSTed to; a plugin is at `${collection}/${id}`. */
  collection: (ctx: VersionContext) => string
  /** How an edit sends the whole plugin: PUT replaces it; PATCH (package plugins) merges the config. */
  update: 'PUT' | 'PATCH'
}

const groupPluginsPath = (ctx: VersionContext): string => `/runtime-groups/${enc(ctx.group.id)}/plugins`
const routeName = (r: { id: string, name?: string | null }): string => r.name ?? r.id

export const SCOPES: PluginScope[] = [
  {
    api: 'route',
    id: 'route',
    label: 'route',
    appliesTo: (e, ctx) => `route ${routeName(e.route ?? ctx.routes.find((r) => r.id === e.plugin.route?.id) ?? { id: e.plugin.route?.id ?? '' })}`,
    targets: (ctx) => ctx.routes.map((r) => ({ key: `route:${r.id}`, label: `route ${routeName(r)}`, refs: { route: { id: r.id } } })),
    keyOf: (p) => `route:${p.route?.id ?? ''}`,
    collection: groupPluginsPath,
    update: 'PUT'
  },
  {
    api: 'version',
    id: 'version',
    label: 'version',
    appliesTo: () => 'every route of this version',
    targets: (ctx) => [{ key: 'version', label: 'this version (every route of it)', refs: { service: { id: ctx.serviceId } } }],
    keyOf: () => 'version',
    collection: groupPluginsPath,
    update: 'PUT'
  },
  {
    api: 'package',
    id: 'package',
    label: 'package',
    appliesTo: (e) => e.overridden_by != null
      ? 'all versions of this package — not this one: its own plugin of the name wins'
      : 'all versions of this package, in every runtime group',
    targets: () => [{ key: 'package', label: 'All versions of this package', refs: {} }],
    keyOf: () => 'package',
    collection: (ctx) => `${ctx.packagePath}/plugins`,
    update: 'PATCH'
  },
  {
    api: 'consumer',
    id: 'consumer',
    label: 'consumer',
    appliesTo: (e) => `requests of consumer ${e.plugin.consumer?.id ?? ''}`,
    // Consumer plugins are added on the Consumers page, where the consumer is chosen.
    targets: () => [],
    keyOf: () => 'consumer',
    collection: groupPluginsPath,
    update: 'PUT'
  },
  {
    api: 'runtime_group',
    id: 'runtime-group',
    label: 'runtime group',
    appliesTo: (_e, ctx) => `every service of ${ctx.group.name}`,
    targets: (ctx) => [{ key: 'runtime-group', label: `runtime group ${ctx.group.name} (global)`, refs: {} }],
    keyOf: () => 'runtime-group',
    collection: groupPluginsPath,
    update: 'PUT'
  }
]

export function scopeOf (entry: AppliedPlugin): PluginScope {
  return SCOPES.find((s) => s.api === entry.scope) as PluginScope
}
