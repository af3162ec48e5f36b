import { isIP } from 'node:net'
import { Pool } from 'undici'
import { parseTarget, type GatewayConfig, type ServiceConfig, type TargetConfig, type UpstreamConfig } from '../../contract/index.js'
import { createBalancer } from '../balancer/create-balancer.js'
import type { Balancer } from '../balancer/types.js'
import { startActiveProbes, type ActiveProbes } from '../balancer/active-probes.js'
import { TargetHealth } from '../balancer/target-health.js'
import { ServiceBalancer, type BalancedPeer } from './service-balancer.js'

// One undici Pool (many keep-alive connections to one origin) per distinct upstream origin. A pool is
// keyed by everything its sockets depend on (origin, connect timeout, TLS verification); services
// sharing a key share a pool. On reload, pools whose key is unchanged are carried over to the new set,
// so a config change does not drop warm connections; the others are closed gracefully once the new
// set is live (see retire()).
//
// A service whose host names an upstream gets no pool of its own but a ServiceBalancer: a pool per
// target (keyed and carried over the same way) and the upstream's algorithm, one instance per
// upstream shared by every service that names it (Kong's balancer is per upstream).
//
// Per-request timeouts (read_timeout → headersTimeout/bodyTimeout) are not part of the key: they are
// passed with each dispatch, so services with different read timeouts can share sockets.

/** Idle keep-alive sockets are kept this long unless the upstream's Keep-Alive hint says less. */
const KEEP_ALIVE_TIMEOUT_MS = 60_000
const KEEP_ALIVE_MAX_TIMEOUT_MS = 600_000

export class UpstreamSet {
  /** Pool per service index (several services may share one pool); null for a balanced service. */
  readonly #byService: Array<Pool | null>
  /** Balancer per service index; null for a service with its own host. */
  readonly #balancers: Array<ServiceBalancer | null>
  /** TLS server name per service index: the service host, or null for http / IP hosts. */
  readonly #servername: Array<string | null>
  /** Host header to send per service index: host, plus `:port` when not the protocol's default. */
  readonly #hostHeader: string[]
  readonly #byKey: Map<string, Pool>
  /** Active health probes of this config's upstreams, stopped when it is retired or closed. */
  readonly #probes: ActiveProbes[]
  /** Health per upstream index (GET /upstreams/{name}/health). */
  readonly health: ReadonlyMap<string, TargetHealth>
  #closed = false

  constructor (byKey: Map<string, Pool>, byService: Array<Pool | null>, balancers: Array<ServiceBalancer | null>, servername: Array<string | null>, hostHeader: string[], health: Map<string, TargetHealth> = new Map(), probes: ActiveProbes[] = []) {
    this.#byKey = byKey
    this.health = health
    this.#probes = probes
    this.#byService = byService
    this.#balancers = balancers
    this.#servername = servername
    this.#hostHeader = hostHeader
  }

  /** Hot path. The pool serving services[serviceIndex]; null when it is balanced over an upstream. */
  pool (serviceIndex: number): Pool | null {
    return this.#byService[serviceIndex]
  }

  /** Hot path. The balancer of services[serviceIndex], or null when it has its own host. */
  balancer (serviceIndex: number): ServiceBalancer | null {
    return this.#balancers[serviceIndex]
  }

  /** Hot path. The SNI name to send for services[serviceIndex], or null. */
  servername (serviceIndex: number): string | null {
    return this.#servername[serviceIndex]
  }

  /** Hot path. The Host header for services[serviceIndex] (when the route does not preserve the host). */
  hostHeader (serviceIndex: number): string {
    return this.#hostHeader[serviceIndex]
  }

  /**
   * An operator's mark (Kong's PUT …/targets/{t}[/{address}]/healthy|unhealthy, forwarded by the
   * control plane): the upstream by name or id, the target by id or address, `address` (`ip:port`)
   * one of its addresses or null for all. False when there is no such upstream, target or address.
   */
  markTarget (upstreamRef: string, targetRef: string, address: string | null, healthy: boolean): boolean {
    const ref = upstreamRef.toLowerCase()
    const health = this.health.get(ref) ?? [...this.health.values()].find((h) => h.upstream.id === ref)
    if (health === undefined) return false
    const wanted = parseTarget(targetRef)?.text
    const peer = health.upstream.targets.findIndex((t) => t.id === targetRef.toLowerCase() || t.target === wanted)
    if (peer < 0) return false
    const target = health.upstream.targets[peer]!
    if (address !== null && parseTarget(address)?.text !== `${bracketed(target.host)}:${target.port}`) return false
    health.set(peer, healthy)
    return true
  }

  /** The pool for a key, if this set has one (used by buildUpstreams to carry pools over). */
  poolForKey (key: string): Pool | undefined {
    return this.#closed ? undefined : this.#byKey.get(key)
  }

  /** Number of distinct pools. */
  get size (): number {
    return this.#byKey.size
  }

