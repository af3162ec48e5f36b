import { parseTarget } from '../../contract/index.js'
import type { UpstreamHealthReport } from '../../contract/sync-protocol.js'
import type { AdminContext, AdminResult, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { nowSeconds } from '../shared/ids.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { requireTarget, upstreamScope } from '../gateway/target-writes.js'
import { invalidError } from '../gateway/group-document.js'
import { listNodes, nodeWindow } from './node-store.js'
import { loadUpstreamHealth } from './upstream-health-store.js'
import { DEFAULT_PURGE_AFTER_SECONDS, DEFAULT_STALE_AFTER_SECONDS } from './sync-options.js'

// Target health seen from the control plane, which Kong cannot show (health is per node, and a
// Kong control plane proxies nothing): every node's latest report (UpstreamHealthMessage), one row
// per node of the group, and Kong's PUT …/targets/{t}[/{address}]/healthy|unhealthy forwarded to the
// group's connected nodes over their sync sockets.

const TAG = 'Hybrid mode'

function reportOf (upstreams: UpstreamHealthReport[], id: string, name: string): UpstreamHealthReport | null {
  return upstreams.find((u) => u.id === id) ?? upstreams.find((u) => u.name === name) ?? null
}

export function upstreamHealthRoutes ({ db, dataPlanes }: ControlPlaneDeps): AdminRoute[] {
  const stale = dataPlanes?.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS
  const purge = dataPlanes?.purgeAfterSeconds ?? DEFAULT_PURGE_AFTER_SECONDS
  const targetPath = '/runtime-groups/:rg/upstreams/:upstream/targets/:target'

  const mark = (healthy: boolean) => async (ctx: AdminContext): Promise<AdminResult> => {
    const scope = await upstreamScope(db, ctx.params.rg, ctx.params.upstream, false)
    const target = requireTarget(scope, ctx.params.target)
    let address: string | null = null
    if (ctx.params.address !== undefined) {
      const parsed = parseTarget(ctx.params.address)
      if (parsed === null || ctx.params.address.lastIndexOf(':') < 0) throw invalidError([{ path: 'address', message: 'must be an address ip:port' }])
      address = parsed.text
    }
    const reached = await dataPlanes?.setTargetHealth(scope.rg.id, { type: 'set_target_health', upstream: scope.upstream.id, target: target.id, address, healthy }) ?? 0
    return { status: 204, headers: { 'x-atrium-nodes-reached': String(reached) } }
  }

  const markSummary = (state: string, one: boolean): string =>
    `Mark ${one ? 'one address of a target' : 'a target (every address)'} ${state} on every connected node of the group (Kong's ${state} endpoint, sent over the sync sockets: at once to the nodes of this control plane, ` +
    'at their next poll to those of other replicas); answers 204 with X-Atrium-Nodes-Reached (the nodes of this control plane reached). Like Kong, the mark is the nodes\' current state: health checks go on from it'

  return [
    {
      method: 'GET', path: '/runtime-groups/:rg/upstreams/:upstream/health', tag: TAG,
      summary: 'Every node\'s view of the upstream\'s target health: one row per node of the group (connected or not yet purged), from its latest report; health null when the node has not reported this upstream',
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        const scope = await upstreamScope(db, ctx.params.rg, ctx.params.upstream, false)
        const nodes = await listNodes(db, scope.rg.id, nodeWindow(nowSeconds(), stale, purge), page)
        const reports = await loadUpstreamHealth(db, scope.rg.id)
        const name = String(scope.upstream.body.name)
        const rows = nodes.map((node) => {
          const row = reports.get(node.id)
          const u = row === undefined ? null : reportOf(row.upstreams, scope.upstream.id, name)
          return {
            node: { id: node.id, hostname: node.hostname, connected: node.connected, sync_status: node.sync_status, config_version: node.config_version },
            reported_at: row?.reported_at ?? null,
            config_version: u === null ? null : row?.version ?? null,
            health: u?.health ?? null,
            targets: (u?.targets ?? []).map((t) => ({ id: t.id, target: t.target, weight: t.weight, health: t.health, data: { addresses: t.addresses } }))
          }
        })
        return { status: 200, body: { upstream: { id: scope.upstream.id, name }, ...pageResult(page, rows) } }
      }
    },
    { method: 'PUT', path: `${targetPath}/healthy`, tag: TAG, summary: markSummary('healthy', false), handler: mark(true) },
    { method: 'PUT', path: `${targetPath}/unhealthy`, tag: TAG, summary: markSummary('unhealthy', false), handler: mark(false) },
    { method: 'PUT', path: `${targetPath}/:address/healthy`, tag: TAG, summary: markSummary('healthy', true), handler: mark(true) },
    { method: 'PUT', path: `${targetPath}/:address/unhealthy`, tag: TAG, summary: markSummary('unhealthy', true), handler: mark(false) }
  ]
}
