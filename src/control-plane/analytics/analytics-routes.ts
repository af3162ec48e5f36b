import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { readSeriesRequest } from './query-input.js'
import { resolveQuery } from './query-scope.js'
import { buildSeries } from './series-build.js'

const POINT = {
  type: 'object',
  properties: {
    time: { type: 'integer', description: 'start of the minute or hour, epoch seconds' },
    requests: { type: 'integer' },
    errors_4xx: { type: 'integer' },
    errors_5xx: { type: 'integer' },
    p50: { type: ['number', 'null'], description: 'ms, from merged histograms (within 2.5%)' },
    p95: { type: ['number', 'null'] },
    p99: { type: ['number', 'null'] },
    bytes: { type: 'integer', description: 'bytes_in + bytes_out' },
    bytes_in: { type: 'integer', description: 'request body bytes' },
    bytes_out: { type: 'integer', description: 'response body bytes' }
  }
}

const RESPONSE = {
  type: 'object',
  properties: {
    from: { type: 'integer' },
    to: { type: 'integer' },
    granularity: { enum: ['minute', 'hour'] },
    group_by: { enum: ['status_class', 'route', 'version', null] },
    series: {
      type: 'array',
      items: { type: 'object', properties: { group: { type: ['object', 'null'] }, total: POINT, points: { type: 'array', items: POINT } } }
    }
  }
}

export function analyticsRoutes (deps: ControlPlaneDeps): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/analytics/requests',
      summary: 'Request counts, errors, latency percentiles and bytes over time (service_package, version, runtime_group, route, from, to, granularity=minute|hour, group_by=status_class|route|version)',
      tag: 'Analytics',
      responseSchema: RESPONSE,
      handler: async (ctx) => {
        const req = readSeriesRequest(ctx.query)
        const resolved = await resolveQuery(deps.db, req)
        return { status: 200, body: await buildSeries(deps.db, req, resolved) }
      }
    }
  ]
}
