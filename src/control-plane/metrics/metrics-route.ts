import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneMetrics } from './control-plane-metrics.js'

/**
 * `GET /metrics` on the admin listener, behind admin auth like every Admin API route (a viewer
 * token is enough; Prometheus sends it with `authorization: {credentials: …}`). Without admin
 * tokens the Admin API listens on loopback only, and so does this.
 */
export function metricsRoute (metrics: ControlPlaneMetrics): AdminRoute {
  return {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics of this control plane (text exposition format 0.0.4, not JSON)',
    tag: 'Meta',
    responseSchema: { type: 'string', description: 'text/plain; version=0.0.4' },
    handler: async () => {
      const { contentType, text } = await metrics.exposition()
      return { status: 200, raw: text, headers: { 'content-type': contentType } }
    }
  }
}
