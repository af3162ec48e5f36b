import { readFileSync } from 'node:fs'
import { Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'

// The names of upstream targets, resolved the way Kong 3.9's balancer does (its DNS client with the
// default dns_order LAST,SRV,A,CNAME): the hosts file first, then the resolvers' A records, AAAA
// only for a name that has no A record. Each answer is cached for its TTL and renewed off the
// request path when it expires (a timer per watched name), so the balancer always has addresses in
// hand: a request never waits for DNS. A resolver that fails (timeout, SERVFAIL, refused) leaves the
// previous answer in use for up to an hour (Kong's dns_stale_ttl) and is asked again a second later
// (dns_error_ttl); a name that does not exist has no addresses (its target is DNS_ERROR) and is asked
// again after 30 s (dns_not_found_ttl). Watchers hear of an answer whose addresses changed.

/** An answer's life when it says 0 s: at least this long, or a name would be resolved non-stop. */
const MIN_TTL_S = 1
const ERROR_RETRY_S = 1
const NOT_FOUND_RETRY_S = 30
const STALE_S = 3600
/** Hosts-file entries do not expire (the file is read once). */
const HOSTS_TTL_S = 365 * 24 * 3600
/** Each query waits this long for a server, twice. */
const QUERY_TIMEOUT_MS = 2000
const QUERY_TRIES = 2

export interface ResolvedName {
  /** IPv4 or IPv6 addresses, sorted; empty when the name could not be resolved. */
  addresses: readonly string[]
  /** Why there are no addresses (or why these are stale): the resolver's error; null when fresh. */
  error: string | null
}

interface Entry {
  name: string
  answer: ResolvedName
  /** When the answer is to be renewed (ms since the epoch). */
  renewAt: number
  /** Until when a stale answer may still be used after failures (ms since the epoch). */
  staleUntil: number
  pending: Promise<void> | null
  timer: NodeJS.Timeout | null
  watchers: Set<() => void>
}

export interface TargetResolverOptions {
  /** DNS servers (`ip` or `ip:port`, `[ipv6]:port`); absent: the system's (/etc/resolv.conf). */
  servers?: readonly string[]
  /** Kong's dns_hostsfile: read once, when the resolver is created. */
  hostsFile?: string
}

export class TargetResolver {
  readonly #resolver: Resolver
  readonly #hosts: Map<string, string[]>
  readonly #entries = new Map<string, Entry>()
  #closed = false

  constructor (options: TargetResolverOptions = {}) {
    this.#resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: QUERY_TRIES })
    if (options.servers !== undefined && options.servers.length > 0) this.#resolver.setServers([...options.servers])
    this.#hosts = readHostsFile(options.hostsFile ?? '/etc/hosts')
  }

  /** The answer in hand for `name` (fresh or stale), or undefined before its first query settled. Never queries. */
  cached (name: string): ResolvedName | undefined {
    return this.#entries.get(name)?.answer
  }

  /** Queries the names without a fresh answer; settles when each has one (or its query failed). */
  async prime (names: Iterable<string>): Promise<void> {
    const waits: Array<Promise<void>> = []
    for (const name of names) {
      const entry = this.#entries.get(name)
      if (entry === undefined || entry.pending !== null || entry.renewAt <= Date.now()) waits.push(this.#query(entry ?? this.#entry(name)))
    }
    await Promise.all(waits)
  }

  /**
   * Keeps `name` renewed while watched and calls `onChange` when its addresses change. Returns the
   * unwatch function; a name nobody watches is no longer renewed (its answer stays until it expires).
   */
  watch (name: string, onChange: () => void): () => void {
    const entry = this.#entry(name)
    entry.watchers.add(onChange)
    if (entry.timer === null && entry.pending === null) this.#schedule(entry)
    return () => {
      entry.watchers.delete(onChange)
      if (entry.watchers.size === 0 && entry.timer !== null) {
        clearTimeout(entry.timer)
        entry.timer = null
      }
    }
  }

  close (): void {
    this.#closed = true
    for (const entry of this.#entries.values()) {
      if (entry.timer !== null) clearTimeout(entry.timer)
      entry.timer = null
      entry.watchers.clear()
    }
    this.#resolver.cancel()
  }

  #entry (name: string): Entry {
    let entry = this.#entries.get(name)
    if (entry === undefined) {
      entry = { name, answer: { addresses: [], error: 'not resolved yet' }, renewAt: 0, staleUntil: 0, pending: null, timer: null, watchers: new Set() }
      this.#entries.set(name, entry)
    }
    return entry
  }

  #schedule (entry: Entry): void {
    if (this.#closed || entry.watchers.size === 0) return
    if (entry.timer !== null) clearTimeout(entry.timer)
    entry.timer = setTimeout(() => {
      entry.timer = null
      void this.#query(entry)
    }, Math.max(0, entry.renewAt - Date.now()))
    entry.timer.unref()
  }

  #query (entry: Entry): Promise<void> {
    if (entry.pending !== null) return entry.pending
    entry.pending = this.#lookup(entry.name).then((result) => {
      entry.pending = null
      const now = Date.now()
      const before = entry.answer.addresses
      if (result.kind === 'answer') {
        entry.answer = { addresses: result.addresses, error: null }
        entry.renewAt = now + Math.max(MIN_TTL_S, result.ttl) * 1000
        entry.staleUntil = entry.renewAt + STALE_S * 1000
      } else if (result.kind === 'not_found') {
        entry.answer = { addresses: [], error: result.message }
        entry.renewAt = now + NOT_FOUND_RETRY_S * 1000
      } else {
        // A failing resolver: the last answer serves on while it is not too old.
        const keep = entry.answer.addresses.length > 0 && now < entry.staleUntil
        entry.answer = { addresses: keep ? before : [], error: result.message }
        entry.renewAt = now + ERROR_RETRY_S * 1000
      }
      this.#schedule(entry)
      if (!sameList(before, entry.answer.addresses)) for (const w of entry.watchers) w()
    })
    return entry.pending
  }

  async #lookup (name: string): Promise<{ kind: 'answer', addresses: string[], ttl: number } | { kind: 'not_found' | 'error', message: string }> {
    const fromHosts = this.#hosts.get(name)
    if (fromHosts !== undefined) return { kind: 'answer', addresses: fromHosts, ttl: HOSTS_TTL_S }
    let notFound: string | null = null
    for (const family of [4, 6] as const) {
      try {
        const records = family === 4 ? await this.#resolver.resolve4(name, { ttl: true }) : await this.#resolver.resolve6(name, { ttl: true })
        if (records.length > 0) {
          return { kind: 'answer', addresses: records.map((r) => r.address).sort(), ttl: Math.min(...records.map((r) => r.ttl)) }
        }
        notFound ??= `${name}: no A or AAAA record`
      } catch (err) {
        const code = (err as { code?: string }).code
        if (code === 'ENOTFOUND') return { kind: 'not_found', message: `${name}: name not found (NXDOMAIN)` }
        if (code === 'ENODATA') { notFound ??= `${name}: no A or AAAA record`; continue }
        if (code === 'ECANCELLED') return { kind: 'error', message: `${name}: resolver closed` }
        return { kind: 'error', message: `${name}: ${code ?? (err as Error).message}` }
      }
    }
    return { kind: 'not_found', message: notFound ?? `${name}: no A or AAAA record` }
  }
}

function sameList (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** name → its addresses, IPv4 ones when it has any (as A before AAAA), in file order. */
function readHostsFile (path: string): Map<string, string[]> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return new Map()
  }
  const v4 = new Map<string, string[]>()
  const v6 = new Map<string, string[]>()
  for (const raw of text.split('\n')) {
    const [address, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/)
    if (address === undefined || names.length === 0) continue
    const family = isIP(address)
    if (family === 0) continue
    for (const n of names) {
      const map = family === 4 ? v4 : v6
      const name = n.toLowerCase()
      const list = map.get(name) ?? []
      if (!list.includes(address)) list.push(address)
      map.set(name, list)
    }
  }
  const out = new Map(v6)
  for (const [name, list] of v4) out.set(name, list)
  return out
}

let system: TargetResolver | null = null

/** The resolver of a gateway built without one (in-process tests, tools): the system's servers. */
export function systemResolver (): TargetResolver {
  system ??= new TargetResolver()
  return system
}