  /**
   * Called after `next` has replaced this set: closes the pools `next` did not carry over. close()
   * lets queued and in-flight requests finish, then ends the sockets.
   */
  async retire (next: UpstreamSet): Promise<void> {
    for (const p of this.#probes) p.stop()
    const keep = new Set<Pool>(next.#byKey.values())
    const closing: Array<Promise<void>> = []
    for (const pool of this.#byKey.values()) {
      if (!keep.has(pool)) closing.push(pool.close())
    }
    this.#closed = true
    await Promise.all(closing)
  }

  /** Graceful shutdown: in-flight requests finish, then every socket is closed. */
  async close (): Promise<void> {
    for (const p of this.#probes) p.stop()
    this.#closed = true
    await Promise.all([...this.#byKey.values()].map(async (p) => { await p.close() }))
  }

  /** Immediate shutdown: in-flight requests fail. */
  async destroy (): Promise<void> {
    for (const p of this.#probes) p.stop()
    this.#closed = true
    await Promise.all([...this.#byKey.values()].map(async (p) => { await p.destroy() }))
  }
}

function bracketed (host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host
}

export function upstreamOrigin (service: ServiceConfig): string {
  return `${service.protocol}://${bracketed(service.host)}:${service.port}`
}

export function upstreamHostHeader (service: ServiceConfig): string {
  const defaultPort = service.protocol === 'https' ? 443 : 80
  return service.port === defaultPort ? bracketed(service.host) : `${bracketed(service.host)}:${service.port}`
}

export function upstreamPoolKey (service: ServiceConfig): string {
  return poolKey(service, upstreamOrigin(service), sniOf(service.protocol, service.host))
}

function poolKey (service: ServiceConfig, origin: string, servername: string | null): string {
  const verify = service.protocol === 'https' ? `|verify=${String(service.tls_verify)}|sni=${servername ?? ''}` : ''
  return `${origin}|connect=${service.connect_timeout}${verify}`
}

function sniOf (protocol: string, host: string): string | null {
  return protocol === 'https' && isIP(host) === 0 ? host : null
}

function createPool (service: ServiceConfig, origin: string, servername: string | null): Pool {
  const tls = service.protocol === 'https'
  return new Pool(origin, {
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MAX_TIMEOUT_MS,
    pipelining: 1,
    connect: tls
      ? {
          timeout: service.connect_timeout,
          rejectUnauthorized: service.tls_verify,
          servername: servername ?? undefined
        }
      : { timeout: service.connect_timeout }
  })
}

/**
 * Config-time: one pool per upstream key, carrying over `previous`'s pool when the key is unchanged.
 * `previous` itself is not modified; call `previous.retire(next)` once `next` is live.
 */
export function buildUpstreams (config: GatewayConfig, previous: UpstreamSet | null): UpstreamSet {
  const byKey = new Map<string, Pool>()
  const poolFor = (service: ServiceConfig, origin: string, servername: string | null): Pool => {
    const key = poolKey(service, origin, servername)
    let pool = byKey.get(key)
    if (pool === undefined) {
      pool = previous?.poolForKey(key) ?? createPool(service, origin, servername)
      byKey.set(key, pool)
    }
    return pool
  }
  const byService: Array<Pool | null> = []
  const balancers: Array<ServiceBalancer | null> = []
  const servername: Array<string | null> = []
  const hostHeader: string[] = []
  const algorithms = new Map<number, { balancer: Balancer, health: TargetHealth }>()
  const health = new Map<string, TargetHealth>()
  const probes: ActiveProbes[] = []
  for (const service of config.services) {
    const upstreamIndex = service.upstream
    if (upstreamIndex === undefined) {
      byService.push(poolFor(service, upstreamOrigin(service), sniOf(service.protocol, service.host)))
      balancers.push(null)
      servername.push(sniOf(service.protocol, service.host))
      hostHeader.push(upstreamHostHeader(service))
      continue
    }
    const upstream = (config.upstreams ?? [])[upstreamIndex] as UpstreamConfig
    let algorithm = algorithms.get(upstreamIndex)
    if (algorithm === undefined) {
      const h = new TargetHealth(upstream)
      algorithm = { balancer: createBalancer(upstream, h.weights), health: h }
      algorithms.set(upstreamIndex, algorithm)
    }
    const peers = upstream.targets.map((t) => peerOf(service, upstream, t, poolFor))
    byService.push(null)
    balancers.push(new ServiceBalancer(upstream, peers, algorithm.balancer, algorithm.health, upstreamHostHeader(service)))
    // Per attempt, from the picked peer; these stand in until then (and name the service in logs).
    servername.push(null)
    hostHeader.push(upstreamHostHeader(service))
  }
  // Every upstream has its health (an unused one too: its status endpoint answers), probed once.
  ;(config.upstreams ?? []).forEach((upstream, i) => {
    const h = algorithms.get(i)?.health ?? new TargetHealth(upstream)
    health.set(upstream.name.toLowerCase(), h)
    probes.push(startActiveProbes(h))
  })
  return new UpstreamSet(byKey, byService, balancers, servername, hostHeader, health, probes)
}

/** Kong's set_host_header: host_header, else the target's host; the target port unless the scheme's default. */
function peerOf (service: ServiceConfig, upstream: UpstreamConfig, target: TargetConfig, poolFor: (s: ServiceConfig, origin: string, sni: string | null) => Pool): BalancedPeer {
  const name = upstream.host_header ?? bracketed(target.host)
  const defaultPort = service.protocol === 'https' ? 443 : 80
  // A host_header with its own port is sent as written.
  const hostHeader = target.port === defaultPort || /:\d+$/.test(name) ? name : `${name}:${target.port}`
  const sniHost = upstream.host_header === null ? target.host : upstream.host_header.replace(/:\d+$/, '')
  const sni = sniOf(service.protocol, sniHost)
  return { pool: poolFor(service, `${service.protocol}://${bracketed(target.host)}:${target.port}`, sni), hostHeader, servername: sni }
}
