import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { createLogger, type Logger } from '../log.js'
import { startDataPlane, type ControlPlaneOptions, type DataPlane } from '../data-plane/data-plane.js'
import { LATENCY_UNITS, type LatencyUnit } from '../data-plane/metrics/index.js'
import { syncEndpoint } from '../data-plane/sync-client/sync-client.js'
import { HELP } from './help.js'
import { listenFrom, usageError } from './usage.js'

// `atrium data-plane`: DB-less (--config FILE, SIGHUP reloads) or hybrid (--control-plane URL --token).

const DATA_PLANE_OPTIONS = {
  config: { type: 'string' },
  'proxy-listen': { type: 'string' },
  'status-listen': { type: 'string' },
  'control-plane': { type: 'string' },
  token: { type: 'string' },
  'cache-dir': { type: 'string' },
  'sync-backoff-max': { type: 'string' },
  metrics: { type: 'string' },
  'metrics-latency-unit': { type: 'string' },
  'analytics-buffer-minutes': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

const HYBRID_FLAGS = ['control-plane', 'token', 'cache-dir', 'sync-backoff-max', 'analytics-buffer-minutes'] as const
const DEFAULT_CACHE_DIR = './data/data-plane'

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
function dataPlaneSource (values: { config?: string, 'control-plane'?: string, token?: string, 'cache-dir'?: string, 'sync-backoff-max'?: string, 'analytics-buffer-minutes'?: string }): DataPlaneSource {
  if (values.config !== undefined && values['control-plane'] !== undefined) {
    throw usageError('--config and --control-plane are mutually exclusive')
  }
  let configFile = values.config
  let url = values['control-plane']
  if (configFile === undefined && url === undefined) {
    configFile = process.env.ATRIUM_CONFIG
    url = process.env.ATRIUM_CONTROL_PLANE
    if (configFile !== undefined && url !== undefined) {
      throw usageError('ATRIUM_CONFIG and ATRIUM_CONTROL_PLANE are mutually exclusive')
    }
  }
  if (url === undefined) {
    for (const flag of HYBRID_FLAGS) {
      if (values[flag] !== undefined) throw usageError(`--${flag} needs --control-plane`)
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
  const token = values.token ?? process.env.ATRIUM_TOKEN
  if (token === undefined || token === '') throw usageError('--control-plane needs --token TOKEN (or ATRIUM_TOKEN)')
  const backoffText = values['sync-backoff-max'] ?? process.env.ATRIUM_SYNC_BACKOFF_MAX ?? '10000'
  const backoffMaxMs = Number(backoffText)
  if (!/^\d+$/.test(backoffText) || backoffMaxMs < 1 || backoffMaxMs > 3_600_000) {
    throw usageError(`--sync-backoff-max must be a whole number of milliseconds from 1 to 3600000 (got "${backoffText}")`)
  }
  const cacheDir = values['cache-dir'] ?? process.env.ATRIUM_CACHE_DIR ?? DEFAULT_CACHE_DIR
  const bufferText = values['analytics-buffer-minutes'] ?? process.env.ATRIUM_ANALYTICS_BUFFER_MINUTES ?? '60'
  const analyticsBufferMinutes = Number(bufferText)
  if (!/^\d+$/.test(bufferText) || analyticsBufferMinutes < 1 || analyticsBufferMinutes > 1440) {
    throw usageError(`--analytics-buffer-minutes must be a whole number of minutes from 1 to 1440 (got "${bufferText}")`)
  }
  // Tests only (not in --help): a shorter reporting interval; it must divide a minute.
  const intervalText = process.env.ATRIUM_ANALYTICS_INTERVAL_MS ?? '10000'
  const analyticsIntervalMs = Number(intervalText)
  if (!/^\d+$/.test(intervalText) || analyticsIntervalMs < 100 || analyticsIntervalMs > 60_000 || 60_000 % analyticsIntervalMs !== 0) {
    throw usageError(`ATRIUM_ANALYTICS_INTERVAL_MS must be a whole number of milliseconds from 100 to 60000 that divides 60000 (got "${intervalText}")`)
  }
  return { controlPlane: { url, token, cacheDir, backoffMaxMs, analyticsBufferMinutes, analyticsIntervalMs } }
}

/** `--metrics on|off` (ATRIUM_METRICS), default on. */
export function metricsSwitch (flag: string | undefined): boolean {
  const text = flag ?? process.env.ATRIUM_METRICS ?? 'on'
  if (text !== 'on' && text !== 'off') throw usageError(`--metrics must be on or off (got "${text}")`)
  return text === 'on'
}

/** `--metrics-latency-unit ms|seconds` (ATRIUM_METRICS_LATENCY_UNIT), default ms. */
export function latencyUnitFrom (flag: string | undefined): LatencyUnit {
  const text = flag ?? process.env.ATRIUM_METRICS_LATENCY_UNIT ?? 'ms'
  const unit = LATENCY_UNITS.find((u) => u === text)
  if (unit === undefined) throw usageError(`--metrics-latency-unit must be ms or seconds (got "${text}")`)
  return unit
}

export async function dataPlaneCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: DATA_PLANE_OPTIONS, strict: true, allowPositionals: false })
  if (values.help === true) {
    process.stdout.write(HELP)
    return 0
  }
  const source = dataPlaneSource(values)
  const proxyListen = listenFrom(values['proxy-listen'], 'ATRIUM_PROXY_LISTEN', '0.0.0.0:8000', '--proxy-listen')
  const statusListen = listenFrom(values['status-listen'], 'ATRIUM_STATUS_LISTEN', '127.0.0.1:8100', '--status-listen')
  const logger = createLogger()
  const metrics = metricsSwitch(values.metrics)
  const metricsLatencyUnit = latencyUnitFrom(values['metrics-latency-unit'])
  const dataPlane = await startDataPlane({ ...source, proxyListen, statusListen, logger, metrics, metricsLatencyUnit })
  return await serve(dataPlane, logger)
}
