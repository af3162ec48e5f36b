import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { nowSeconds } from '../shared/ids.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { requireRuntimeGroup } from '../runtime-groups/index.js'
import { listNodes, nodeWindow } from './node-store.js'
import { DEFAULT_PURGE_AFTER_SECONDS, DEFAULT_STALE_AFTER_SECONDS } from './sync-options.js'

/** `GET /runtime-groups/:rg/data-planes`: the group's nodes, connected or not yet purged. */
export function dataPlaneRoutes ({ db, dataPlanes }: ControlPlaneDeps): AdminRoute[] {
  const stale = dataPlanes?.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS
  const purge = dataPlanes?.purgeAfterSeconds ?? DEFAULT_PURGE_AFTER_SECONDS
  return [
    {
      method: 'GET', path: '/runtime-groups/:rg/data-planes', tag: 'Hybrid mode',
      summary: 'List the group\'s data-plane nodes: sync status, applied config hash and version, last error; disconnected ones until purged',
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        const group = await requireRuntimeGroup(db, ctx.params.rg)
        const nodes = await listNodes(db, group.id, nodeWindow(nowSeconds(), stale, purge), page)
        return { status: 200, body: pageResult(page, nodes) }
      }
    }
  ]
}
