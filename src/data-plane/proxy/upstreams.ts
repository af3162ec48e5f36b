import { isIP } from 'node:net'
import { Pool } from 'undici'
import { parseTarget, type GatewayConfig, type ServiceConfig, type UpstreamConfig } from '../../contract/index.js'
import type { PeerAddress } from '../balancer/peer-addresses.js'
import type { TargetResolver } from '../balancer/target-resolver.js'
import { BalancedUpstream, type UpstreamUser } from './balanced-upstream.js'
import type { BalancedPeer, ServiceBalancer } from './service-balancer.js'

// One undici Pool (many keep-alive connections to one origin) per distinct upstream origin. A pool is
// keyed by everything its sockets depend on (origin, connect timeout, TLS verification); services
// sharing a key share a pool. On reload, pools whose key is unchanged are carried over to the new set,
// so a config change does not drop warm connections; the others are closed gracefully once the new
// set is live (see retire()).
//
// A service whose host names an upstream gets no pool of its own but a ServiceBalancer: a pool per
// address of the upstream's targets (keyed and carried over the same way) and the upstream's
// algorithm, one instance per upstream shared by every service that names it (Kong's balancer is
// per upstream; see balanced-upstream.ts). A DNS answer that changes a target's addresses rebuilds
// that upstream's balancers in place; the pools no address uses any more are then closed.
//
// Per-request timeouts (read_timeout → headersTimeout/bodyTimeout) are not part of the key: they are
// passed with each dispatch, so services with different read timeouts can share sockets.

/**
 * Connections one pool may open when neither the node (--upstream-max-connections) nor the service
 * or upstream (`max_connections`) says: beyond it requests wait for a free one, at most the
 * service's connect_timeout (then 503 ATRIUM_ERR_PROXY_UPSTREAM_BUSY; see UpstreamCall.dispatch).
 */
export const DEFAULT_MAX_CONNECTIONS = 1024

/** Idle keep-alive sockets are kept this long unless the upstream's Keep-Alive hint says less. */
const KEEP_ALIVE_TIMEOUT_MS = 60_000
const KEEP_ALIVE_MAX_TIMEOUT_MS = 600_000

export class UpstreamSet {
  /** Pool per service index (several services may share one pool); null for a balanced service. */
  readonly #byService: Array<Pool | null>
  /** Balancer per service index; null for a service with its own host. Replaced when DNS answers change. */
  readonly #balancers: Array<ServiceBalancer | null>
  /** TLS server name per service index: the service host, or null for http / IP hosts. */
  readonly #servername: Array<string | null>
  /** Host header to send per service index: host, plus `:port` when not the protocol's default. */
  readonly #hostHeader: string[]
  readonly #byKey: Map<string, Pool>
  /** Every upstream by lower-cased name (GET /upstreams/{name}/health); each stopped when this set is retired or closed. */
  readonly upstreams: ReadonlyMap<string, BalancedUpstream>
  #closed = false

