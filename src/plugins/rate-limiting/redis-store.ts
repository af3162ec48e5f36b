// policy: redis — counters in Redis, shared by every node pointed at the same server. Kong's keys
// (`ratelimit:<route>:<service>:<identifier>:<window start>:<period>`), so the nodes of a runtime
// group, with the same config, count together.
//
// One Lua script per request (EVALSHA, one round trip; ioredis falls back to EVAL after a Redis
// restart): it reads every period's counter and, when none has reached its limit, INCRs them all
// and gives a new key its expiry, atomically, so concurrent nodes never over-admit.
//
// Connections: one per distinct server config (host, port, database, credentials, TLS, timeout),
// shared by every instance and config version, created when a config is applied. A request never
// waits for a connection, except for the very first one (bounded by redis_timeout): while Redis is
// unreachable, commands fail at once (enableOfflineQueue off) and fault_tolerant decides. ioredis
// does not reconnect on its own here (no timers that would keep a stopping process alive); a request
// that finds the connection down starts a new attempt, at most once a second. The socket is unref'd:
// an open Redis connection never keeps the process from exiting.

import { Redis } from 'ioredis'
import type { Logger } from '../../log.js'

const SCRIPT = `
local n = #KEYS
local usage = {}
local allowed = true
for i = 1, n do
  local c = tonumber(redis.call('GET', KEYS[i]) or '0')
  usage[i] = c
  if c >= tonumber(ARGV[i]) then allowed = false end
end
if allowed then
  for i = 1, n do
    if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[n + i]) end
  end
end
return usage
`

const RECONNECT_INTERVAL_MS = 1000
const LOG_INTERVAL_MS = 10_000

export interface RedisServerOptions {
  host: string
  port: number
  database: number
  username?: string
  password?: string
  timeout: number
  ssl: boolean
  sslVerify: boolean
  serverName?: string
}

interface WithScript {
  atriumRateLimit: (numKeys: number, ...args: Array<string | number>) => Promise<number[]>
}

export class RedisUnavailableError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'RedisUnavailableError'
  }
}

export class RedisConnection {
  readonly #options: RedisServerOptions
  #log: Logger
  #client: (Redis & WithScript) | null = null
  /** Until the first connection has been tried, requests wait for it (bounded); later they never wait. */
  #firstAttempt: Promise<void> | null = null
  #tried = false
  #lastAttempt = 0
  #lastLog = 0

  constructor (options: RedisServerOptions, log: Logger) {
    this.#options = options
    this.#log = log
  }

  /** Starts connecting now (in configure) unless a connection is up or being made. */
  warm (log: Logger): void {
    this.#log = log
    if (this.#client === null) this.#connect(Date.now())
  }

  #connect (now: number): void {
    this.#lastAttempt = now
    const o = this.#options
    const client = new Redis({
      host: o.host,
      port: o.port,
      db: o.database,
      username: o.username,
      password: o.password,
      tls: o.ssl ? { rejectUnauthorized: o.sslVerify, servername: o.serverName ?? o.host } : undefined,
      connectTimeout: o.timeout,
      commandTimeout: o.timeout,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true
    }) as Redis & WithScript
    client.defineCommand('atriumRateLimit', { lua: SCRIPT })
    client.on('error', (err: Error) => this.#warn(err, 'redis connection failed'))
    client.on('connect', () => { client.stream?.unref() })
    client.on('end', () => { if (this.#client === client) this.#client = null })
    this.#client = client
    const attempt = client.connect().then(() => {}, () => {})
    if (!this.#tried) {
      this.#tried = true
      this.#firstAttempt = attempt.finally(() => { this.#firstAttempt = null })
    }
  }

  #warn (err: unknown, msg: string): void {
    const now = Date.now()
    if (now - this.#lastLog < LOG_INTERVAL_MS) return
    this.#lastLog = now
    this.#log.warn({ err, redis: `${this.#options.host}:${this.#options.port}` }, msg)
  }

  /**
   * Runs the counter script: `keys` one per period, `args` the limits then the expiries (seconds).
   * Resolves with the usage before this request per key; rejects when Redis is unreachable or slow.
   */
  async hit (keys: string[], args: Array<string | number>, now: number): Promise<number[]> {
    if (this.#firstAttempt !== null) await this.#firstAttempt
    let client = this.#client
    if (client === null || client.status === 'end' || client.status === 'close') {
      if (now - this.#lastAttempt >= RECONNECT_INTERVAL_MS) this.#connect(now)
      throw new RedisUnavailableError('not connected to Redis')
    }
    if (client.status !== 'ready') throw new RedisUnavailableError(`Redis connection is ${client.status}`)
    client = this.#client as Redis & WithScript
    return await client.atriumRateLimit(keys.length, ...keys, ...args)
  }

  /** Logs a failed counter update (throttled: at most one line per 10 s per Redis server). */
  failed (err: unknown): void {
    this.#warn(err, 'redis rate-limiting counter update failed')
  }

  close (): void {
    const client = this.#client
    this.#client = null
    client?.disconnect()
  }
}

const connections = new Map<string, RedisConnection>()

/** The shared connection for these server options (created on first use, connecting in the background). */
export function redisConnection (options: RedisServerOptions, log: Logger): RedisConnection {
  const key = JSON.stringify([options.host, options.port, options.database, options.username, options.password, options.timeout, options.ssl, options.sslVerify, options.serverName])
  let connection = connections.get(key)
  if (connection === undefined) {
    connection = new RedisConnection(options, log)
    connections.set(key, connection)
  }
  connection.warm(log)
  return connection
}

/** Closes every Redis connection (tests; a stopping process does not need it: the sockets are unref'd). */
export function closeRedisConnections (): void {
  for (const connection of connections.values()) connection.close()
  connections.clear()
}
