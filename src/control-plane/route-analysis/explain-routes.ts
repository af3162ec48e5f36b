import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { requireRuntimeGroup } from '../runtime-groups/index.js'
import { explainMatch } from '../../router/explain-match.js'
import { parseExplainRequest } from '../../router/explain-request.js'
import { GatewayError } from '../../errors.js'
import type { GroupRouters } from './group-router.js'

// POST /runtime-groups/{rg}/routes/explain: which route of the group's current config a request
// takes, and why the others do not (src/router/explain-match.ts), from the routes compiled as the
// group's nodes compile them. Read-only, so viewer tokens may call it.

const TAG = 'Route analysis'

const REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    method: { type: 'string', default: 'GET' },
    url: { type: 'string', description: 'absolute URL (host, port and TLS from it) or a path with a query' },
    path: { type: 'string', description: 'the request target, instead of url' },
    host: { type: 'string', description: 'the Host header' },
    headers: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'the proxy port the request arrives on' },
    tls: { type: 'boolean' },
    sni: { type: 'string' }
  }
}

export function explainRoutes ({ db }: ControlPlaneDeps, routers: GroupRouters): AdminRoute[] {
  return [{
    method: 'POST', path: '/runtime-groups/:rg/routes/explain', tag: TAG, readOnly: true, requestSchema: REQUEST_SCHEMA,
    summary: 'Which route the request takes in the group\'s current config and why: the winner with its upstream path and priority, ' +
      'every other matching route with the priority rule it lost on, near misses with the criterion that failed',
    handler: async (ctx) => {
      const input = parseExplainRequest(await ctx.json())
      const rg = await requireRuntimeGroup(db, ctx.params.rg)
      const routing = await routers.forGroup(rg.id)
      if (routing === null) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no runtime group with id or name "${ctx.params.rg}"`)
      return { status: 200, body: { config_version: routing.version, ...explainMatch(routing.router, routing.config, input) } }
    }
  }]
}
