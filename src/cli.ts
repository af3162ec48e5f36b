import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'
import { GatewayError } from './errors.js'
import { createLogger, type Logger } from './log.js'
import { ATRIUM_VERSION } from './version.js'
import { parseListenAddress, type ListenAddress } from './cli/listen-address.js'
import { validateCommand } from './cli/config-validate.js'
import { applyCommand, diffCommand, dumpCommand } from './cli/config-remote.js'
import { startDataPlane, type ControlPlaneOptions, type DataPlane } from './data-plane/data-plane.js'
import { syncEndpoint } from './data-plane/sync-client/sync-client.js'
import { createEchoUpstream } from './demo/echo-upstream.js'
import { startControlPlane } from './control-plane/control-plane.js'
import { createAdminAuth } from './control-plane/admin-api/auth.js'
import { DEFAULT_DB_URL } from './control-plane/store/open-db.js'

const HELP = `atrium ${ATRIUM_VERSION}: API gateway with an integrated service catalog

Usage:
  atrium start [--config FILE] [--proxy-listen HOST:PORT] [--status-listen HOST:PORT]
               [--demo-listen HOST:PORT]
      What \`npm start\` runs: a data plane on config/example.yaml plus the demo echo upstream
      (127.0.0.1:9080) that the example proxies to.
  atrium control-plane [--db URL] [--admin-listen HOST:PORT] [--admin-token-file FILE]
                       [--cluster-listen HOST:PORT] [--data-plane-purge-after SECONDS]
      Run the control plane: catalog store, Admin API and the cluster listener where data-plane
      nodes connect (WebSocket /v1/sync, data-plane token required). URL is sqlite:PATH (default
      sqlite:./data/atrium.db) or postgres://…; migrations run at start.
  atrium data-plane --config FILE [--proxy-listen HOST:PORT] [--status-listen HOST:PORT]
      Run a data plane from a declarative (Kong 3.x format) file. SIGHUP re-reads the file.
  atrium data-plane --control-plane ws(s)://HOST:8005 --token TOKEN [--cache-dir DIR]
                    [--sync-backoff-max MS] [--proxy-listen HOST:PORT] [--status-listen HOST:PORT]
      Hybrid mode: a data plane that receives its runtime group's config from a control plane (the
      token decides the group) and keeps the last applied config in DIR, serving it at start even when
      the control plane is unreachable. It reconnects forever with jittered backoff. A revoked or
      unknown token is logged as an error and retried every --sync-backoff-max ms while the node keeps
      serving its last config: issue a new token and restart the node with it. --config and
      --control-plane exclude each other.
  atrium config validate FILE
      Exit 0 when FILE is valid; exit 1 listing every error by path.
  atrium config apply FILE --runtime-group NAME [--admin-url URL] [--admin-token TOKEN]
      Replace the runtime group's config on a control plane with FILE (YAML or JSON), atomically.
  atrium config dump --runtime-group NAME [--format yaml|json] [--admin-url URL] [--admin-token TOKEN]
      Print the runtime group's config as a Kong 3.0 declarative file.
  atrium config diff FILE --runtime-group NAME [--admin-url URL] [--admin-token TOKEN]
      Show what \`config apply\` would create (+), update (~) and delete (-).
  atrium help | --help        This text.
  atrium version | --version  The version.

Defaults and environment (flags win over the environment):
  --config          ATRIUM_CONFIG
  --proxy-listen    ATRIUM_PROXY_LISTEN    default 0.0.0.0:8000
  --status-listen   ATRIUM_STATUS_LISTEN   default 127.0.0.1:8100
  --control-plane   ATRIUM_CONTROL_PLANE   ws(s)://HOST:PORT of the control plane's cluster listener
  --token           ATRIUM_TOKEN           data-plane token (prefer the environment: flags show in ps)
  --cache-dir       ATRIUM_CACHE_DIR       default ./data/data-plane (node id + last applied config)
  --sync-backoff-max ATRIUM_SYNC_BACKOFF_MAX default 10000 (ms, reconnect delay cap)
  --demo-listen     ATRIUM_DEMO_LISTEN     default 127.0.0.1:9080
  --db              ATRIUM_DB              default sqlite:./data/atrium.db
  --admin-listen    ATRIUM_ADMIN_LISTEN    default 127.0.0.1:8001
  --cluster-listen  ATRIUM_CLUSTER_LISTEN  default 0.0.0.0:8005 (every node needs a token)
  --data-plane-purge-after  ATRIUM_DATA_PLANE_PURGE_AFTER  default 86400: seconds a disconnected
                    node stays listed in GET /runtime-groups/{rg}/data-planes
  --admin-url       ATRIUM_ADMIN_URL       default http://127.0.0.1:8001 (config apply|dump|diff)
  --admin-token     ATRIUM_ADMIN_TOKEN     sent as Authorization: Bearer TOKEN
  admin tokens      ATRIUM_ADMIN_TOKENS    role:token pairs, e.g. admin:s3cret,viewer:l00k
  --admin-token-file                       the same pairs, one per line
  log level         ATRIUM_LOG_LEVEL       default info (pino JSON on stdout)
`

const EXAMPLE_CONFIG = fileURLToPath(new URL('../../config/example.yaml', import.meta.url))

