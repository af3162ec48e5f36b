import type { SetTargetHealthMessage, UpstreamHealthMessage, UpstreamHealthReport } from '../../contract/sync-protocol.js'
import type { GatewayState } from '../compiled-gateway.js'
import { balancerHealthBody, targetsHealthBody } from '../upstream-health.js'

// The node's side of the `upstream_health` feature: what GET /upstreams/{name}/health shows for
// every upstream of the config it serves, sent to the control plane whenever it differs from what
// was last sent on this socket (looked at once a second, off the request path: no hook in the
// health counters), and the operator's marks the control plane forwards.

/** How often the node looks for a change to report. */
export const HEALTH_REPORT_INTERVAL_MS = 1000

export function upstreamHealthMessage (state: GatewayState): UpstreamHealthMessage {
  const current = state.current
  const upstreams: UpstreamHealthReport[] = []
  for (const { health } of current?.upstreams.upstreams.values() ?? []) {
    const balancer = balancerHealthBody(health).data as { health: string }
    const targets = targetsHealthBody(health).data as Array<{ id: string | null, target: string, weight: number, health: string, data: { addresses: UpstreamHealthReport['targets'][number]['addresses'] } }>
    upstreams.push({
      id: health.upstream.id,
      name: health.upstream.name,
      health: balancer.health,
      targets: targets.map((t) => ({ id: t.id, target: t.target, weight: t.weight, health: t.health, addresses: t.data.addresses }))
    })
  }
  return { type: 'upstream_health', version: current?.version ?? 0, upstreams }
}

export interface HealthReporter {
  /** Starts reporting on a socket the control plane welcomed the node on. */
  connected: (send: (text: string) => void) => void
  disconnected: () => void
  /** Applies an operator's mark; false when this node has no such upstream or target. */
  mark: (message: SetTargetHealthMessage) => boolean
}

export function createHealthReporter (state: GatewayState, intervalMs = HEALTH_REPORT_INTERVAL_MS): HealthReporter {
  let timer: NodeJS.Timeout | null = null
  let last: string | null = null
  const stop = (): void => {
    if (timer !== null) clearInterval(timer)
    timer = null
    last = null
  }
  return {
    connected (send) {
      stop()
      const tick = (): void => {
        const text = JSON.stringify(upstreamHealthMessage(state))
        if (text === last) return
        last = text
        send(text)
      }
      tick()
      timer = setInterval(tick, intervalMs)
      timer.unref()
    },
    disconnected: stop,
    mark (m) {
      const upstreams = state.current?.upstreams
      if (upstreams === undefined || typeof m.upstream !== 'string' || typeof m.target !== 'string' || typeof m.healthy !== 'boolean') return false
      return upstreams.markTarget(m.upstream, m.target, typeof m.address === 'string' ? m.address : null, m.healthy)
    }
  }
}
