import { fileURLToPath } from 'node:url'
import * as D from '../defaults.js'
import { LATENCY_UNITS } from '../data-plane/metrics/index.js'
import type { ListenerName } from '../listen-address.js'
import type { CommandName } from './commands.js'
import { dnsServers, headerName, duration, durationMs, httpUrl, listenAddress, listenAddressOrOff, oneOf, onOff, positiveSeconds, tagList, text, wholeNumber, type ValueParser } from './option-values.js'

// THE table of command-line options. Each subcommand's parseArgs options, the values it reads (flag,
// else environment variable, else default), --help and docs/command-line.md all come from here: a
// new option is one entry (then `npm run docs`). Flag and variable names are a contract with
// scripts and deployments: never rename one. Defaults come from src/defaults.ts, which the planes
// share. The same flag may have two entries when it means different things in different commands
// (--config, --runtime-group); a test checks a flag is taken at most once per command.

export interface OptionSpec<T> {
  /** The long flag, without `--`; none for a setting only the environment carries. */
  flag?: string
  env?: string
  /** As written on a command line; parsed like a given value when neither flag nor variable is set. */
  default?: string
  /** Shown in place of `default` (a path computed at run time), or the behaviour when there is none. */
  defaultNote?: string
  /** The value's placeholder: HOST:PORT, FILE … */
  value: string
  help: string
  /** The subcommands that take the flag (and read the variable). */
  commands: readonly CommandName[]
  /** Subcommands that read the variable but take no flag. */
  envOnlyIn?: readonly CommandName[]
  /** `atrium data-plane`: the flag needs --control-plane. */
  hybridOnly?: true
  /** The listener this address opens: a listen failure names this flag. */
  listener?: ListenerName
  /** For tests only: not in --help nor docs/command-line.md. */
  hidden?: true
  /** A flag without a value (given: `on`); its variable takes on|off. */
  switch?: true
  /** A one-letter alias (`-H`), as curl spells it. */
  short?: string
  parse: ValueParser<T>
}

export type OptionWithDefault<T> = OptionSpec<T> & { default: string }

function option<T> (spec: OptionWithDefault<T>): OptionWithDefault<T>
function option<T> (spec: OptionSpec<T>): OptionSpec<T>
function option<T> (spec: OptionSpec<T>): OptionSpec<T> { return spec }

/** `atrium start`'s seed: the example shipped in the package (dist/src/cli/ → config/). */
export const EXAMPLE_CONFIG = fileURLToPath(new URL('../../../config/example.yaml', import.meta.url))

