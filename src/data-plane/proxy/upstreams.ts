import { isIP } from 'node:net'
import { Pool } from 'undici'
import type { GatewayConfig, ServiceConfig } from '../../contract/index.js'

// One undici Pool (many keep-alive connections to one origin) per distinct upstream origin. A pool is
// keyed by everything its sockets depend on (origin, connect timeout, TLS verification); services
// sharing a key share a pool. On reload, pools whose key is unchanged are carried over to the new set,
// so a config change does not drop warm connections; the others are closed gracefully once the new
// set is live (see retire()).
//
// Per-request timeouts (read_timeout → headersTimeout/bodyTimeout) are not part of the key: they are
// passed with each dispatch, so services with different read timeouts can share sockets.

/** Idle keep-alive sockets are kept this long unless the upstream's Keep-Alive hint says less. */
const KEEP_ALIVE_TIMEOUT_MS = 60_000
const KEEP_ALIVE_MAX_TIMEOUT_MS = 600_000

export class UpstreamSet {
  /** Pool per service index (several services may share one pool). */
  readonly #byService: Pool[]
  /** TLS server name per service index: the service host, or null for http / IP hosts. */
  readonly #servername: Array<string | null>
  /** Host header to send per service index: host, plus `:port` when not the protocol's default. */
  readonly #hostHeader: string[]
  readonly #byKey: Map<string, Pool>
  #closed = false

  constructor (byKey: Map<string, Pool>, byService: Pool[], servername: Array<string | null>, hostHeader: string[]) {
    this.#byKey = byKey
    this.#byService = byService
    this.#servername = servername
    this.#hostHeader = hostHeader
  }

  /** Hot path. The pool serving services[serviceIndex]. */
  pool (serviceIndex: number): Pool {
    return this.#byService[serviceIndex]
  }

  /** Hot path. The SNI name to send for services[serviceIndex], or null. */
  servername (serviceIndex: number): string | null {
    return this.#servername[serviceIndex]
  }

  /** Hot path. The Host header for services[serviceIndex] (when the route does not preserve the host). */
  hostHeader (serviceIndex: number): string {
    return this.#hostHeader[serviceIndex]
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
    this.#closed = true
    await Promise.all([...this.#byKey.values()].map(async (p) => { await p.close() }))
  }

  /** Immediate shutdown: in-flight requests fail. */
  async destroy (): Promise<void> {
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
  const verify = service.protocol === 'https' ? `|verify=${String(service.tls_verify)}` : ''
  return `${upstreamOrigin(service)}|connect=${service.connect_timeout}${verify}`
}

function createPool (service: ServiceConfig): Pool {
  const tls = service.protocol === 'https'
  return new Pool(upstreamOrigin(service), {
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MAX_TIMEOUT_MS,
    pipelining: 1,
    connect: tls
      ? {
          timeout: service.connect_timeout,
          rejectUnauthorized: service.tls_verify,
          servername: isIP(service.host) === 0 ? service.host : undefined
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
  const byService: Pool[] = []
  const servername: Array<string | null> = []
  const hostHeader: string[] = []
  for (const service of config.services) {
    const key = upstreamPoolKey(service)
    let pool = byKey.get(key)
    if (pool === undefined) {
      pool = previous?.poolForKey(key) ?? createPool(service)
      byKey.set(key, pool)
    }
    byService.push(pool)
    servername.push(service.protocol === 'https' && isIP(service.host) === 0 ? service.host : null)
    hostHeader.push(upstreamHostHeader(service))
  }
  return new UpstreamSet(byKey, byService, servername, hostHeader)
}
