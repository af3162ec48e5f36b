import { loadDeclarativeDocument } from '../../contract/index.js'
import type { DbExecutor } from '../store/db.js'
import type { RuntimeGroup } from '../runtime-groups/index.js'
import { planDocument, type GroupPlan } from './config-apply.js'
import { exportDocument } from './config-export.js'
import { findEntity, loadEntities } from './entity-store.js'
import type { StoredEntity } from './entity-types.js'
import { invalidError } from './group-document.js'

// A service with its routes and the plugins scoped to them, lifted out of one group and planned
// into another (a catalog promotion). The tree holds no ids: in the target group routes are matched
// by name (or same fields when unnamed) and plugins by scope, as PUT /config matches them, so a
// second promotion updates the first one's entities in place. A plugin's consumer becomes its
// username, which the target group must have too.

export interface TreeRoute { route: Record<string, unknown>, plugins: Array<Record<string, unknown>> }

export interface ServiceTree {
  service: Record<string, unknown>
  routes: TreeRoute[]
  /** Plugins on the service itself (no route). */
  plugins: Array<Record<string, unknown>>
  /** The upstream of the source group the service's host names, if any. */
  upstream: string | null
}

type Body = Record<string, unknown>

function withoutKeys (body: Body, keys: string[]): Body {
  const out: Body = {}
  for (const [k, v] of Object.entries(body)) if (!keys.includes(k)) out[k] = v
  return out
}

/** The service `serviceId` of the group as a tree; null when the group has no such service. */
export async function exportServiceTree (ex: DbExecutor, rgId: string, serviceId: string): Promise<ServiceTree | null> {
  const entities = await loadEntities(ex, rgId)
  const service = entities.find((e) => e.kind === 'service' && e.id === serviceId)
  if (service === undefined) return null
  const consumers = new Map(entities.filter((e) => e.kind === 'consumer').map((e) => [e.id, e]))
  const routes = entities.filter((e) => e.kind === 'route' && e.service_id === serviceId)
  const plugin = (e: StoredEntity): Body => {
    const body = withoutKeys(e.body, ['service', 'route', 'consumer'])
    if (e.consumer_id === null) return body
    const username = consumers.get(e.consumer_id)?.name
    return { ...body, consumer: username ?? { id: e.consumer_id } }
  }
  const plugins = entities.filter((e) => e.kind === 'plugin')
  const host = service.body.host
  const upstream = typeof host === 'string' && entities.some((e) => e.kind === 'upstream' && e.name === host) ? host : null
  return {
    service: withoutKeys(service.body, ['id']),
    routes: routes.map((r) => ({ route: withoutKeys(r.body, ['id', 'service']), plugins: plugins.filter((p) => p.route_id === r.id).map(plugin) })),
    plugins: plugins.filter((p) => p.service_id === serviceId && p.route_id === null).map(plugin),
    upstream
  }
}

/** True when the group has an upstream named `name`. */
export async function hasUpstream (ex: DbExecutor, rgId: string, name: string): Promise<boolean> {
  return await findEntity(ex, rgId, 'upstream', name) !== null
}

/**
 * Plans the group with `tree` as its service `serviceId`: that service's routes and their plugins,
 * and its own plugins, are replaced by the tree's; everything else of the group stays. The whole
 * group after the change is checked by the contract (400 with its paths, nothing written).
 */
export async function planServiceTree (ex: DbExecutor, rg: RuntimeGroup, serviceId: string, tree: ServiceTree): Promise<GroupPlan> {
  const entities = await loadEntities(ex, rg.id)
  const routeIds = new Set(entities.filter((e) => e.kind === 'route' && e.service_id === serviceId).map((e) => e.id))
  const inTree = (e: StoredEntity): boolean => e.id === serviceId || routeIds.has(e.id) ||
    (e.kind === 'plugin' && ((e.service_id === serviceId && e.consumer_id === null && e.route_id === null) || (e.route_id !== null && routeIds.has(e.route_id)) ||
      (e.service_id === serviceId && e.route_id === null)))
  const doc = exportDocument(entities.filter((e) => !inTree(e)))
  const service: Body = {
    ...tree.service,
    id: serviceId,
    routes: tree.routes.map((r) => r.plugins.length === 0 ? r.route : { ...r.route, plugins: r.plugins }),
    ...(tree.plugins.length === 0 ? {} : { plugins: tree.plugins })
  }
  doc.services = [...(doc.services as Body[]), service]
  const loaded = loadDeclarativeDocument(doc, { acceptExpiredCertificates: true })
  if (!loaded.ok) throw invalidError(loaded.errors)
  return await planDocument(ex, rg.id, doc)
}