const CP = ['control-plane', 'start'] as const
const DP = ['data-plane', 'start'] as const
const REMOTE = ['config apply', 'config dump', 'config diff'] as const
/** The commands that talk to a control plane's Admin API. */
const ADMIN_CLIENT = [...REMOTE, 'promote', 'routes explain', 'routes conflicts', 'routes from-spec', 'drift'] as const
/** The route analyses: against a control plane's group or a declarative file. */
const ROUTES = ['routes explain', 'routes conflicts'] as const

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const OPTIONS = {
  proxyListen: option({
    flag: 'proxy-listen', env: 'ATRIUM_PROXY_LISTEN', default: D.DEFAULT_PROXY_LISTEN, value: 'HOST:PORT', listener: 'proxy', commands: DP,
    help: 'Where the proxy takes client traffic.',
    parse: listenAddress
  }),
  clusterTlsCert: option({
    flag: 'cluster-tls-cert', env: 'ATRIUM_CLUSTER_TLS_CERT', value: 'FILE', commands: ['control-plane', 'data-plane'], hybridOnly: true, defaultNote: 'none: plain ws://',
    help: 'Control plane: the cluster listener\'s certificate (PEM, then its chain); nodes then connect with wss://. Data-plane node: its client certificate, for a control plane with --cluster-mtls. Needs --cluster-tls-key.',
    parse: text
  }),
  clusterTlsKey: option({
    flag: 'cluster-tls-key', env: 'ATRIUM_CLUSTER_TLS_KEY', value: 'FILE', commands: ['control-plane', 'data-plane'], hybridOnly: true, defaultNote: 'none',
    help: 'The private key (PEM) of --cluster-tls-cert.',
    parse: text
  }),
  clusterCaCert: option({
    flag: 'cluster-ca-cert', env: 'ATRIUM_CLUSTER_CA_CERT', value: 'FILE', commands: ['control-plane', 'data-plane'], hybridOnly: true, defaultNote: 'the system\'s roots (data plane)',
    help: 'Data-plane node: the CA the control plane\'s certificate must chain to over wss://. Control plane: with --cluster-mtls, the CA every node\'s client certificate must chain to.',
    parse: text
  }),
  clusterMtls: option({
    flag: 'cluster-mtls', env: 'ATRIUM_CLUSTER_MTLS', default: 'off', value: '', switch: true, commands: ['control-plane'],
    help: 'Mutual TLS on the cluster listener: a node must present a client certificate signed by --cluster-ca-cert (checked in the TLS handshake, before its data-plane token). Needs --cluster-tls-cert and --cluster-ca-cert. The variable takes on or off.',
    parse: onOff
  }),
  proxyTlsListen: option({
    flag: 'proxy-tls-listen', env: 'ATRIUM_PROXY_TLS_LISTEN', default: D.DEFAULT_PROXY_TLS_LISTEN, value: 'HOST:PORT|off', listener: 'proxy TLS', commands: DP,
    help: 'Where the proxy takes HTTPS traffic (TLS 1.2 and 1.3; the certificate by SNI from the config\'s certificates, else the default one); off: no TLS listener.',
    parse: listenAddressOrOff
  }),
  proxyTlsCert: option({
    flag: 'proxy-tls-cert', env: 'ATRIUM_PROXY_TLS_CERT', value: 'FILE', commands: DP, defaultNote: 'self-signed, made at first start in the cache directory (tls/)',
    help: 'The TLS listener\'s default certificate (PEM, then its chain): for clients without SNI or whose name no certificate of the config serves. Needs --proxy-tls-key.',
    parse: text
  }),
  proxyTlsKey: option({
    flag: 'proxy-tls-key', env: 'ATRIUM_PROXY_TLS_KEY', value: 'FILE', commands: DP, defaultNote: 'with the self-signed certificate',
    help: 'The private key (PEM) of --proxy-tls-cert.',
    parse: text
  }),
  statusListen: option({
    flag: 'status-listen', env: 'ATRIUM_STATUS_LISTEN', default: D.DEFAULT_STATUS_LISTEN, value: 'HOST:PORT', listener: 'status', commands: DP,
    help: 'The node\'s status listener: GET /status (the config it serves, its control-plane connection) and GET /metrics.',
    parse: listenAddress
  }),
  adminListen: option({
    flag: 'admin-listen', env: 'ATRIUM_ADMIN_LISTEN', default: D.DEFAULT_ADMIN_LISTEN, value: 'HOST:PORT', listener: 'admin', commands: CP,
    help: 'The Admin API and admin UI. Without admin tokens only a loopback address is accepted.',
    parse: listenAddress
  }),
  clusterListen: option({
    flag: 'cluster-listen', env: 'ATRIUM_CLUSTER_LISTEN', default: D.DEFAULT_CLUSTER_LISTEN, value: 'HOST:PORT', listener: 'cluster', commands: CP,
    help: 'Where data-plane nodes connect (WebSocket /v1/sync); every node needs a data-plane token.',
    parse: listenAddress
  }),
  portalListen: option({
    flag: 'portal-listen', env: 'ATRIUM_PORTAL_LISTEN', default: D.DEFAULT_PORTAL_LISTEN, value: 'HOST:PORT', listener: 'portal', commands: CP,
    help: 'The Dev Portal: read-only pages of what is published, no token.',
    parse: listenAddress
  }),
  demoListen: option({
    flag: 'demo-listen', env: 'ATRIUM_DEMO_LISTEN', default: D.DEFAULT_DEMO_LISTEN, value: 'HOST:PORT', listener: 'demo', commands: ['start'],
    help: 'The DEMO echo upstream that config/example.yaml proxies to (not part of the gateway).',
    parse: listenAddress
  }),
  db: option({
    flag: 'db', env: 'ATRIUM_DB', default: D.DEFAULT_DB_URL, value: 'URL', commands: CP,
    help: 'The catalog store: sqlite:PATH or postgres://…; migrations run at start.',
    parse: text
  }),
  adminTokenFile: option({
    flag: 'admin-token-file', value: 'FILE', commands: CP, defaultNote: 'no tokens: loopback only',
    help: 'Admin API tokens, one role:token pair per line (roles admin and viewer; tokens of 8 characters or more). ' +
      'Adds to ATRIUM_ADMIN_TOKENS.',
    parse: text
  }),
  adminTokens: option({
    env: 'ATRIUM_ADMIN_TOKENS', value: 'PAIRS', commands: CP, defaultNote: 'no tokens: loopback only',
    help: 'Admin API tokens inline: role:token pairs separated by commas, e.g. admin:s3cret-1,viewer:l00k-l00k.',
    parse: text
  }),
  dataPlanePurgeAfter: option({
    flag: 'data-plane-purge-after', env: 'ATRIUM_DATA_PLANE_PURGE_AFTER', default: String(D.DEFAULT_DATA_PLANE_PURGE_AFTER_SECONDS), value: 'SECONDS',
    commands: ['control-plane'],
    help: 'Seconds a disconnected node stays listed in GET /runtime-groups/{rg}/data-planes.',
    parse: positiveSeconds
  }),
  analyticsMinuteRetention: option({
    flag: 'analytics-minute-retention', env: 'ATRIUM_ANALYTICS_MINUTE_RETENTION', default: D.DEFAULT_ANALYTICS_MINUTE_RETENTION, value: 'DURATION',
    commands: ['control-plane'], envOnlyIn: ['start'],
    help: 'How long 1-minute analytics buckets are kept: at least 2h (90m, 48h, 2d or seconds).',
    parse: duration
  }),
  analyticsHourRetention: option({
    flag: 'analytics-hour-retention', env: 'ATRIUM_ANALYTICS_HOUR_RETENTION', default: D.DEFAULT_ANALYTICS_HOUR_RETENTION, value: 'DURATION',
    commands: ['control-plane'], envOnlyIn: ['start'],
    help: 'How long 1-hour analytics rollups are kept: at least the minute retention.',
    parse: duration
  }),
  seedConfig: option({
    flag: 'config', env: 'ATRIUM_CONFIG', default: EXAMPLE_CONFIG, defaultNote: 'config/example.yaml', value: 'FILE', commands: ['start'],
    help: 'The declarative file loaded into an empty store.',
    parse: text
  }),
  startRuntimeGroup: option({
    flag: 'runtime-group', default: D.DEFAULT_RUNTIME_GROUP, value: 'NAME', commands: ['start'],
    help: 'The runtime group the local node joins; created when missing.',
    parse: text
  }),
  configFile: option({
    flag: 'config', env: 'ATRIUM_CONFIG', value: 'FILE', commands: ['data-plane'], defaultNote: 'DB-less mode',
    help: 'DB-less mode: serve this declarative file (Kong 3.x format); SIGHUP re-reads it. Excludes --control-plane.',
    parse: text
  }),
  controlPlane: option({
    flag: 'control-plane', env: 'ATRIUM_CONTROL_PLANE', value: 'URL', commands: ['data-plane'], defaultNote: 'hybrid mode',
    help: 'Hybrid mode: ws(s)://HOST:PORT of the control plane\'s cluster listener. Excludes --config.',
    parse: text
  }),
  token: option({
    flag: 'token', env: 'ATRIUM_TOKEN', value: 'TOKEN', commands: ['data-plane'], hybridOnly: true,
    help: 'The data-plane token (it decides the runtime group). Prefer the environment: flags show in ps.',
    parse: text
  }),
  cacheDir: option({
    flag: 'cache-dir', env: 'ATRIUM_CACHE_DIR', default: D.DEFAULT_CACHE_DIR, value: 'DIR', commands: DP,
    help: 'The node\'s data: its self-signed default TLS certificate (tls/, when --proxy-tls-cert is not given) and, in hybrid mode, its node id and last applied config, served at start.',
    parse: text
  }),
  syncBackoffMax: option({
    flag: 'sync-backoff-max', env: 'ATRIUM_SYNC_BACKOFF_MAX', default: String(D.DEFAULT_SYNC_BACKOFF_MAX_MS), value: 'MS', commands: ['data-plane'], hybridOnly: true,
    help: 'Cap of the reconnect delay, in milliseconds (1 to 3600000).',
    parse: wholeNumber('milliseconds', 1, 3_600_000)
  }),
  analyticsBufferMinutes: option({
    flag: 'analytics-buffer-minutes', env: 'ATRIUM_ANALYTICS_BUFFER_MINUTES', default: String(D.DEFAULT_ANALYTICS_BUFFER_MINUTES), value: 'N',
    commands: ['data-plane'], hybridOnly: true,
    help: 'Minutes of analytics reports kept while the control plane is away (1 to 1440); beyond, the oldest are dropped and counted.',
    parse: wholeNumber('minutes', 1, 1440)
  }),
  analyticsIntervalMs: option({
    env: 'ATRIUM_ANALYTICS_INTERVAL_MS', default: String(D.DEFAULT_ANALYTICS_INTERVAL_MS), value: 'MS', commands: ['data-plane'], hidden: true,
    help: 'Tests only: a shorter analytics reporting interval; it must divide a minute.',
    parse: wholeNumber('milliseconds', 100, 60_000, 60_000)
  }),
  clientHeaderTimeout: option({
    flag: 'client-header-timeout', env: 'ATRIUM_CLIENT_HEADER_TIMEOUT', default: D.DEFAULT_CLIENT_TIMEOUT, value: 'DURATION', commands: DP,
    help: 'nginx\'s client_header_timeout on every proxy listener: a request line and headers that take longer (from the request\'s first byte; ' +
      'from the connection for its first request) are answered 408 and the connection closed. 500ms, 60s, 2m or seconds.',
    parse: durationMs
  }),
  clientBodyTimeout: option({
    flag: 'client-body-timeout', env: 'ATRIUM_CLIENT_BODY_TIMEOUT', default: D.DEFAULT_CLIENT_TIMEOUT, value: 'DURATION', commands: DP,
    help: 'nginx\'s client_body_timeout: the longest gap between two reads of a request body while the gateway is ready to read ' +
      '(not while the upstream holds it back); then 408 (or the connection cut, once the response started).',
    parse: durationMs
  }),
  clientSendTimeout: option({
    flag: 'client-send-timeout', env: 'ATRIUM_CLIENT_SEND_TIMEOUT', default: D.DEFAULT_CLIENT_TIMEOUT, value: 'DURATION', commands: DP,
    help: 'nginx\'s send_timeout: the longest a response may stay blocked because the client does not read it; then the connection ' +
      '(an HTTP/2 stream: the stream) is closed and the upstream call aborted.',
    parse: durationMs
  }),
  tlsHandshakeTimeout: option({
    flag: 'tls-handshake-timeout', env: 'ATRIUM_TLS_HANDSHAKE_TIMEOUT', default: D.DEFAULT_CLIENT_TIMEOUT, value: 'DURATION', commands: DP,
    help: 'nginx\'s ssl_handshake_timeout: a TLS handshake on the proxy TLS listener must complete within this, else the connection is closed.',
    parse: durationMs
  }),
  routeDebugHeader: option({
    flag: 'route-debug-header', env: 'ATRIUM_ROUTE_DEBUG_HEADER', value: 'NAME', commands: DP, defaultNote: 'off',
    help: 'A request carrying this header is answered with Atrium-Route (the route\'s name, else its id) and Atrium-Route-Priority (its priority tuple). ' +
      'Only with the --route-debug-token value, or without a token from a loopback client. The header is not sent upstream.',
    parse: headerName
  }),
  routeDebugToken: option({
    flag: 'route-debug-token', env: 'ATRIUM_ROUTE_DEBUG_TOKEN', value: 'TOKEN', commands: DP, defaultNote: 'none: loopback clients only',
    help: 'The value the --route-debug-header header must carry to be heard (compared in constant time).',
    parse: text
  }),
  upstreamMaxConnections: option({
    flag: 'upstream-max-connections', env: 'ATRIUM_UPSTREAM_MAX_CONNECTIONS', default: String(D.DEFAULT_UPSTREAM_MAX_CONNECTIONS), value: 'N', commands: DP,
    help: 'Connections one upstream pool (a service\'s origin, or one address of an upstream\'s target) may open; more requests wait for a free one, ' +
      'at most the service\'s connect_timeout (then 503). A service\'s or upstream\'s max_connections overrides it.',
    parse: wholeNumber('connections', 1, 1_000_000)
  }),
  dnsResolver: option({
    flag: 'dns-resolver', env: 'ATRIUM_DNS_RESOLVER', value: 'IP[:PORT],…', commands: DP, defaultNote: 'the system\'s (/etc/resolv.conf)',
    help: 'Kong\'s dns_resolver: the DNS servers that resolve upstream target names (A records, else AAAA, with their TTL), ' +
      'comma-separated, each IP, IPv4:PORT or [IPv6]:PORT. /etc/hosts is read first either way.',
    parse: dnsServers
  }),
  metrics: option({
    flag: 'metrics', env: 'ATRIUM_METRICS', default: D.DEFAULT_METRICS, value: 'on|off', commands: DP,
    help: 'Per-request metrics, GET /metrics on the status listener and (hybrid) analytics reports to the control plane; off turns all three off.',
    parse: onOff
  }),
  metricsLatencyUnit: option({
    flag: 'metrics-latency-unit', env: 'ATRIUM_METRICS_LATENCY_UNIT', default: D.DEFAULT_METRICS_LATENCY_UNIT, value: LATENCY_UNITS.join('|'), commands: DP,
    help: 'Unit of the latency histograms in GET /metrics: seconds serves atrium_*_latency_seconds (Prometheus\'s base unit, ' +
      'clean for promtool check metrics); ms serves Kong\'s atrium_*_latency_ms. Converted at scrape time only.',
    parse: oneOf(LATENCY_UNITS)
  }),
  remoteRuntimeGroup: option({
    flag: 'runtime-group', value: 'NAME', commands: REMOTE, defaultNote: 'required',
    help: 'The runtime group whose config is applied, dumped or compared.',
    parse: text
  }),
  adminUrl: option({
    flag: 'admin-url', env: 'ATRIUM_ADMIN_URL', default: D.DEFAULT_ADMIN_URL, value: 'URL', commands: ADMIN_CLIENT,
    help: 'The control plane\'s Admin API.',
    parse: httpUrl
  }),
  adminToken: option({
    flag: 'admin-token', env: 'ATRIUM_ADMIN_TOKEN', value: 'TOKEN', commands: ADMIN_CLIENT, defaultNote: 'none',
    help: 'Sent as Authorization: Bearer TOKEN.',
    parse: text
  }),
  detachVersions: option({
    flag: 'detach-versions', default: 'off', value: '', switch: true, commands: ['config apply'],
    help: 'Apply a file that deletes services implementing catalog versions, and detach those versions (their implementation becomes none); ' +
      'without it such a file is refused and nothing changes. Sends PUT …/config?detach_versions=true.',
    parse: onOff
  }),
  promoteFrom: option({
    flag: 'from', value: 'GROUP', commands: ['promote'], defaultNote: 'required',
    help: 'The runtime group the version is promoted from (its name or id).',
    parse: text
  }),
  promoteTo: option({
    flag: 'to', value: 'GROUP', commands: ['promote'], defaultNote: 'required',
    help: 'The runtime group the version is promoted into.',
    parse: text
  }),
  dryRun: option({
    flag: 'dry-run', default: 'off', value: '', switch: true, commands: ['promote', 'routes from-spec'],
    help: 'Print the diff and change nothing.',
    parse: onOff
  }),
  overrides: option({
    flag: 'overrides', value: 'FILE', commands: ['promote'], defaultNote: 'the remembered ones',
    help: 'A JSON or YAML file of per-environment overrides ({"service": {…}, "routes": {NAME: {…}}, "plugins": {NAME or ROUTE/NAME: {…}}}), ' +
      'merged into those the target version remembers.',
    parse: text
  }),
  routesRuntimeGroup: option({
    flag: 'runtime-group', value: 'NAME', commands: ROUTES, defaultNote: 'required unless --config',
    help: 'The runtime group whose current config is asked (its name or id).',
    parse: text
  }),
  routesConfig: option({
    flag: 'config', value: 'FILE', commands: ROUTES, defaultNote: 'ask the control plane',
    help: 'DB-less: analyse this declarative file (Kong 3.x format), compiled as `atrium data-plane --config FILE` compiles it; no control plane is asked.',
    parse: text
  }),
  explainHeader: option({
    flag: 'header', short: 'H', value: 'NAME: VALUE', commands: ['routes explain'], defaultNote: 'none',
    help: 'A request header, as curl -H; repeat for more (a repeated name gives the header several lines). `Host: …` sets the Host.',
    parse: text
  }),
  explainMethod: option({
    flag: 'request', short: 'X', default: 'GET', value: 'METHOD', commands: ['routes explain'],
    help: 'The request method, as curl -X.',
    parse: text
  }),
  specRuntimeGroup: option({
    flag: 'runtime-group', value: 'NAME', commands: ['routes from-spec', 'drift'], defaultNote: 'the version\'s only one',
    help: 'The runtime group of the version, when its name is in several.',
    parse: text
  }),
  specGrouping: option({
    flag: 'grouping', default: 'operation', value: 'operation|path', commands: ['routes from-spec'],
    help: 'A route per operation, or per path with its methods together.',
    parse: oneOf(['operation', 'path'])
  }),
  specStaticPaths: option({
    flag: 'static-paths', default: 'exact', value: 'exact|prefix', commands: ['routes from-spec'],
    help: 'A path without parameters as an exact regex (`~/orders$`) or as a prefix (`/orders`).',
    parse: oneOf(['exact', 'prefix'])
  }),
  driftFrom: option({
    flag: 'from', value: 'TIME', commands: ['drift'], defaultNote: 'an hour before --to',
    help: 'Start of the window: epoch seconds or an RFC 3339 date-time.',
    parse: text
  }),
  driftTo: option({
    flag: 'to', value: 'TIME', commands: ['drift'], defaultNote: 'now',
    help: 'End of the window: epoch seconds or an RFC 3339 date-time.',
    parse: text
  }),
  routesFormat: option({
    flag: 'format', default: 'text', value: 'text|json', commands: [...ROUTES, 'drift'],
    help: 'text: the answer in lines; json: the Admin API\'s answer as it is.',
    parse: oneOf(['text', 'json'])
  }),
  format: option({
    flag: 'format', default: 'yaml', value: 'yaml|json', commands: ['config dump'],
    help: 'The output format.',
    parse: oneOf(['yaml', 'json'])
  }),
  selectTag: option({
    flag: 'select-tag', value: 'TAG', commands: ['config dump'], defaultNote: 'every entity',
    help: 'Dump only the entities carrying this tag, as decK\'s --select-tag: repeat the flag (or separate with commas) ' +
      'for more tags, every one required. The file gets _info.select_tags, so applying it back changes only those entities.',
    parse: tagList
  }),
  logLevel: option({
    env: 'ATRIUM_LOG_LEVEL', default: D.DEFAULT_LOG_LEVEL, value: 'LEVEL', commands: ['start', 'control-plane', 'data-plane'],
    help: `Log level of the pino JSON lines on stdout: ${LOG_LEVELS.join(', ')}.`,
    parse: oneOf(LOG_LEVELS)
  })
}

export type AnyOption = OptionSpec<unknown>

/** Every entry, in the order --help and the reference list them. */
export const OPTION_LIST: readonly AnyOption[] = Object.values(OPTIONS)

/** Whether `command` reads this option (its flag, its variable, or both). */
export function appliesTo (option: AnyOption, command: CommandName): boolean {
  return option.commands.includes(command) || (option.envOnlyIn?.includes(command) ?? false)
}

/** Whether `command` takes this option's flag on its command line. */
export function takesFlag (option: AnyOption, command: CommandName): boolean {
  return option.flag !== undefined && option.commands.includes(command)
}

/** The option that sets where `listener` listens. */
export function listenerOption (listener: ListenerName): AnyOption | undefined {
  return OPTION_LIST.find((o) => o.listener === listener)
}
