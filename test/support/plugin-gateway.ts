import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { pino } from 'pino'
import type { Logger } from '../../src/log.js'
import { loadDeclarativeDocument, type GatewayConfig, type PluginConfig } from '../../src/contract/index.js'
import { compileGateway } from '../../src/data-plane/compile-gateway.js'
import type { GatewayState } from '../../src/data-plane/compiled-gateway.js'
import { startDataPlane, type DataPlane } from '../../src/data-plane/data-plane.js'
import { closeProxyServer, createProxyServer } from '../../src/data-plane/proxy/proxy-server.js'
import { BUNDLED_PLUGIN_HANDLERS, type PluginHandlerSet } from '../../src/plugins/handlers.js'
import type { AnyPluginHandler } from '../../src/plugins/types.js'
import { httpCall, type SimpleResponse } from './http-client.js'

// Plugins through real sockets: a declarative document served either by a real data-plane node in
// file mode (startPluginNode), or by the real proxy in-process with a chosen handler set, so
// framework tests can add plugins that exist only in the test (startPluginGateway).

export interface LogLine { level: number, msg: string, [key: string]: unknown }

export function captureLogger (): { logger: Logger, logs: LogLine[] } {
  const logs: LogLine[] = []
  const logger = pino({ level: 'debug' }, { write (line: string) { logs.push(JSON.parse(line) as LogLine) } })
  return { logger, logs }
}

export interface PluginGateway {
  url: string
  logs: LogLine[]
  get: (path: string, headers?: Record<string, string>) => Promise<SimpleResponse>
  request: (path: string, options: { method?: string, headers?: Record<string, string>, body?: string }) => Promise<SimpleResponse>
}

function client (url: string): Pick<PluginGateway, 'get' | 'request'> {
  return {
    get: async (path, headers = {}) => await httpCall(url + path, { headers }),
    request: async (path, options) => await httpCall(url + path, options)
  }
}

/** Loads a declarative document through the contract; fails the test when it is invalid. */
export function loadConfig (doc: Record<string, unknown>): { config: GatewayConfig, hash: string } {
  const result = loadDeclarativeDocument(doc)
  if (!result.ok) throw new Error(`config is invalid: ${JSON.stringify(result.errors)}`)
  return { config: result.config, hash: result.hash }
}

/** A test-only plugin instance appended to a loaded config (its name needs a handler in the set). */
export function withExtraPlugin (config: GatewayConfig, plugin: Partial<PluginConfig> & { name: string }): GatewayConfig {
  const extra: PluginConfig = { config: {}, consumer: null, id: null, instance_name: null, protocols: ['http', 'https'], route: null, service: null, tags: [], ...plugin }
  return { ...config, plugins: [...(config.plugins ?? []), extra] }
}

export function handlerSet (...extra: AnyPluginHandler[]): PluginHandlerSet {
  const set = new Map(BUNDLED_PLUGIN_HANDLERS)
  for (const h of extra) set.set(h.name, h)
  return set
}

/** The real proxy in-process on 127.0.0.1:0 serving `config` compiled with `handlers`. */
export async function startPluginGateway (t: TestContext, config: GatewayConfig, handlers: PluginHandlerSet = BUNDLED_PLUGIN_HANDLERS): Promise<PluginGateway & { state: GatewayState }> {
  const { logger, logs } = captureLogger()
  const state: GatewayState = { current: compileGateway(config, 'test', null, null, { handlers, log: logger }) }
  const server = createProxyServer({ state, logger })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t.after(async () => {
    server.closeAllConnections()
    await closeProxyServer(server)
    await state.current?.upstreams.destroy()
  })
  return { url, logs, state, ...client(url) }
}

export interface PluginNode extends PluginGateway {
  dp: DataPlane
  /** Rewrites the config file and reloads it (as SIGHUP does). */
  reload: (doc: Record<string, unknown>) => ReturnType<DataPlane['reload']>
}

export interface PluginNodeOptions {
  /** Where the proxy listens (default 127.0.0.1). */
  host?: string
  /** The node's --dns-resolver (default: the system's). */
  dnsResolver?: string[]
}

/** A real data-plane node in file mode (startDataPlane) serving `doc`. */
export async function startPluginNode (t: TestContext, doc: Record<string, unknown>, options: PluginNodeOptions = {}): Promise<PluginNode> {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-plugins-'))
  const file = join(dir, 'kong.json')
  writeFileSync(file, JSON.stringify(doc))
  const { logger, logs } = captureLogger()
  const host = options.host ?? '127.0.0.1'
  const dp = await startDataPlane({ configFile: file, proxyListen: { host, port: 0 }, statusListen: { host: '127.0.0.1', port: 0 }, logger, dnsResolver: options.dnsResolver })
  t.after(async () => {
    await dp.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${dp.proxyAddress.port}`
  return {
    dp,
    url,
    logs,
    ...client(url),
    reload: async (next) => {
      writeFileSync(file, JSON.stringify(next))
      return await dp.reload()
    }
  }
}

/** The node's GET /upstreams/{name}/health on its status listener (the body parsed when 200). */
export async function upstreamHealth (node: PluginNode, name: string, query = ''): Promise<{ status: number, body: any }> {
  const res = await httpCall(`http://127.0.0.1:${node.dp.statusAddress.port}/upstreams/${name}/health${query}`)
  return { status: res.status, body: res.status === 200 ? JSON.parse(res.body) : res.body }
}
