import type { ConsumerConfig, GatewayConfig } from '../../contract/index.js'
import type { Logger } from '../../log.js'
import { definePluginHandler, type PluginConfigureContext, type PluginRequestContext } from '../types.js'
import { hitLocal } from './local-store.js'
import { redisConnection, type RedisConnection } from './redis-store.js'
import { RATE_LIMIT_PERIODS, rateLimitingSpec, type RateLimitingConfig } from './schema.js'
import { PERIOD_TITLES, secondsLeft, windowStart } from './windows.js'

// Kong's rate-limiting. In access: who is counted (limit_by, falling back to the client IP), then
// one check-and-count against the store (in memory, or one Redis round trip). Over a limit: the
// configured error (429 {"message":"API rate limit exceeded"}) with Retry-After; otherwise the
// request goes on and its response gets, unless hide_client_headers, X-RateLimit-Limit-<Period> and
// X-RateLimit-Remaining-<Period> per configured period and RateLimit-Limit/-Remaining/-Reset for the
// period closest to its limit (ties: the longer period), as Kong computes them. Kong counts only
// requests it lets through, and so does this (a refused request does not use up the other periods).
//
// Everything that does not depend on the request (periods, header names, identifier function,
// scope of the counters) is built in configure.

type Identify = (ctx: PluginRequestContext) => string

interface RateLimitingState {
  /** Indices into RATE_LIMIT_PERIODS of the configured limits, shortest first, and the limits. */
  periods: number[]
  limits: number[]
  /** String(limits[i]), built once. */
  limitValues: string[]
  limitHeaders: string[]
  remainingHeaders: string[]
  identify: Identify
  /** Kong's counter scope: the plugin's route and service (empty for global). */
  scope: string
  redis: RedisConnection | null
  faultTolerant: boolean
  hideHeaders: boolean
  errorCode: number
  errorBody: { message: string }
  log: Logger
}

const VAR = 'rate-limiting.headers'
const FAILED_BODY = { message: 'An unexpected error occurred' }

/** Local usage for the synchronous path (access never interleaves with itself there). */
const scratch: number[] = [0, 0, 0, 0, 0, 0]

function entityKey (entity: { id: string | null, name: string | null } | undefined, index: number | null): string {
  if (index === null || entity === undefined) return ''
  return entity.id ?? entity.name ?? `#${index}`
}

function consumerKey (c: ConsumerConfig, i: number): string {
  if (c.id !== null) return `consumer:${c.id}`
  if (c.username !== null) return `consumer:username:${c.username}`
  return c.custom_id !== null ? `consumer:custom_id:${c.custom_id}` : `consumer:#${i}`
}

function identifier (config: RateLimitingConfig, ctx: PluginConfigureContext): Identify {
  const ip: Identify = (r) => r.request.clientIp
  switch (config.limit_by) {
    case 'ip': return ip
    case 'consumer': {
      const keys = ctx.memo('consumer-keys', () => (ctx.gateway.consumers ?? []).map(consumerKey))
      return (r) => {
        if (r.consumerIndex !== null) return keys[r.consumerIndex]
        const credential = r.credential?.id
        return credential !== undefined && credential !== null ? `credential:${credential}` : r.request.clientIp
      }
    }
    case 'credential':
      return (r) => {
        const credential = r.credential?.id
        return credential !== undefined && credential !== null ? `credential:${credential}` : r.request.clientIp
      }
    case 'service': {
      const keys = ctx.memo('service-keys', () => ctx.gateway.services.map((s, i) => `service:${entityKey(s, i)}`))
      // No service (a route without one): the client's address, as Kong's identifier falls back.
      return (r) => (r.route.service === null ? undefined : keys[r.route.service]) ?? r.request.clientIp
    }
    case 'header': {
      const name = (config.header_name as string).toLowerCase()
      return (r) => {
        const v = r.request.headers[name]
        const value = Array.isArray(v) ? v[0] : v
        return value === undefined || value === '' ? r.request.clientIp : `header:${value}`
      }
    }
    case 'path': {
      const path = config.path as string
      const key = `path:${path}`
      return (r) => r.request.path === path ? key : r.request.clientIp
    }
  }
}

function scopeOf (gateway: GatewayConfig, route: number | null, service: number | null): string {
  const routeKey = entityKey(route === null ? undefined : gateway.routes[route], route)
  const serviceKey = entityKey(service === null ? undefined : gateway.services[service], service)
  return `${routeKey}:${serviceKey}`
}

/**
 * Kong's headers from the usage before this request (`usage[i]` for `periods[i]`): per period the
 * limit and what remains after this request (a refused request consumes only the period that
 * refused it), then RateLimit-* for the period closest to its limit. Flat [name, value, …] list;
 * `stopped` is the period index that refused the request, or -1.
 */
