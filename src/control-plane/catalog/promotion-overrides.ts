import type { FieldError } from '../../errors.js'
import { patchEntityBody, type ServiceTree } from '../gateway/index.js'
import { invalid } from './package-input.js'

// Per-environment values of a promotion (`"overrides"`): what must differ in the target runtime
// group — the service's url or host, a route's hosts, a plugin's limits. Shape:
//
//   { "service": { …service fields… },
//     "routes":  { "<route name>": { …route fields… } },
//     "plugins": { "<plugin name>": { … }, "<route name>/<plugin name>": { … } } }
//
// A plugin on the service is keyed by its name (or instance_name), one on a route by
// "route/plugin". Each value applies as a PATCH of that entity would (a service's `url` replaces
// protocol/host/port/path, a plugin's `config` merges field by field, null resets a field to its
// default). The target version remembers them: a request's overrides are merged into the remembered
// ones as a JSON merge patch (RFC 7396: objects merge, null removes a remembered value), so the next
// promotion applies them without being told again.

export type Overrides = Record<string, unknown> & {
  service?: Record<string, unknown>
  routes?: Record<string, Record<string, unknown>>
  plugins?: Record<string, Record<string, unknown>>
}

const SECTIONS = ['service', 'routes', 'plugins']
/** Fields an override must not touch: identity and structure come from the promoted version. */
const FIXED: Record<string, string[]> = {
  service: ['id', 'routes', 'plugins', 'created_at', 'updated_at'],
  routes: ['id', 'service', 'plugins', 'created_at', 'updated_at'],
  plugins: ['id', 'name', 'instance_name', 'service', 'route', 'created_at', 'updated_at']
}

function isObject (v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function checkFields (value: unknown, section: string, path: string, errors: FieldError[]): void {
  if (!isObject(value)) { errors.push({ path, message: 'must be an object of fields' }); return }
  for (const key of FIXED[section]) if (key in value) errors.push({ path: `${path}.${key}`, message: 'cannot be overridden' })
}

/** Validates the shape of `overrides`, adding its errors (`overrides.…`) to `errors`; undefined when absent. */
export function readOverrides (value: unknown, errors: FieldError[]): Overrides | undefined {
  if (value === undefined) return undefined
  if (!isObject(value)) { errors.push({ path: 'overrides', message: 'must be an object with service, routes and plugins' }); return undefined }
  for (const [key, section] of Object.entries(value)) {
    if (!SECTIONS.includes(key)) { errors.push({ path: `overrides.${key}`, message: 'unknown field: expected service, routes or plugins' }); continue }
    if (key === 'service') { if (section !== null) checkFields(section, 'service', 'overrides.service', errors); continue }
    if (section === null) continue
    if (!isObject(section)) { errors.push({ path: `overrides.${key}`, message: `must map ${key === 'routes' ? 'route names' : 'plugin keys'} to fields` }); continue }
    for (const [name, fields] of Object.entries(section)) if (fields !== null) checkFields(fields, key, `overrides.${key}.${name}`, errors)
  }
  return value as Overrides
}

/** RFC 7396 merge patch: `patch` onto `target` (neither is changed). */
export function mergePatch (target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch)
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

function pluginKey (plugin: Record<string, unknown>): string {
  return String(plugin.instance_name ?? plugin.name)
}

/**
 * The tree with the overrides applied. Keys of `strict` (the request's own overrides) that name no
 * route or plugin of the tree are a 400; remembered ones that no longer match apply to nothing.
 */
export function applyOverrides (tree: ServiceTree, overrides: Overrides, strict: Overrides | undefined): ServiceTree {
  const routes = overrides.routes ?? {}
  const plugins = overrides.plugins ?? {}
  const routeNames = new Set(tree.routes.map((r) => r.route.name).filter((n): n is string => typeof n === 'string'))
  const pluginKeys = new Set([
    ...tree.plugins.map(pluginKey),
    ...tree.routes.flatMap((r) => r.plugins.map((p) => `${String(r.route.name)}/${pluginKey(p)}`))
  ])
  const errors: FieldError[] = []
  for (const name of Object.keys(strict?.routes ?? {})) {
    if (!routeNames.has(name)) errors.push({ path: `overrides.routes.${name}`, message: 'the version\'s implementation has no route with this name' })
  }
  for (const key of Object.keys(strict?.plugins ?? {})) {
    if (!pluginKeys.has(key)) errors.push({ path: `overrides.plugins.${key}`, message: 'the version\'s implementation has no such plugin (its name on the service, or "route/plugin")' })
  }
  if (errors.length > 0) throw invalid('the overrides name what the version does not have', errors)
  const patchPlugin = (p: Record<string, unknown>, key: string): Record<string, unknown> => plugins[key] === undefined ? p : patchEntityBody('plugin', p, plugins[key])
  return {
    ...tree,
    service: overrides.service === undefined ? tree.service : patchEntityBody('service', tree.service, overrides.service),
    plugins: tree.plugins.map((p) => patchPlugin(p, pluginKey(p))),
    routes: tree.routes.map((r) => {
      const name = typeof r.route.name === 'string' ? r.route.name : null
      const patch = name === null ? undefined : routes[name]
      return {
        route: patch === undefined ? r.route : patchEntityBody('route', r.route, patch),
        plugins: r.plugins.map((p) => patchPlugin(p, `${String(name)}/${pluginKey(p)}`))
      }
    })
  }
}
