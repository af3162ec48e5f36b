import type { GatewayConfig } from '../contract/index.js'
import type { Logger } from '../log.js'
import type { CompiledGateway, GatewayState } from './compiled-gateway.js'
import { compileRouter } from './router/compile-router.js'
import { buildUpstreams } from './proxy/upstreams.js'

/**
 * Config-time work for one config version: the matcher and the upstream pools (reusing the previous
 * version's pools for unchanged origins). Throws only on a bug: the config was validated before.
 */
export function compileGateway (config: GatewayConfig, hash: string, previous: CompiledGateway | null, version: number | null = null): CompiledGateway {
  const router = compileRouter(config)
  const upstreams = buildUpstreams(config, previous?.upstreams ?? null)
  return { hash, config, router, upstreams, appliedAt: Date.now(), version }
}

/**
 * Compiles `config` and swaps it into `state` (the atomic swap: requests already running keep the
 * gateway they started with), then retires the previous version's pools that were not carried over.
 * Throws, leaving `state` untouched, when compiling fails.
 */
export function installGateway (state: GatewayState, config: GatewayConfig, hash: string, version: number | null, log: Logger): CompiledGateway {
  const previous = state.current
  const next = compileGateway(config, hash, previous, version)
  state.current = next
  if (previous !== null) {
    previous.upstreams.retire(next.upstreams).catch((err: unknown) => log.warn({ err }, 'closing retired upstream pools failed'))
  }
  return next
}