function headersFor (state: RateLimitingState, usage: ArrayLike<number>, stopped: number, now: number): string[] {
  const out: string[] = []
  let bestRemaining = Infinity
  let bestIndex = -1
  for (let i = 0; i < state.periods.length; i++) {
    let remaining = state.limits[i] - usage[i]
    if (stopped < 0 || stopped === i) remaining -= 1
    if (remaining < 0) remaining = 0
    // The lowest remaining wins; on a tie the longer period (later in the list).
    if (remaining <= bestRemaining) { bestRemaining = remaining; bestIndex = i }
    out.push(state.limitHeaders[i], state.limitValues[i], state.remainingHeaders[i], String(remaining))
  }
  out.push('RateLimit-Limit', state.limitValues[bestIndex], 'RateLimit-Remaining', String(bestRemaining),
    'RateLimit-Reset', String(secondsLeft(state.periods[bestIndex], now)))
  return out
}

/** The period index (into state.periods) that refuses the request: the last one at its limit, as Kong reports it; -1 if none. */
function stoppedBy (state: RateLimitingState, usage: ArrayLike<number>): number {
  let stopped = -1
  for (let i = 0; i < state.periods.length; i++) if (usage[i] >= state.limits[i]) stopped = i
  return stopped
}

function refuse (ctx: PluginRequestContext, state: RateLimitingState, usage: ArrayLike<number>, stopped: number, now: number): void {
  if (state.hideHeaders) {
    ctx.exit(state.errorCode, state.errorBody)
    return
  }
  const list = headersFor(state, usage, stopped, now)
  const headers: Record<string, string> = {}
  for (let i = 0; i < list.length; i += 2) headers[list[i]] = list[i + 1]
  headers['Retry-After'] = headers['RateLimit-Reset']
  ctx.exit(state.errorCode, state.errorBody, headers)
}

function decide (ctx: PluginRequestContext, state: RateLimitingState, usage: ArrayLike<number>, now: number): void {
  const stopped = stoppedBy(state, usage)
  if (stopped >= 0) {
    refuse(ctx, state, usage, stopped, now)
    return
  }
  if (!state.hideHeaders) ctx.vars.set(VAR, headersFor(state, usage, -1, now))
}

async function accessRedis (ctx: PluginRequestContext, state: RateLimitingState, id: string, now: number): Promise<void> {
  const n = state.periods.length
  const keys = new Array<string>(n)
  const args = new Array<number>(2 * n)
  for (let i = 0; i < n; i++) {
    const p = state.periods[i]
    keys[i] = `ratelimit:${state.scope}:${id}:${windowStart(p, now)}:${RATE_LIMIT_PERIODS[p]}`
    args[i] = state.limits[i]
    args[n + i] = secondsLeft(p, now) + 1
  }
  let usage: number[]
  try {
    usage = await (state.redis as RedisConnection).hit(keys, args, now)
  } catch (err) {
    (state.redis as RedisConnection).failed(err)
    // Kong: fault tolerant → proxy without limiting (and without headers); else 500.
    if (!state.faultTolerant) ctx.exit(500, FAILED_BODY)
    return
  }
  decide(ctx, state, usage, now)
}

export const rateLimitingHandler = definePluginHandler(rateLimitingSpec, {
  configure (config: RateLimitingConfig, ctx): RateLimitingState {
    const periods: number[] = []
    const limits: number[] = []
    RATE_LIMIT_PERIODS.forEach((p, i) => {
      const limit = config[p]
      if (limit !== undefined) { periods.push(i); limits.push(limit) }
    })
    if (periods.length === 0) throw new Error('no limit configured')
    const redis = config.policy === 'redis'
      ? redisConnection({
        host: config.redis_host as string,
        port: config.redis_port,
        database: config.redis_database,
        username: config.redis_username,
        password: config.redis_password,
        timeout: config.redis_timeout,
        ssl: config.redis_ssl,
        sslVerify: config.redis_ssl_verify,
        serverName: config.redis_server_name
      }, ctx.log)
      : null
    return {
      periods,
      limits,
      limitValues: limits.map(String),
      limitHeaders: periods.map((p) => `X-RateLimit-Limit-${PERIOD_TITLES[p]}`),
      remainingHeaders: periods.map((p) => `X-RateLimit-Remaining-${PERIOD_TITLES[p]}`),
      identify: identifier(config, ctx),
      scope: scopeOf(ctx.gateway, ctx.plugin.route, ctx.plugin.service),
      redis,
      faultTolerant: config.fault_tolerant,
      hideHeaders: config.hide_client_headers,
      errorCode: config.error_code,
      errorBody: { message: config.error_message },
      log: ctx.log
    }
  },
  access (ctx, state) {
    const now = Date.now()
    const id = state.identify(ctx)
    if (state.redis !== null) return accessRedis(ctx, state, id, now)
    hitLocal(state.scope, id, state.periods, state.limits, now, scratch)
    decide(ctx, state, scratch, now)
  },
  response (ctx, state) {
    if (state.hideHeaders) return
    const headers = ctx.response === null ? undefined : ctx.vars.get(VAR) as string[] | undefined
    if (headers === undefined || ctx.response === null) return
    for (let i = 0; i < headers.length; i += 2) ctx.response.headers.set(headers[i], headers[i + 1])
  }
})
