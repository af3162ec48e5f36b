// The defaults an operator can override on the command line, written once. src/cli/options.ts shows
// them in --help and docs/command-line.md and applies them when neither the flag nor the environment
// variable is set; the planes fall back to the same constants when a caller (a test, a benchmark)
// leaves an option out. Both planes and the CLI import this file, so it imports nothing.
// Values are as an operator writes them: listen addresses, URLs and durations are text, parsed by the
// same function as a flag's value.

export const DEFAULT_PROXY_LISTEN = '0.0.0.0:8000'
export const DEFAULT_PROXY_TLS_LISTEN = '0.0.0.0:8443'
/** The proxy listeners' client header/body/send and TLS handshake timeouts (nginx's and Kong's 60 s). */
export const DEFAULT_CLIENT_TIMEOUT = '60s'
/** Connections one upstream pool may open by default. */
export const DEFAULT_UPSTREAM_MAX_CONNECTIONS = 1024
export const DEFAULT_STATUS_LISTEN = '127.0.0.1:8100'
export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:8001'
export const DEFAULT_CLUSTER_LISTEN = '0.0.0.0:8005'
export const DEFAULT_PORTAL_LISTEN = '127.0.0.1:8003'
export const DEFAULT_DEMO_LISTEN = '127.0.0.1:9080'

/** Where `atrium config apply|dump|diff` find the Admin API: the control plane's default listener. */
export const DEFAULT_ADMIN_URL = `http://${DEFAULT_ADMIN_LISTEN}`
export const DEFAULT_DB_URL = 'sqlite:./data/atrium.db'
export const DEFAULT_RUNTIME_GROUP = 'default'

/** A hybrid node's node id and last applied config. */
export const DEFAULT_CACHE_DIR = './data/data-plane'
export const DEFAULT_SYNC_BACKOFF_MAX_MS = 10_000
export const DEFAULT_ANALYTICS_BUFFER_MINUTES = 60
export const DEFAULT_ANALYTICS_INTERVAL_MS = 10_000

export const DEFAULT_METRICS = 'on'
/** Prometheus's base unit: `promtool check metrics` is clean with it. `ms` gives Kong's names. */
export const DEFAULT_METRICS_LATENCY_UNIT = 'seconds'

export const DEFAULT_DATA_PLANE_PURGE_AFTER_SECONDS = 86_400
export const DEFAULT_ANALYTICS_MINUTE_RETENTION = '48h'
export const DEFAULT_ANALYTICS_HOUR_RETENTION = '30d'

export const DEFAULT_LOG_LEVEL = 'info'
