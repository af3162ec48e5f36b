import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { createLogger } from '../log.js'
import { startControlPlane } from '../control-plane/control-plane.js'
import { createAdminAuth } from '../control-plane/admin-api/auth.js'
import { DEFAULT_DB_URL } from '../control-plane/store/open-db.js'
import { HELP } from './help.js'
import { listenFrom, secondsFrom } from './usage.js'
import { durationFrom } from './duration.js'

export async function controlPlaneCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      'admin-listen': { type: 'string' },
      'admin-token-file': { type: 'string' },
      'cluster-listen': { type: 'string' },
      'portal-listen': { type: 'string' },
      'data-plane-purge-after': { type: 'string' },
      'analytics-minute-retention': { type: 'string' },
      'analytics-hour-retention': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help === true) {
    process.stdout.write(HELP)
    return 0
  }
  const logger = createLogger()
  const auth = createAdminAuth({ tokens: process.env.ATRIUM_ADMIN_TOKENS, tokenFile: values['admin-token-file'] })
  const controlPlane = await startControlPlane({
    dbUrl: values.db ?? process.env.ATRIUM_DB ?? DEFAULT_DB_URL,
    adminListen: listenFrom(values['admin-listen'], 'ATRIUM_ADMIN_LISTEN', '127.0.0.1:8001', '--admin-listen'),
    clusterListen: listenFrom(values['cluster-listen'], 'ATRIUM_CLUSTER_LISTEN', '0.0.0.0:8005', '--cluster-listen'),
    portalListen: listenFrom(values['portal-listen'], 'ATRIUM_PORTAL_LISTEN', '127.0.0.1:8003', '--portal-listen'),
    dataPlanePurgeAfter: secondsFrom(values['data-plane-purge-after'], 'ATRIUM_DATA_PLANE_PURGE_AFTER', 86_400, '--data-plane-purge-after'),
    analytics: {
      minuteRetentionSeconds: durationFrom(values['analytics-minute-retention'], 'ATRIUM_ANALYTICS_MINUTE_RETENTION', '--analytics-minute-retention'),
      hourRetentionSeconds: durationFrom(values['analytics-hour-retention'], 'ATRIUM_ANALYTICS_HOUR_RETENTION', '--analytics-hour-retention')
    },
    auth,
    logger
  })
  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  logger.info({ signal: signal[0] }, 'shutting down')
  await controlPlane.close()
  return 0
}

