import type { TargetHealth } from './balancer/target-health.js'

// The body of the status listener's `GET /upstreams/{name}/health` (Kong's Admin API shape): one
// entry per target with its health (HEALTHY, UNHEALTHY, or HEALTHCHECKS_OFF when no check can change
// it) and its address; with `?balancer_health=1` the upstream's own health instead (UNHEALTHY below
// healthchecks.threshold). A target named by a hostname is one address: the name, resolved when
// its connections are opened.

export function targetsHealthBody (health: TargetHealth): Record<string, unknown> {
  const u = health.upstream
  return {
    data: u.targets.map((t, i) => {
      const state = health.stateOf(i)
      return {
        id: t.id,
        target: t.target,
        weight: t.weight,
        tags: t.tags,
        upstream: { id: u.id, name: u.name },
        health: state,
        data: { addresses: [{ ip: t.host, port: t.port, weight: t.weight, health: state }] }
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
