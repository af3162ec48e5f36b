import type { AdminContext, AdminResult, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { targetResponse, targetsOf } from './upstream-targets.js'
import { deleteTarget, requireTarget, upstreamScope, writeTarget } from './target-writes.js'

// Kong's target endpoints, per runtime group:
//   /runtime-groups/:rg/upstreams/:upstream/targets[/:target]
// with list, create, get, patch, put and delete. A target is addressed by id or by its address
// (`host:port`; `host` alone means port 8000, as Kong).

const TAG = 'Gateway entities'

export function targetRoutes ({ db }: ControlPlaneDeps): AdminRoute[] {
  const base = '/runtime-groups/:rg/upstreams/:upstream/targets'
  const item = `${base}/:target`
  const write = (mode: 'create' | 'replace' | 'patch') => async (ctx: AdminContext): Promise<AdminResult> => {
    const body = await ctx.json()
    const out = await db.transaction(async (tx) => {
      const scope = await upstreamScope(tx, ctx.params.rg, ctx.params.upstream, true)
      const { created, target } = await writeTarget(tx, scope, mode, ctx.params.target, body)
      return { created, body: targetResponse(target, scope.upstream.id) }
    })
    return { status: out.created ? 201 : 200, body: out.body }
  }
  return [
    {
      method: 'GET', path: base, tag: TAG, summary: 'List an upstream\'s targets',
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        const scope = await upstreamScope(db, ctx.params.rg, ctx.params.upstream, false)
        const rows = targetsOf(scope.upstream.body).slice(page.offset, page.offset + page.size + 1)
        return { status: 200, body: pageResult(page, rows.map((t) => targetResponse(t, scope.upstream.id))) }
      }
    },
    { method: 'POST', path: base, tag: TAG, summary: 'Create a target of an upstream (409 when the upstream has that address already)', handler: write('create') },
    {
      method: 'GET', path: item, tag: TAG, summary: 'Get an upstream\'s target by id or address',
      handler: async (ctx) => {
        const scope = await upstreamScope(db, ctx.params.rg, ctx.params.upstream, false)
        return { status: 200, body: targetResponse(requireTarget(scope, ctx.params.target), scope.upstream.id) }
      }
    },
    { method: 'PATCH', path: item, tag: TAG, summary: 'Update fields of an upstream\'s target', handler: write('patch') },
    { method: 'PUT', path: item, tag: TAG, summary: 'Create or replace an upstream\'s target by id or address', handler: write('replace') },
    {
      method: 'DELETE', path: item, tag: TAG, summary: 'Delete an upstream\'s target',
      handler: async (ctx) => {
        await db.transaction(async (tx) => {
          const scope = await upstreamScope(tx, ctx.params.rg, ctx.params.upstream, true)
          await deleteTarget(tx, scope, ctx.params.target)
        })
        return { status: 204 }
      }
    }
  ]
}
