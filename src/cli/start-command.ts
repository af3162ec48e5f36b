import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { GatewayError } from '../errors.js'
import { listenOn } from '../listen-address.js'
import { createLogger, type Logger } from '../log.js'
import { startControlPlane, type ControlPlane } from '../control-plane/control-plane.js'
import { createAdminAuth } from '../control-plane/admin-api/auth.js'
import { startDataPlane, type DataPlane } from '../data-plane/data-plane.js'
import { createEchoUpstream } from '../demo/echo-upstream.js'
import { readOption, type CommandLine } from './command-line.js'
import { proxyLimitOptions } from './proxy-options.js'
import { proxyTlsOptions } from './tls-options.js'
import { OPTIONS } from './options.js'
import { logServiceHubUrls } from './service-hub-urls.js'

// `atrium start` (what `npm start` runs): a control plane on embedded SQLite and one data-plane node
// joined to it over the sync protocol, plus the demo echo upstream that config/example.yaml proxies
// to, all in this process. On an empty store it creates the runtime group and loads the example
// through the Admin API, so the README's curl is proxied at once. When any part fails to start, the
// parts already running are closed before the error is reported, so the process exits.

const LOCAL_NODE_TOKEN_NAME = 'atrium-start-local-node'

/** The Admin API of our own control plane, reached over loopback like any client. */
function adminClient (cp: ControlPlane, token: string | null) {
  const base = `http://127.0.0.1:${cp.adminAddress.port}`
  return async (method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number, json: any }> => {
    const headers: Record<string, string> = {}
    if (token !== null) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = contentType
    const res = await fetch(base + path, { method, headers, body })
    const text = await res.text()
    const json = text === '' ? null : JSON.parse(text)
    if (res.status >= 400) {
      const fields = Object.entries((json?.fields ?? {}) as Record<string, string>).map(([p, m]) => ({ path: p, message: m }))
      throw new GatewayError('ATRIUM_ERR_CONFIG_INVALID', `${method} ${path}: ${String(json?.message ?? res.status)}`, { fields })
    }
    return { status: res.status, json }
  }
}

/** Creates the group (and loads the example into it when the store was empty); returns a node token. */
async function prepareGroup (cp: ControlPlane, call: ReturnType<typeof adminClient>, group: string, seedFile: string, log: Logger): Promise<string> {
  const groups = await call('GET', '/runtime-groups?size=1')
  const empty = groups.json.data.length === 0
  const existing = await call('GET', `/runtime-groups?size=1000`)
  if (!(existing.json.data as Array<{ name: string }>).some((g) => g.name === group)) {
    await call('POST', '/runtime-groups', JSON.stringify({ name: group, description: 'created by atrium start' }))
    log.info({ runtime_group: group }, 'runtime group created')
  }
  if (empty) {
    const text = await readFile(seedFile, 'utf8')
    await call('PUT', `/runtime-groups/${encodeURIComponent(group)}/config`, text, seedFile.endsWith('.json') ? 'application/json' : 'application/yaml')
    log.info({ runtime_group: group, file: seedFile }, 'empty store: example config loaded')
  }
  // One token per start; the previous start's token for the local node is revoked.
  const tokens = await call('GET', `/runtime-groups/${encodeURIComponent(group)}/data-plane-tokens`)
  for (const t of tokens.json.data as Array<{ id: string, name: string | null }>) {
    if (t.name === LOCAL_NODE_TOKEN_NAME) await call('DELETE', `/runtime-groups/${encodeURIComponent(group)}/data-plane-tokens/${t.id}`)
  }
  return (await cp.issueDataPlaneToken(group, { name: LOCAL_NODE_TOKEN_NAME })).secret
}

/** Every value of the command line, read (and checked) before anything starts. */
function startOptions (line: CommandLine) {
  return {
    group: readOption(line, OPTIONS.startRuntimeGroup),
    seedFile: readOption(line, OPTIONS.seedConfig),
    dbUrl: readOption(line, OPTIONS.db),
    demoListen: readOption(line, OPTIONS.demoListen),
    adminListen: readOption(line, OPTIONS.adminListen),
    clusterListen: readOption(line, OPTIONS.clusterListen),
    portalListen: readOption(line, OPTIONS.portalListen),
    proxyListen: readOption(line, OPTIONS.proxyListen),
    statusListen: readOption(line, OPTIONS.statusListen),
    cacheDir: readOption(line, OPTIONS.cacheDir),
    metrics: readOption(line, OPTIONS.metrics),
    metricsLatencyUnit: readOption(line, OPTIONS.metricsLatencyUnit),
    dnsResolver: readOption(line, OPTIONS.dnsResolver),
    tls: proxyTlsOptions(line),
    limits: proxyLimitOptions(line),
    analytics: {
      minuteRetentionSeconds: readOption(line, OPTIONS.analyticsMinuteRetention),
      hourRetentionSeconds: readOption(line, OPTIONS.analyticsHourRetention)
    },
    logLevel: readOption(line, OPTIONS.logLevel),
    adminTokens: readOption(line, OPTIONS.adminTokens),
    adminTokenFile: readOption(line, OPTIONS.adminTokenFile)
  }
}

export async function startCommand (line: CommandLine): Promise<number> {
  const o = startOptions(line)
  const logger = createLogger({ level: o.logLevel })
  const log = logger.child({ component: 'start' })
  const internalToken = randomBytes(32).toString('base64url')
  const auth = createAdminAuth({ tokens: o.adminTokens, tokenFile: o.adminTokenFile, internalAdminToken: internalToken })

  const closers: Array<() => Promise<void>> = []
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => log.warn({ err }, 'shutdown step failed'))
  }
  try {
    const echo = createEchoUpstream()
    closers.push(async () => { echo.closeAllConnections(); echo.close() })
    const demo = await listenOn(echo, o.demoListen, 'demo')
    log.info({ address: demo.address, port: demo.port }, 'demo echo upstream listening')

    const cp = await startControlPlane({
      dbUrl: o.dbUrl,
      adminListen: o.adminListen,
      clusterListen: o.clusterListen,
      portalListen: o.portalListen,
      analytics: o.analytics,
      auth,
      logger
    })
    closers.push(() => cp.close())
    const call = adminClient(cp, auth.enabled ? internalToken : null)
    const token = await prepareGroup(cp, call, o.group, o.seedFile, log)

    const clusterPort = (cp.clusterAddress as NonNullable<ControlPlane['clusterAddress']>).port
    const dp: DataPlane = await startDataPlane({
      controlPlane: { url: `ws://127.0.0.1:${clusterPort}`, token, cacheDir: o.cacheDir },
      proxyListen: o.proxyListen,
      statusListen: o.statusListen,
      metrics: o.metrics,
      metricsLatencyUnit: o.metricsLatencyUnit,
      dnsResolver: o.dnsResolver,
      ...o.tls,
      ...o.limits,
      logger
    })
    closers.push(() => dp.close())
    log.info({ runtime_group: o.group }, 'atrium started: control plane and one data-plane node')
    logServiceHubUrls(log, cp)
  } catch (err) {
    await closeAll()
    throw err
  }
  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  log.info({ signal: signal[0] }, 'shutting down')
  await closeAll()
  return 0
}
