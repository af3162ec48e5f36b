import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import type { Server } from 'node:http'
import { GatewayError } from '../errors.js'
import { createLogger, type Logger } from '../log.js'
import { startControlPlane, type ControlPlane } from '../control-plane/control-plane.js'
import { createAdminAuth } from '../control-plane/admin-api/auth.js'
import { DEFAULT_DB_URL } from '../control-plane/store/open-db.js'
import { startDataPlane, type DataPlane } from '../data-plane/data-plane.js'
import { createEchoUpstream } from '../demo/echo-upstream.js'
import { listenFrom as listen } from './usage.js'
import { durationFrom } from './duration.js'

// `atrium start` (what `npm start` runs): a control plane on embedded SQLite and one data-plane node
// joined to it over the sync protocol, plus the demo echo upstream that config/example.yaml proxies
// to. On an empty store it creates the runtime group and loads the example through the Admin API,
// so the README's curl is proxied at once.

export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../../config/example.yaml', import.meta.url))
const LOCAL_NODE_TOKEN_NAME = 'atrium-start-local-node'

const OPTIONS = {
  config: { type: 'string' },
  db: { type: 'string' },
  'runtime-group': { type: 'string' },
  'admin-listen': { type: 'string' },
  'admin-token-file': { type: 'string' },
  'cluster-listen': { type: 'string' },
  'portal-listen': { type: 'string' },
  'proxy-listen': { type: 'string' },
  'status-listen': { type: 'string' },
  'demo-listen': { type: 'string' },
  'cache-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

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

export async function startCommand (args: string[], help: string): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false })
  if (values.help === true) {
    process.stdout.write(help)
    return 0
  }
  const logger = createLogger()
  const log = logger.child({ component: 'start' })
  const group = values['runtime-group'] ?? 'default'
  const dbUrl = values.db ?? process.env.ATRIUM_DB ?? DEFAULT_DB_URL
  const internalToken = randomBytes(32).toString('base64url')
  const auth = createAdminAuth({ tokens: process.env.ATRIUM_ADMIN_TOKENS, tokenFile: values['admin-token-file'], internalAdminToken: internalToken })

  const closers: Array<() => Promise<void>> = []
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => log.warn({ err }, 'shutdown step failed'))
  }
  try {
    const demoAddress = listen(values['demo-listen'], 'ATRIUM_DEMO_LISTEN', '127.0.0.1:9080', '--demo-listen')
    const echo: Server = createEchoUpstream()
    echo.listen(demoAddress.port, demoAddress.host)
    await once(echo, 'listening')
    closers.push(async () => { echo.closeAllConnections(); echo.close() })
    log.info({ address: demoAddress.host, port: demoAddress.port }, 'demo echo upstream listening')

    const cp = await startControlPlane({
      dbUrl,
      adminListen: listen(values['admin-listen'], 'ATRIUM_ADMIN_LISTEN', '127.0.0.1:8001', '--admin-listen'),
      clusterListen: listen(values['cluster-listen'], 'ATRIUM_CLUSTER_LISTEN', '0.0.0.0:8005', '--cluster-listen'),
      portalListen: listen(values['portal-listen'], 'ATRIUM_PORTAL_LISTEN', '127.0.0.1:8003', '--portal-listen'),
      analytics: {
        minuteRetentionSeconds: durationFrom(undefined, 'ATRIUM_ANALYTICS_MINUTE_RETENTION', 'ATRIUM_ANALYTICS_MINUTE_RETENTION'),
        hourRetentionSeconds: durationFrom(undefined, 'ATRIUM_ANALYTICS_HOUR_RETENTION', 'ATRIUM_ANALYTICS_HOUR_RETENTION')
      },
      auth,
      logger
    })
    closers.push(() => cp.close())
    const call = adminClient(cp, auth.enabled ? internalToken : null)
    const token = await prepareGroup(cp, call, group, values.config ?? process.env.ATRIUM_CONFIG ?? EXAMPLE_CONFIG, log)

    const clusterPort = cp.clusterAddress?.port ?? 8005
    const dp: DataPlane = await startDataPlane({
      controlPlane: { url: `ws://127.0.0.1:${clusterPort}`, token, cacheDir: values['cache-dir'] ?? process.env.ATRIUM_CACHE_DIR ?? join('data', 'data-plane') },
      proxyListen: listen(values['proxy-listen'], 'ATRIUM_PROXY_LISTEN', '0.0.0.0:8000', '--proxy-listen'),
      statusListen: listen(values['status-listen'], 'ATRIUM_STATUS_LISTEN', '127.0.0.1:8100', '--status-listen'),
      logger
    })
    closers.push(() => dp.close())
    log.info({ runtime_group: group }, 'atrium started: control plane and one data-plane node')
  } catch (err) {
    await closeAll()
    throw err
  }
  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  log.info({ signal: signal[0] }, 'shutting down')
  await closeAll()
  return 0
}
