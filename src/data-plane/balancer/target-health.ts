import type { UpstreamConfig } from '../../contract/index.js'
import type { PeerAddress } from './peer-addresses.js'

// Kong's health checks for one upstream's targets (lua-resty-healthcheck's counters, as Kong 3.9
// uses them): each target has a success, an http-failure, a tcp-failure and a timeout counter. A
// report from real traffic (passive) or a probe (active) counts against that source's limits: a
// success resets the failure counters and, at `healthy.successes`, marks the target healthy; a
// failure resets the successes and, at its `unhealthy.*` limit, marks it unhealthy. A limit of 0
// never changes the state. A change of state resets every counter. Health is per node.
//
// What is checked is an address (peer-addresses.ts: a target's IP, or each address its name
// resolves to), as Kong's healthchecker does; a target is HEALTHY when one of its addresses is,
// DNS_ERROR when it has none. An unhealthy address's effective weight is 0, which every algorithm
// already skips (consistent hashing moves only its keys on). `weights` is that array, shared with
// the balancer. When the addresses change (a new config, a new DNS answer) the health is rebuilt
// from the previous one: an address both have keeps its state (not its counters), so neither a
// reload nor a DNS renewal brings a target that is down back into rotation.

export type HealthSource = 'active' | 'passive'
export type HealthReport = 'success' | 'http_failure' | 'tcp_failure' | 'timeout'
export type TargetHealthState = 'HEALTHY' | 'UNHEALTHY' | 'HEALTHCHECKS_OFF'
/** A target's health: its addresses', or DNS_ERROR when its name gave none. */
export type TargetState = TargetHealthState | 'DNS_ERROR'

const SUCCESS = 0
const HTTP = 1
const TCP = 2
const TIMEOUT = 3
const INDEX: Record<HealthReport, number> = { success: SUCCESS, http_failure: HTTP, tcp_failure: TCP, timeout: TIMEOUT }

export class TargetHealth {
  readonly upstream: UpstreamConfig
  /** The peers: every address of every target, in target order. */
  readonly addresses: readonly PeerAddress[]
  /** Why a target has no address (its DNS error), by target index; null when it has some. */
  readonly dnsErrors: ReadonlyArray<string | null>
  /** Effective weights (0 while unhealthy), read by the balancer on every pick. */
  readonly weights: number[]
  readonly healthy: boolean[]
  /** Any check that can change a state: passive or active limits, or an active probe interval. */
  readonly enabled: boolean
  readonly passive: boolean
  readonly #counters: Uint16Array
  readonly #limits: Record<HealthSource, number[]>
  readonly #passiveStatuses: { healthy: Set<number>, unhealthy: Set<number> }
  readonly activeStatuses: { healthy: Set<number>, unhealthy: Set<number> }
  readonly #totalWeight: number
  #healthyWeight: number

