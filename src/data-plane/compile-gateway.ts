import type { GatewayConfig } from '../contract/index.js'
import type { CompiledGateway } from './compiled-gateway.js'
import { compileRouter } from './router/compile-router.js'
import { buildUpstreams } from './proxy/upstreams.js'

/**
 * Config-time work for one config version: the matcher and the upstream pools (reusing the previous
 * version's pools for unchanged origins). Throws only on a bug: the config was validated before.
 */
export function compileGateway (config: GatewayConfig, hash: string, previous: CompiledGateway | null): CompiledGateway {
  const router = compileRouter(config)
  const upstreams = buildUpstreams(config, previous?.upstreams ?? null)
  return { hash, config, router, upstreams, appliedAt: Date.now() }
}
