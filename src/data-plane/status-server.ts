import { createServer, type Server } from 'node:http'
import type { Registry } from 'prom-client'
import type { GatewayState } from './compiled-gateway.js'
import type { ControlPlaneStatus } from './sync-client/sync-client.js'
import { balancerHealthBody, targetsHealthBody } from './upstream-health.js'
import { explainRoutes } from './explain-routes.js'
import { sendJson } from './send-json.js'

export interface ReloadOutcome {
  ok: boolean
  at: number
  errors: Array<{ path: string, message: string }>
}

export interface StatusSource {
  state: GatewayState
  startedAt: number
  version: string
  lastReload: () => ReloadOutcome | null
  /** Hybrid mode: the control-plane connection; absent in file mode (`control_plane: null`). */
  controlPlane?: () => ControlPlaneStatus
  /** GET /metrics; null or absent when metrics are off (404). */
  metrics?: Registry | null
}

function safeDecode (text: string): string | null {
  try { return decodeURIComponent(text) } catch { return null }
}


/**
 * The node's status listener (Kong's status API on 8100): `GET /status` for the loaded config (and,
 * in hybrid mode, the control-plane connection), `GET /status/ready` for load balancers (200 once a
 * config is serving, else 503), `GET /metrics` for Prometheus (text format 0.0.4), `GET
 * /upstreams/{name}/health` for the node's view of an upstream's targets (upstream-health.ts), `POST
 * /routes/explain` for which route of the applied config a request would take and why (explain-routes.ts).
 */
export function createStatusServer (source: StatusSource): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]
    if (path === '/routes/explain') {
      explainRoutes(source.state.current, req, res)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { message: 'Method not allowed' })
      return
    }
    const current = source.state.current
    if (path === '/status') {
      const appliedAt = current === null ? null : new Date(current.appliedAt).toISOString()
      const configVersion = current?.version ?? null
      sendJson(res, 200, {
        version: source.version,
        config_hash: current?.hash ?? null,
        config_version: configVersion,
        config_applied_at: appliedAt,
        config: { hash: current?.hash ?? null, version: configVersion, applied_at: appliedAt },
        control_plane: source.controlPlane?.() ?? null,
        services: current?.config.services.length ?? 0,
        routes: current?.config.routes.length ?? 0,
        plugins: current?.config.plugins?.length ?? 0,
        uptime_seconds: Math.floor((Date.now() - source.startedAt) / 1000),
        last_reload: source.lastReload()
      })
    } else if (path === '/metrics') {
      const registry = source.metrics
      if (registry == null) {
        sendJson(res, 404, { message: 'metrics are off (--metrics off)' })
        return
      }
      registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) })
        res.end(text)
      }, (err: unknown) => {
        sendJson(res, 500, { message: `collecting metrics failed: ${String(err)}` })
      })
    } else if (path.startsWith('/upstreams/') && path.endsWith('/health')) {
      const name = safeDecode(path.slice('/upstreams/'.length, -'/health'.length))?.toLowerCase() ?? ''
      const health = current?.upstreams.upstream(name)?.health
      if (health === undefined) {
        sendJson(res, 404, { message: 'Not found' })
        return
      }
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '')
      const balancer = query.get('balancer_health')
      sendJson(res, 200, balancer === '1' || balancer === 'true' ? balancerHealthBody(health) : targetsHealthBody(health))
    } else if (path === '/status/ready') {
      if (current === null) sendJson(res, 503, { message: 'no configuration loaded' })
      else sendJson(res, 200, { message: 'ready' })
    } else {
      sendJson(res, 404, { message: 'Not found' })
    }
  })
}
