import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readDeclarativeConfigFile } from '../contract/index.js'
import { GatewayError } from '../errors.js'
import type { Logger } from '../log.js'
import type { ListenAddress } from '../cli/listen-address.js'
import { ATRIUM_VERSION } from '../version.js'
import type { GatewayState } from './compiled-gateway.js'
import { compileGateway } from './compile-gateway.js'
import { createProxyServer, closeProxyServer } from './proxy/proxy-server.js'
import { createStatusServer, type ReloadOutcome } from './status-server.js'

export interface DataPlaneOptions {
  configFile: string
  proxyListen: ListenAddress
  statusListen: ListenAddress
  logger: Logger
}

export interface DataPlane {
  proxyAddress: AddressInfo
  statusAddress: AddressInfo
  /** Re-reads the file: a valid config is swapped in, an invalid one is logged and the old one keeps serving. */
  reload: () => Promise<ReloadOutcome>
  close: () => Promise<void>
}

async function listen (server: Server, address: ListenAddress): Promise<AddressInfo> {
  server.listen(address.port, address.host)
  await once(server, 'listening')
  return server.address() as AddressInfo
}

/**
 * DB-less data plane: serves the declarative file. Reloads are serialised so two quick SIGHUPs
 * cannot apply configs out of order.
 */
export async function startDataPlane (options: DataPlaneOptions): Promise<DataPlane> {
  const log = options.logger.child({ component: 'data-plane' })
  const state: GatewayState = { current: null }
  let lastReload: ReloadOutcome | null = null

  const initial = await readDeclarativeConfigFile(options.configFile)
  for (const w of initial.warnings) log.warn({ path: w.path, file: options.configFile }, `config warning: ${w.message}`)
  if (!initial.ok) {
    throw new GatewayError('ATRIUM_ERR_CONFIG_INVALID', `${options.configFile}: configuration is invalid`, { fields: initial.errors })
  }
  state.current = compileGateway(initial.config, initial.hash, null)
  log.info({ config_hash: initial.hash, services: initial.config.services.length, routes: initial.config.routes.length }, 'config loaded')

  const proxy = createProxyServer({ state, logger: options.logger })
  const status = createStatusServer({ state, startedAt: Date.now(), version: ATRIUM_VERSION, lastReload: () => lastReload })
  const proxyAddress = await listen(proxy, options.proxyListen)
  const statusAddress = await listen(status, options.statusListen)
  log.info({ address: proxyAddress.address, port: proxyAddress.port }, 'proxy listening')
  log.info({ address: statusAddress.address, port: statusAddress.port }, 'status listening')

  async function applyFile (): Promise<ReloadOutcome> {
    const result = await readDeclarativeConfigFile(options.configFile)
    for (const w of result.warnings) log.warn({ path: w.path, file: options.configFile }, `config warning: ${w.message}`)
    if (!result.ok) {
      log.error({ file: options.configFile, errors: result.errors }, 'config reload rejected; the previous config keeps serving')
      return { ok: false, at: Date.now(), errors: result.errors }
    }
    const previous = state.current
    if (previous !== null && previous.hash === result.hash) {
      log.info({ config_hash: result.hash }, 'config reload: unchanged')
      return { ok: true, at: Date.now(), errors: [] }
    }
    let next
    try {
      next = compileGateway(result.config, result.hash, previous)
    } catch (err) {
      log.error({ err, file: options.configFile }, 'config reload failed to compile; the previous config keeps serving')
      return { ok: false, at: Date.now(), errors: [{ path: '', message: String(err) }] }
    }
    state.current = next
    if (previous !== null) {
      previous.upstreams.retire(next.upstreams).catch((err: unknown) => log.warn({ err }, 'closing retired upstream pools failed'))
    }
    log.info({ config_hash: result.hash, services: result.config.services.length, routes: result.config.routes.length }, 'config reloaded')
    return { ok: true, at: Date.now(), errors: [] }
  }

  let reloading: Promise<ReloadOutcome> = Promise.resolve({ ok: true, at: Date.now(), errors: [] })
  function reload (): Promise<ReloadOutcome> {
    reloading = reloading.then(applyFile, applyFile).then((outcome) => {
      lastReload = outcome
      return outcome
    })
    return reloading
  }

  async function close (): Promise<void> {
    status.close()
    await closeProxyServer(proxy)
    await state.current?.upstreams.close()
  }

  return { proxyAddress, statusAddress, reload, close }
}
