import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import type { GatewayConfig, RouteConfig, ServiceConfig } from '../../src/contract/index.js'
import type { CompiledGateway, GatewayState } from '../../src/data-plane/compiled-gateway.js'
import { closeProxyServer, createProxyServer } from '../../src/data-plane/proxy/proxy-server.js'
import { systemResolver } from '../../src/data-plane/balancer/target-resolver.js'
import { buildUpstreams } from '../../src/data-plane/proxy/upstreams.js'
import { compilePlugins } from '../../src/data-plane/plugin-runner/compile-plugins.js'
import { BUNDLED_PLUGIN_HANDLERS } from '../../src/plugins/handlers.js'
import { compileRouter } from '../../src/router/compile-router.js'
import { createLogger } from '../../src/log.js'

export type ServiceInput = Partial<ServiceConfig> & Pick<ServiceConfig, 'host' | 'port'>
export type RouteInput = Partial<RouteConfig>

export interface ConfigInput {
  services: ServiceInput[]
  routes: RouteInput[]
}

/** A service with Kong's defaults for every field not given. */
export function serviceConfig (input: ServiceInput): ServiceConfig {
  return {
    id: null,
    name: null,
    protocol: 'http',
    path: null,
    connect_timeout: 60_000,
    write_timeout: 60_000,
    read_timeout: 60_000,
    retries: 5,
    tls_verify: true,
    tags: [],
    ...input
  }
}

/** A route with Kong's defaults for every field not given (service 0 unless said). */
export function routeConfig (input: RouteInput): RouteConfig {
  return {
    id: null,
    name: null,
    service: 0,
    paths: [],
    methods: [],
    hosts: [],
    headers: {},
    strip_path: true,
    preserve_host: false,
    regex_priority: 0,
    protocols: ['http', 'https'],
    tags: [],
    ...input
  }
}

export function gatewayConfig (input: ConfigInput): GatewayConfig {
  return { services: input.services.map(serviceConfig), routes: input.routes.map(routeConfig) }
}

let generation = 0

/** Compiles a config the way the data plane does: real router, pools carried over from `previous`. */
export function compileTestGateway (config: GatewayConfig, previous: CompiledGateway | null): CompiledGateway {
  return {
    hash: `test-${++generation}`,
    config,
    router: compileRouter(config),
    upstreams: buildUpstreams(config, previous?.upstreams ?? null, systemResolver()),
    plugins: compilePlugins(config, BUNDLED_PLUGIN_HANDLERS, createLogger({ level: 'silent' })),
    appliedAt: Date.now()
  }
}

export interface TestGateway {
  server: Server
  state: GatewayState
  port: number
  url: string
  /** Swaps in a new config (as a reload does) and retires the old pools. */
  apply: (input: ConfigInput) => Promise<void>
  close: () => Promise<void>
}

/** An in-process proxy server on 127.0.0.1:0 serving `input` (or no config at all when null). */
export async function startGateway (t: TestContext | null, input: ConfigInput | null): Promise<TestGateway> {
  const state: GatewayState = { current: input === null ? null : compileTestGateway(gatewayConfig(input), null) }
  const logger = createLogger({ level: process.env.ATRIUM_TEST_LOG_LEVEL ?? 'silent' })
  const server = createProxyServer({ state, logger })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  let retiring: Promise<void> = Promise.resolve()
  const gateway: TestGateway = {
    server,
    state,
    port,
    url: `http://127.0.0.1:${port}`,
    async apply (next: ConfigInput) {
      const previous = state.current
      state.current = compileTestGateway(gatewayConfig(next), previous)
      if (previous !== null) retiring = previous.upstreams.retire(state.current.upstreams)
      await retiring
    },
    async close () {
      server.closeAllConnections()
      await closeProxyServer(server)
      await retiring
      await state.current?.upstreams.destroy()
    }
  }
  if (t !== null) t.after(() => gateway.close())
  return gateway
}