  constructor (upstream: UpstreamConfig, addresses: readonly PeerAddress[], dnsErrors: ReadonlyArray<string | null>, previous: TargetHealth | null = null) {
    this.upstream = upstream
    this.addresses = addresses
    this.dnsErrors = dnsErrors
    this.weights = addresses.map((a) => a.weight)
    this.healthy = addresses.map(() => true)
    this.#counters = new Uint16Array(addresses.length * 4)
    const { active, passive } = upstream.healthchecks
    this.#limits = {
      active: [active.healthy.successes, active.unhealthy.http_failures, active.unhealthy.tcp_failures, active.unhealthy.timeouts],
      passive: [passive.healthy.successes, passive.unhealthy.http_failures, passive.unhealthy.tcp_failures, passive.unhealthy.timeouts]
    }
    this.#passiveStatuses = { healthy: new Set(passive.healthy.http_statuses), unhealthy: new Set(passive.unhealthy.http_statuses) }
    this.activeStatuses = { healthy: new Set(active.healthy.http_statuses), unhealthy: new Set(active.unhealthy.http_statuses) }
    this.#totalWeight = this.weights.reduce((a, b) => a + b, 0)
    this.#healthyWeight = this.#totalWeight
    this.passive = this.#limits.passive.slice(1).some((n) => n > 0)
    this.enabled = this.passive || active.healthy.interval > 0 || active.unhealthy.interval > 0
    if (previous !== null && previous.enabled && this.enabled) {
      const down = new Set<string>()
      previous.addresses.forEach((a, i) => { if (previous.healthy[i] !== true) down.add(addressId(previous.upstream, a)) })
      addresses.forEach((a, i) => { if (down.has(addressId(upstream, a))) this.set(i, false) })
    }
  }

  /** Passive: the target answered `status` (statuses in neither list count for nothing). */
  status (peer: number, status: number): void {
    if (this.#passiveStatuses.unhealthy.has(status)) this.report(peer, 'http_failure', 'passive')
    else if (this.#passiveStatuses.healthy.has(status)) this.report(peer, 'success', 'passive')
  }

  report (peer: number, what: HealthReport, source: HealthSource): void {
    const kind = INDEX[what]
    const limit = this.#limits[source][kind]!
    const base = peer * 4
    const c = this.#counters
    if (kind === SUCCESS) {
      c[base + HTTP] = 0; c[base + TCP] = 0; c[base + TIMEOUT] = 0
      if (c[base]! < 65535) c[base]++
      if (limit > 0 && c[base]! >= limit && !this.healthy[peer]) this.set(peer, true)
    } else {
      c[base + SUCCESS] = 0
      if (c[base + kind]! < 65535) c[base + kind]++
      if (limit > 0 && c[base + kind]! >= limit && this.healthy[peer] === true) this.set(peer, false)
    }
  }

  /** Marks a target (also what a probe's limit or an operator decides); resets its counters. */
  set (peer: number, healthy: boolean): void {
    const weight = this.addresses[peer]!.weight
    if (this.healthy[peer] !== healthy) this.#healthyWeight += (healthy ? 1 : -1) * weight
    this.healthy[peer] = healthy
    this.weights[peer] = healthy ? weight : 0
    this.#counters.fill(0, peer * 4, peer * 4 + 4)
  }

  /** An address's state (Kong: HEALTHCHECKS_OFF also for the addresses of a weight-0 target). */
  stateOf (peer: number): TargetHealthState {
    if (!this.enabled || this.addresses[peer]!.weight === 0) return 'HEALTHCHECKS_OFF'
    return this.healthy[peer] === true ? 'HEALTHY' : 'UNHEALTHY'
  }

  /** The peers of upstream.targets[target]. */
  peersOf (target: number): number[] {
    const out: number[] = []
    this.addresses.forEach((a, i) => { if (a.target === target) out.push(i) })
    return out
  }

  /** Kong's target health: HEALTHY when one address is, else UNHEALTHY when one is; DNS_ERROR without addresses. */
  targetState (target: number): TargetState {
    const peers = this.peersOf(target)
    if (peers.length === 0) return 'DNS_ERROR'
    let state: TargetState = 'HEALTHCHECKS_OFF'
    for (const p of peers) {
      const s = this.stateOf(p)
      if (s === 'HEALTHY') return s
      if (s === 'UNHEALTHY') state = s
    }
    return state
  }

  /** The targets' configured weight, in all and of the healthy ones. */
  get totalWeight (): number { return this.#totalWeight }
  get healthyWeight (): number { return this.#healthyWeight }

  /** Kong's threshold: the balancer is unhealthy below this percentage of its weight healthy. */
  belowThreshold (): boolean {
    const threshold = this.upstream.healthchecks.threshold
    if (threshold <= 0) return false
    return this.#totalWeight === 0 || (this.#healthyWeight * 100) / this.#totalWeight < threshold
  }
}

/** What keeps an address's state across rebuilds: its target and its ip:port. */
function addressId (upstream: UpstreamConfig, a: PeerAddress): string {
  return `${upstream.targets[a.target]!.target}|${a.key}`
}
