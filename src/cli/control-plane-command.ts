import { once } from 'node:events'
import { createLogger } from '../log.js'
import { startControlPlane } from '../control-plane/control-plane.js'
import { createAdminAuth } from '../control-plane/admin-api/auth.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'
import { clusterServerTls } from './tls-options.js'
import { logServiceHubUrls } from './service-hub-urls.js'

export async function controlPlaneCommand (line: CommandLine): Promise<number> {
  const options = {
    dbUrl: readOption(line, OPTIONS.db),
    adminListen: readOption(line, OPTIONS.adminListen),
    clusterListen: readOption(line, OPTIONS.clusterListen),
    clusterTls: clusterServerTls(line),
    portalListen: readOption(line, OPTIONS.portalListen),
    dataPlanePurgeAfter: readOption(line, OPTIONS.dataPlanePurgeAfter),
    analytics: {
      minuteRetentionSeconds: readOption(line, OPTIONS.analyticsMinuteRetention),
      hourRetentionSeconds: readOption(line, OPTIONS.analyticsHourRetention)
    }
  }
  const logger = createLogger({ level: readOption(line, OPTIONS.logLevel) })
  const auth = createAdminAuth({ tokens: readOption(line, OPTIONS.adminTokens), tokenFile: readOption(line, OPTIONS.adminTokenFile) })
  const controlPlane = await startControlPlane({ ...options, auth, logger })
  logServiceHubUrls(logger.child({ component: 'control-plane' }), controlPlane)
  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  logger.info({ signal: signal[0] }, 'shutting down')
  await controlPlane.close()
  return 0
}
