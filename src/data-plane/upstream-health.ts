import { isIP } from 'node:net'
import type { TargetHealth } from './balancer/target-health.js'

// The body of the status listener's `GET /upstreams/{name}/health` (Kong's Admin API shape): one
// entry per target with its health (HEALTHY when one of its addresses is, UNHEALTHY, HEALTHCHECKS_OFF
// when no check can change it, DNS_ERROR when its name gave no address) and, in `data`, Kong's
// balancer view of it: host, port, `dns` (the record type its addresses came from, or the DNS
// error), weights and every address with its own health. With `?balancer_health=1`, the upstream's
// own health instead (UNHEALTHY below healthchecks.threshold).

export function targetsHealthBody (health: TargetHealth): Record<string, unknown> {
  const u = health.upstream
  return {
    data: u.targets.map((t, i) => {
      const peers = health.peersOf(i)
      const total = peers.reduce((sum, p) => sum + health.addresses[p]!.weight, 0)
      const available = peers.reduce((sum, p) => sum + health.weights[p]!, 0)
      const first = peers.length > 0 ? health.addresses[peers[0]!]!.ip : null
      return {
        id: t.id,
        target: t.target,
        weight: t.weight,
        tags: t.tags,
        upstream: { id: u.id, name: u.name },
        health: health.targetState(i),
        data: {
          host: t.host,
          port: t.port,
          dns: health.dnsErrors[i] ?? (first !== null && isIP(first) === 6 ? 'AAAA' : 'A'),
          nodeWeight: t.weight,
          weight: { total, available, unavailable: total - available },
          addresses: peers.map((p) => {
            const a = health.addresses[p]!
            return { ip: a.ip, port: a.port, weight: a.weight, health: health.stateOf(p) }
          })
        }
      }
    }),
    next: null
  }
}
export function balancerHealthBody (health: TargetHealth): Record<string, unknown> {
  const u = health.upstream
  const total = health.totalWeight
  const available = health.healthyWeight
  const state = !health.enabled ? 'HEALTHCHECKS_OFF' : health.belowThreshold() || available === 0 ? 'UNHEALTHY' : 'HEALTHY'
  return {
    data: {
      id: u.id,
      name: u.name,
      health: state,
      details: { healthy: state !== 'UNHEALTHY', threshold: u.healthchecks.threshold, weight: { total, available, unavailable: total - available } }
    }
  }
}
