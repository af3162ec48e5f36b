import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { GatewayError } from '../errors.js'
import type { Logger } from '../log.js'
import type { ListenAddress } from '../cli/listen-address.js'
import { createAdminServer } from './admin-api/admin-server.js'
import type { AdminAuth } from './admin-api/auth.js'
import { buildAdminRoutes } from './admin-routes.js'
import { openApiRoute } from './admin-api/openapi.js'
import type { AdminRoute } from './admin-api/admin-route.js'
import { openDb, parseDbUrl } from './store/open-db.js'

export interface ControlPlaneOptions {
  dbUrl: string
  adminListen: ListenAddress
  auth: AdminAuth
  logger: Logger
}

export interface ControlPlane {
  adminAddress: AddressInfo
  close: () => Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

/** Opens (and migrates) the store and serves the Admin API. */
export async function startControlPlane (options: ControlPlaneOptions): Promise<ControlPlane> {
  const log = options.logger.child({ component: 'control-plane' })
  if (!options.auth.enabled && !LOOPBACK.has(options.adminListen.host)) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `refusing to serve the Admin API on ${options.adminListen.host} without admin tokens: set ATRIUM_ADMIN_TOKENS or --admin-token-file, or listen on 127.0.0.1`)
  }
  const store = parseDbUrl(options.dbUrl)
  const { db, applied } = await openDb(options.dbUrl)
  log.info({ store: store.kind, migrations_applied: applied }, 'store opened')
  const routes: AdminRoute[] = buildAdminRoutes({ db, logger: options.logger })
  routes.push(openApiRoute(() => routes))
  const server = createAdminServer({ routes, auth: options.auth, logger: options.logger })
  server.listen(options.adminListen.port, options.adminListen.host)
  try {
    await once(server, 'listening')
  } catch (err) {
    await db.close()
    throw err
  }
  const adminAddress = server.address() as AddressInfo
  log.info({ address: adminAddress.address, port: adminAddress.port }, 'admin listening')
  if (!options.auth.enabled) log.warn('admin API has no tokens: it listens on loopback only and anyone on this machine can change the config')
  return {
    adminAddress,
    async close () {
      server.close()
      server.closeAllConnections()
      await db.close()
    }
  }
}