const DATA_PLANE_OPTIONS = {
  config: { type: 'string' },
  'proxy-listen': { type: 'string' },
  'status-listen': { type: 'string' },
  'demo-listen': { type: 'string' },
  'control-plane': { type: 'string' },
  token: { type: 'string' },
  'cache-dir': { type: 'string' },
  'sync-backoff-max': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

const HYBRID_FLAGS = ['control-plane', 'token', 'cache-dir', 'sync-backoff-max'] as const
const DEFAULT_CACHE_DIR = './data/data-plane'

function usageError (message: string): GatewayError {
  return new GatewayError('ATRIUM_ERR_CLI_USAGE', `${message}\nRun \`atrium --help\` for usage.`)
}

function listenFrom (flag: string | undefined, envName: string, fallback: string, field: string): ListenAddress {
  return parseListenAddress(flag ?? process.env[envName] ?? fallback, field)
}

function secondsFrom (flag: string | undefined, envName: string, fallback: number, field: string): number {
  const text = flag ?? process.env[envName]
  if (text === undefined) return fallback
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value <= 0) throw usageError(`${field}: expected a whole number of seconds above 0, got "${text}"`)
  return value
}

/** Keeps a data plane running: SIGHUP reloads, SIGINT/SIGTERM close gracefully. */
async function serve (dataPlane: DataPlane, logger: Logger, extraClose: () => Promise<void> = async () => {}): Promise<number> {
  const onHup = (): void => { void dataPlane.reload() }
  process.on('SIGHUP', onHup)
  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  logger.info({ signal: signal[0] }, 'shutting down')
  process.off('SIGHUP', onHup)
  await dataPlane.close()
  await extraClose()
  return 0
}

type DataPlaneSource = { configFile: string } | { controlPlane: ControlPlaneOptions }

/**
 * File mode or hybrid mode. A flag wins over the environment, also across modes: `--control-plane`
 * ignores ATRIUM_CONFIG. Both flags (or, with neither flag, both variables) are a usage error.
 */
function dataPlaneSource (values: { config?: string, 'control-plane'?: string, token?: string, 'cache-dir'?: string, 'sync-backoff-max'?: string }): DataPlaneSource {
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
  return { controlPlane: { url, token, cacheDir, backoffMaxMs } }
}

async function runDataPlane (args: string[], demo: boolean): Promise<number> {
  const { values } = parseArgs({ args, options: DATA_PLANE_OPTIONS, strict: true, allowPositionals: false })
  if (values.help === true) {
    process.stdout.write(HELP)
    return 0
  }
  if (!demo && values['demo-listen'] !== undefined) throw usageError('--demo-listen belongs to `atrium start`')
  for (const flag of HYBRID_FLAGS) {
    if (demo && values[flag] !== undefined) throw usageError(`--${flag} belongs to \`atrium data-plane\``)
  }
  const source = demo ? { configFile: values.config ?? process.env.ATRIUM_CONFIG ?? EXAMPLE_CONFIG } : dataPlaneSource(values)
  const proxyListen = listenFrom(values['proxy-listen'], 'ATRIUM_PROXY_LISTEN', '0.0.0.0:8000', '--proxy-listen')
  const statusListen = listenFrom(values['status-listen'], 'ATRIUM_STATUS_LISTEN', '127.0.0.1:8100', '--status-listen')
  const logger = createLogger()

  let closeDemo = async (): Promise<void> => {}
  if (demo) {
    const address = listenFrom(values['demo-listen'], 'ATRIUM_DEMO_LISTEN', '127.0.0.1:9080', '--demo-listen')
    const echo = createEchoUpstream()
    echo.listen(address.port, address.host)
    await once(echo, 'listening')
    logger.info({ address: address.host, port: address.port }, 'demo echo upstream listening')
    closeDemo = async () => { echo.closeAllConnections(); echo.close() }
  }
  const dataPlane = await startDataPlane({ ...source, proxyListen, statusListen, logger })
  return await serve(dataPlane, logger, closeDemo)
}

async function runControlPlane (args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      'admin-listen': { type: 'string' },
      'admin-token-file': { type: 'string' },
      'cluster-listen': { type: 'string' },
      'data-plane-purge-after': { type: 'string' },
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
    dataPlanePurgeAfter: secondsFrom(values['data-plane-purge-after'], 'ATRIUM_DATA_PLANE_PURGE_AFTER', 86_400, '--data-plane-purge-after'),
    auth,
    logger
  })
  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  logger.info({ signal: signal[0] }, 'shutting down')
  await controlPlane.close()
  return 0
}

function printError (err: unknown): void {
  if (err instanceof GatewayError) {
    process.stderr.write(`error: ${err.message}\n`)
    for (const f of err.fields) process.stderr.write(`  ${f.path === '' ? '(file)' : f.path}: ${f.message}\n`)
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  }
}

/** Entry point of the `atrium` binary; resolves to the exit code. */
export async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP)
        return command === undefined ? 1 : 0
      case 'version':
      case '--version':
        process.stdout.write(`${ATRIUM_VERSION}\n`)
        return 0
      case 'start':
        return await runDataPlane(rest, true)
      case 'data-plane':
        return await runDataPlane(rest, false)
      case 'control-plane':
        return await runControlPlane(rest)
      case 'config':
        switch (rest[0]) {
          case 'validate':
            if (rest.length !== 2) throw usageError('usage: atrium config validate FILE')
            return await validateCommand(rest[1])
          case 'apply': return await applyCommand(rest.slice(1))
          case 'dump': return await dumpCommand(rest.slice(1))
          case 'diff': return await diffCommand(rest.slice(1))
          default: throw usageError(`unknown config subcommand "${rest[0] ?? ''}"; expected validate, apply, dump or diff`)
        }
      default:
        throw usageError(`unknown command "${command}"`)
    }
  } catch (err) {
    printError(err)
    return 1
  }
}
