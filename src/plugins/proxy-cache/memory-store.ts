// proxy-cache's memory strategy: one store per `memory.dictionary_name` for the whole process
// (Kong's lua_shared_dict), kept across config reloads so a reload does not empty the cache. A
// store is bounded by bytes and by entries, least recently used first out; an entry past its
// storage TTL is dropped when it is next read, and a sweep (unref'd timer) drops expired entries
// of every store once a minute so an idle store does not keep its memory forever.
//
// The Map's insertion order is the LRU order: a read moves the entry to the end.

export interface CachedResponse {
  status: number
  /** Flat [name, value, …] list, without hop-by-hop headers, content-length and the cache's own headers. */
  headers: string[]
  body: Buffer
  /** Date.now() when stored. */
  storedAt: number
  /** Seconds the response is fresh for (cache_ttl, or the upstream's max-age with cache_control). */
  ttl: number
  /** Date.now() after which the entry is gone (storage TTL). */
  expiresAt: number
  /** Bytes the entry is accounted for. */
  size: number
}

/** What an entry costs beyond its body and headers (the objects, the key). */
const ENTRY_OVERHEAD = 256

export class MemoryStore {
  readonly name: string
  maxBytes: number
  maxEntries: number
  bytes = 0
  readonly #entries = new Map<string, CachedResponse>()

  constructor (name: string, maxBytes: number, maxEntries: number) {
    this.name = name
    this.maxBytes = maxBytes
    this.maxEntries = maxEntries
  }

  get size (): number {
    return this.#entries.size
  }

  /** The entry for `key` if it has not expired (and marks it most recently used). */
  get (key: string, now: number): CachedResponse | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    this.#entries.delete(key)
    if (entry.expiresAt <= now) {
      this.bytes -= entry.size
      return undefined
    }
    this.#entries.set(key, entry)
    return entry
  }

  /** Stores an entry, evicting the least recently used ones to stay within bounds; false when it can never fit. */
  set (key: string, entry: Omit<CachedResponse, 'size'>): boolean {
    let size = ENTRY_OVERHEAD + key.length + entry.body.length
    for (const h of entry.headers) size += h.length
    if (size > this.maxBytes) return false
    this.delete(key)
    this.#entries.set(key, { ...entry, size })
    this.bytes += size
    this.#evict()
    return true
  }

  delete (key: string): void {
    const old = this.#entries.get(key)
    if (old === undefined) return
    this.#entries.delete(key)
    this.bytes -= old.size
  }

  /** New bounds (a config changed them): evicts down to them at once. */
  resize (maxBytes: number, maxEntries: number): void {
    this.maxBytes = maxBytes
    this.maxEntries = maxEntries
    this.#evict()
  }

  sweep (now: number): void {
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.delete(key)
  }

  #evict (): void {
    for (const [key] of this.#entries) {
      if (this.bytes <= this.maxBytes && this.#entries.size <= this.maxEntries) return
      this.delete(key)
    }
  }
}

const stores = new Map<string, MemoryStore>()
let sweeper: NodeJS.Timeout | null = null

const SWEEP_INTERVAL_MS = 60_000

/** The process-wide store named `name`, created (or resized) with these bounds. */
export function memoryStore (name: string, maxBytes: number, maxEntries: number): MemoryStore {
  let store = stores.get(name)
  if (store === undefined) {
    store = new MemoryStore(name, maxBytes, maxEntries)
    stores.set(name, store)
  } else if (store.maxBytes !== maxBytes || store.maxEntries !== maxEntries) {
    store.resize(maxBytes, maxEntries)
  }
  if (sweeper === null) {
    sweeper = setInterval(() => { const now = Date.now(); for (const s of stores.values()) s.sweep(now) }, SWEEP_INTERVAL_MS)
    sweeper.unref()
  }
  return store
}
