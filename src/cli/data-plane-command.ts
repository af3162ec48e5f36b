import { once } from 'node:events'
import { createLogger, type Logger } from '../log.js'
import { startDataPlane, type ControlPlaneOptions, type DataPlane } from '../data-plane/data-plane.js'
import { syncEndpoint } from '../data-plane/sync-client/sync-client.js'
import { readOption, rawValue, type CommandLine } from './command-line.js'
import { OPTION_LIST, OPTIONS, takesFlag } from './options.js'
import { proxyLimitOptions } from './proxy-options.js'
import { clusterClientTls, proxyTlsOptions } from './tls-options.js'
import { usageError } from './usage.js'

// `atrium data-plane`: DB-less (--config FILE, SIGHUP reloads) or hybrid (--control-plane URL --token).

/** Keeps a data plane running: SIGHUP reloads, SIGINT/SIGTERM close gracefully. */
async function serve (dataPlane: DataPlane, logger: Logger): Promise<number> {
  const onHup = (): void => { void dataPlane.reload() }
  process.on('SIGHUP', onHup)
  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  logger.info({ signal: signal[0] }, 'shutting down')
  process.off('SIGHUP', onHup)
  await dataPlane.close()
  return 0
}

type DataPlaneSource = { configFile: string } | { controlPlane: ControlPlaneOptions }

/**
 * File mode or hybrid mode. A flag wins over the environment, also across modes: `--control-plane`
 * ignores ATRIUM_CONFIG. Both flags (or, with neither flag, both variables) are a usage error.
 */
function dataPlaneSource (line: CommandLine): DataPlaneSource {
  const flags = line.flags
  if (flags.config !== undefined && flags['control-plane'] !== undefined) {
    throw usageError('--config and --control-plane are mutually exclusive')
  }
  let configFile = flags.config
  let url = flags['control-plane']
  if (configFile === undefined && url === undefined) {
    configFile = process.env[OPTIONS.configFile.env as string]
    url = process.env[OPTIONS.controlPlane.env as string]
    if (configFile !== undefined && url !== undefined) {
      throw usageError('ATRIUM_CONFIG and ATRIUM_CONTROL_PLANE are mutually exclusive')
    }
  }
  if (url === undefined) {
    for (const o of OPTION_LIST) {
      if (o.hybridOnly === true && takesFlag(o, 'data-plane') && flags[o.flag as string] !== undefined) throw usageError(`--${o.flag as string} needs --control-plane`)
    }
    if (configFile === undefined) {
      throw usageError('data-plane needs --config FILE (or ATRIUM_CONFIG) or --control-plane URL (or ATRIUM_CONTROL_PLANE)')
    }
    return { configFile }
  }
  try {
    syncEndpoint(url)
  } catch (err) {
    throw usageError(`--control-plane: ${(err as Error).message}`)
  }
  const token = rawValue(line, OPTIONS.token)?.text
  if (token === undefined || token === '') throw usageError('--control-plane needs --token TOKEN (or ATRIUM_TOKEN)')
  return {
    controlPlane: {
      url,
      token,
      tls: clusterClientTls(line),
      cacheDir: readOption(line, OPTIONS.cacheDir),
      backoffMaxMs: readOption(line, OPTIONS.syncBackoffMax),
      analyticsBufferMinutes: readOption(line, OPTIONS.analyticsBufferMinutes),
      analyticsIntervalMs: readOption(line, OPTIONS.analyticsIntervalMs)
    }
  }
}

export async function dataPlaneCommand (line: CommandLine): Promise<number> {
  const source = dataPlaneSource(line)
  const proxyListen = readOption(line, OPTIONS.proxyListen)
  const statusListen = readOption(line, OPTIONS.statusListen)
  const metrics = readOption(line, OPTIONS.metrics)
  const metricsLatencyUnit = readOption(line, OPTIONS.metricsLatencyUnit)
  const dnsResolver = readOption(line, OPTIONS.dnsResolver)
  const tls = proxyTlsOptions(line)
  const limits = proxyLimitOptions(line)
  const logger = createLogger({ level: readOption(line, OPTIONS.logLevel) })
  const dataPlane = await startDataPlane({ ...source, proxyListen, statusListen, logger, metrics, metricsLatencyUnit, dnsResolver, ...tls, ...limits })
  return await serve(dataPlane, logger)
}
