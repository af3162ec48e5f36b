import { enc } from './api.js'
import type { Route } from './routes-editor.js'

// Where a plugin that applies to a version sits, most specific first (Kong's precedence: a route's
// plugin wins over the service's, which wins over the group's global one). Each scope says which
// plugins are its own, where new ones of it can be attached and the collection its plugins are
// written to, so a scope with its own endpoints (a package's plugins, for every version) is one
// more entry of SCOPES.

export interface Plugin {
  id: string, name: string, enabled: boolean, config: Record<string, unknown>, protocols?: string[]
  service?: { id: string } | null, route?: { id: string } | null, consumer?: { id: string } | null
}

export interface VersionContext { group: { id: string, name: string }, serviceId: string, routes: Route[] }

/** A place a new plugin of a scope can be attached: the references its body carries. */
export interface ScopeTarget { key: string, label: string, refs: Record<string, { id: string }> }

export interface PluginScope {
  id: string
  label: string
  /** Of the group's plugins, the ones this scope holds for the version (a scope with its own endpoint fetches them itself). */
  select: (groupPlugins: Plugin[], ctx: VersionContext) => Promise<Plugin[]>
  /** What a row of this scope applies to, in words. */
  appliesTo: (p: Plugin, ctx: VersionContext) => string
  targets: (ctx: VersionContext) => ScopeTarget[]
  /** The target key a plugin of this scope is attached at (to prefill the form). */
  keyOf: (p: Plugin) => string
  /** The collection new plugins are POSTed to; a plugin is at `${collection}/${id}`. */
  collection: (ctx: VersionContext) => string
}

const groupPluginsPath = (ctx: VersionContext): string => `/runtime-groups/${enc(ctx.group.id)}/plugins`
const routeName = (r: Route): string => r.name ?? r.id

export const SCOPES: PluginScope[] = [
  {
    id: 'route',
    label: 'route',
    select: async (all, ctx) => all.filter((p) => p.consumer == null && p.route != null && ctx.routes.some((r) => r.id === p.route?.id)),
    appliesTo: (p, ctx) => `route ${routeName(ctx.routes.find((r) => r.id === p.route?.id) as Route)}`,
    targets: (ctx) => ctx.routes.map((r) => ({ key: `route:${r.id}`, label: `route ${routeName(r)}`, refs: { route: { id: r.id } } })),
    keyOf: (p) => `route:${p.route?.id ?? ''}`,
    collection: groupPluginsPath
  },
  {
    id: 'version',
    label: 'version',
    select: async (all, ctx) => all.filter((p) => p.consumer == null && p.route == null && p.service?.id === ctx.serviceId),
    appliesTo: () => 'every route of this version',
    targets: (ctx) => [{ key: 'version', label: 'this version (every route of it)', refs: { service: { id: ctx.serviceId } } }],
    keyOf: () => 'version',
    collection: groupPluginsPath
  },
  {
    id: 'runtime-group',
    label: 'runtime group',
    select: async (all) => all.filter((p) => p.consumer == null && p.route == null && p.service == null),
    appliesTo: (_p, ctx) => `every service of ${ctx.group.name}`,
    targets: (ctx) => [{ key: 'runtime-group', label: `runtime group ${ctx.group.name} (global)`, refs: {} }],
    keyOf: () => 'runtime-group',
    collection: groupPluginsPath
  }
]