  constructor (byKey: Map<string, Pool>, byService: Array<Pool | null>, balancers: Array<ServiceBalancer | null>, servername: Array<string | null>, hostHeader: string[], upstreams: ReadonlyMap<string, BalancedUpstream> = new Map()) {
    this.#byKey = byKey
    this.upstreams = upstreams
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

  /** An upstream by name or id (as Kong's /upstreams/{name or id}/health), or undefined. */
  upstream (ref: string): BalancedUpstream | undefined {
    const key = ref.toLowerCase()
    return this.upstreams.get(key) ?? [...this.upstreams.values()].find((u) => u.upstream.id === key)
  }

  /**
   * An operator's mark (Kong's PUT …/targets/{t}[/{address}]/healthy|unhealthy, forwarded by the
   * control plane): the upstream by name or id, the target by id or `host:port`, `address`
   * (`ip:port`) one of its addresses or null for all of them. False when there is no such upstream,
   * target or address.
   */
  markTarget (upstreamRef: string, targetRef: string, address: string | null, healthy: boolean): boolean {
    const health = this.upstream(upstreamRef)?.health
    if (health === undefined) return false
    const wanted = parseTarget(targetRef)?.text
    const target = health.upstream.targets.findIndex((t) => t.id === targetRef.toLowerCase() || t.target === wanted)
    if (target < 0) return false
    const key = address === null ? null : parseTarget(address)?.text
    const peers = health.peersOf(target).filter((p) => key === null || health.addresses[p]!.key === key)
    if (peers.length === 0) return false
    for (const p of peers) health.set(p, healthy)
    return true
  }

  /** After a DNS rebuild: closes the pools neither a service nor a balancer uses any more. */
  sweepPools (): void {
    if (this.#closed) return
    const used = new Set<Pool>()
    for (const pool of this.#byService) if (pool !== null) used.add(pool)
    for (const b of this.#balancers) for (const peer of b?.peers ?? []) used.add(peer.pool)
    for (const [key, pool] of this.#byKey) {
      if (used.has(pool)) continue
      this.#byKey.delete(key)
      pool.close().catch(() => {})
    }
  }

  /** A service's balancer replaced (a DNS answer changed its upstream's addresses). */
  installBalancer (serviceIndex: number, balancer: ServiceBalancer): void {
    this.#balancers[serviceIndex] = balancer
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
    this.#stopUpstreams()
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
    this.#stopUpstreams()
    this.#closed = true
    await Promise.all([...this.#byKey.values()].map(async (p) => { await p.close() }))
  }

  /** Immediate shutdown: in-flight requests fail. */
  async destroy (): Promise<void> {
    this.#stopUpstreams()
    this.#closed = true
    await Promise.all([...this.#byKey.values()].map(async (p) => { await p.destroy() }))
  }

  #stopUpstreams (): void {
    for (const u of this.upstreams.values()) u.stop()
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

function poolKey (service: ServiceConfig, origin: string, servername: string | null, connections: number): string {
  const verify = service.protocol === 'https' ? `|verify=${String(service.tls_verify)}|sni=${servername ?? ''}` : ''
  return `${origin}|connect=${service.connect_timeout}|max=${connections}${verify}`
}

function sniOf (protocol: string, host: string): string | null {
  return protocol === 'https' && isIP(host) === 0 ? host : null
}

function createPool (service: ServiceConfig, origin: string, servername: string | null, connections: number): Pool {
  const tls = service.protocol === 'https'
  return new Pool(origin, {
    connections,
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
 * Config-time: one pool per upstream key, carrying over `previous`'s pool when the key is unchanged,
 * and each upstream's balancers over the addresses `resolver` has in hand for its targets (primed
 * before: see installGateway), its health carried over from `previous`'s upstream of the same name.
 * `previous` itself is not modified; call `previous.retire(next)` once `next` is live.
 */
export function buildUpstreams (config: GatewayConfig, previous: UpstreamSet | null, resolver: TargetResolver, maxConnections = DEFAULT_MAX_CONNECTIONS): UpstreamSet {
  const byKey = new Map<string, Pool>()
  // Dropped once built: poolFor lives on for DNS rebuilds and must not keep every old set alive.
  let carryFrom = previous
  const poolFor = (service: ServiceConfig, origin: string, servername: string | null, upstream: UpstreamConfig | null = null): Pool => {
    const connections = service.max_connections ?? upstream?.max_connections ?? maxConnections
    const key = poolKey(service, origin, servername, connections)
    let pool = byKey.get(key)
    if (pool === undefined) {
      pool = carryFrom?.poolForKey(key) ?? createPool(service, origin, servername, connections)
      byKey.set(key, pool)
    }
    return pool
  }
  const byService: Array<Pool | null> = []
  const balancers: Array<ServiceBalancer | null> = []
  const servername: Array<string | null> = []
  const hostHeader: string[] = []
  const users = new Map<number, UpstreamUser[]>()
  config.services.forEach((service, serviceIndex) => {
    const upstreamIndex = service.upstream
    byService.push(upstreamIndex === undefined ? poolFor(service, upstreamOrigin(service), sniOf(service.protocol, service.host)) : null)
    balancers.push(null)
    // A balanced service's SNI comes from the picked peer, per attempt.
    servername.push(upstreamIndex === undefined ? sniOf(service.protocol, service.host) : null)
    hostHeader.push(upstreamHostHeader(service))
    if (upstreamIndex !== undefined) users.set(upstreamIndex, [...(users.get(upstreamIndex) ?? []), { serviceIndex, service }])
  })
  const upstreams = new Map<string, BalancedUpstream>()
  let set: UpstreamSet | null = null
  // Every upstream gets its balancer and health (an unused one too: its status endpoint answers).
  ;(config.upstreams ?? []).forEach((upstream, i) => {
    const name = upstream.name.toLowerCase()
    upstreams.set(name, new BalancedUpstream({
      upstream,
      users: users.get(i) ?? [],
      resolver,
      previous: previous?.upstreams.get(name)?.health ?? null,
      peerOf: (service, u, address) => peerOf(service, u, address, poolFor),
      install: (serviceIndex, balancer) => {
        if (set === null) balancers[serviceIndex] = balancer
        else set.installBalancer(serviceIndex, balancer)
      },
      rebuilt: () => set?.sweepPools(),
      serviceHost: upstreamHostHeader
    }))
  })
  set = new UpstreamSet(byKey, byService, balancers, servername, hostHeader, upstreams)
  carryFrom = null
  return set
}

/**
 * One address of a target for one service. Kong's set_host_header: host_header, else the target's
 * host (its name, not the address); the target port unless the scheme's default.
 */
function peerOf (service: ServiceConfig, upstream: UpstreamConfig, address: PeerAddress, poolFor: (s: ServiceConfig, origin: string, sni: string | null, u: UpstreamConfig) => Pool): BalancedPeer {
  const target = upstream.targets[address.target]!
  const name = upstream.host_header ?? bracketed(target.host)
  const defaultPort = service.protocol === 'https' ? 443 : 80
  // A host_header with its own port is sent as written.
  const hostHeader = target.port === defaultPort || /:\d+$/.test(name) ? name : `${name}:${target.port}`
  const sniHost = upstream.host_header === null ? target.host : upstream.host_header.replace(/:\d+$/, '')
  const sni = sniOf(service.protocol, sniHost)
  return { pool: poolFor(service, `${service.protocol}://${address.key}`, sni, upstream), hostHeader, servername: sni }
}
