import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect, isIP } from 'node:net'
import type { TargetHealth } from './target-health.js'

// Kong's active health checks: every `healthy.interval` seconds the healthy targets are probed
// (to catch a failure), every `unhealthy.interval` the unhealthy ones (to see them recover), each
// probe a GET of `http_path` (tcp: a connection only) with `timeout`, `headers`, `https_sni` and
// `https_verify_certificate`, at most `concurrency` at a time. What is probed is an address (a
// target's IP, or each address of its name) with the target's name as Host and SNI. Its answer is
// reported with the active limits (target-health.ts) to the health the round started with: `health`
// is asked each round, as a DNS answer may have replaced the addresses, which keeps the timers on
// their interval. Timers are unref'd and stopped when the config is retired.

export interface ActiveProbes {
  stop: () => void
}

const NONE: ActiveProbes = { stop () {} }

export function startActiveProbes (current: () => TargetHealth): ActiveProbes {
  const active = current().upstream.healthchecks.active
  if (active.healthy.interval <= 0 && active.unhealthy.interval <= 0) return NONE
  const timers: NodeJS.Timeout[] = []
  let stopped = false
  const round = (wantHealthy: boolean): void => {
    const health = current()
    const peers = health.addresses.map((_, i) => i).filter((i) => health.healthy[i] === wantHealthy)
    let next = 0
    const worker = async (): Promise<void> => {
      while (!stopped && next < peers.length) {
        const peer = peers[next++]!
        const outcome = await probe(health, peer)
        if (!stopped && outcome !== 'ignored') health.report(peer, outcome, 'active')
      }
    }
    for (let k = 0; k < Math.min(active.concurrency, peers.length); k++) void worker()
  }
  for (const [interval, wantHealthy] of [[active.healthy.interval, true], [active.unhealthy.interval, false]] as const) {
    if (interval <= 0) continue
    const timer = setInterval(() => round(wantHealthy), interval * 1000)
    timer.unref()
    timers.push(timer)
  }
  return { stop () { stopped = true; for (const t of timers) clearInterval(t) } }
}

/** `ignored`: a status in neither list, which counts for nothing (as Kong). */
type Outcome = 'success' | 'http_failure' | 'tcp_failure' | 'timeout' | 'ignored'

async function probe (health: TargetHealth, peer: number): Promise<Outcome> {
  const active = health.upstream.healthchecks.active
  const address = health.addresses[peer]!
  const target = health.upstream.targets[address.target]!
  const timeoutMs = Math.max(1, active.timeout * 1000)
  return await new Promise<Outcome>((resolve) => {
    let done = false
    const finish = (o: Outcome): void => { if (!done) { done = true; resolve(o) } }
    if (active.type === 'tcp') {
      const socket = connect({ host: address.ip, port: address.port })
      socket.setTimeout(timeoutMs, () => { socket.destroy(); finish('timeout') })
      socket.once('connect', () => { socket.destroy(); finish('success') })
      socket.once('error', () => finish('tcp_failure'))
      return
    }
    const tls = active.type === 'https' || active.type === 'grpcs'
    const headers: Record<string, string | string[]> = { ...active.headers }
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'host')) headers.host = health.upstream.host_header ?? (isIP(target.host) === 6 ? `[${target.host}]` : target.host)
    const options = {
      host: address.ip,
      port: address.port,
      path: active.http_path,
      method: 'GET',
      headers,
      agent: false as const,
      timeout: timeoutMs,
      ...(tls ? { servername: active.https_sni ?? (isIP(target.host) === 0 ? target.host : undefined), rejectUnauthorized: active.https_verify_certificate } : {})
    }
    const req = (tls ? httpsRequest : httpRequest)(options, (res) => {
      res.resume()
      const status = res.statusCode ?? 0
      if (health.activeStatuses.healthy.has(status)) finish('success')
      else if (health.activeStatuses.unhealthy.has(status)) finish('http_failure')
      else finish('ignored')
      req.destroy()
    })
    req.once('timeout', () => { req.destroy(); finish('timeout') })
    req.once('error', () => finish('tcp_failure'))
    req.end()
  })
}
