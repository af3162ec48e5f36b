import { ATRIUM_VERSION } from '../version.js'

export const HELP: string = `atrium ${ATRIUM_VERSION}: API gateway with an integrated service catalog

Usage:
  atrium start [--db URL] [--runtime-group NAME] [--config FILE] [--cache-dir DIR]
               [--admin-listen HOST:PORT] [--cluster-listen HOST:PORT] [--proxy-listen HOST:PORT]
               [--status-listen HOST:PORT] [--demo-listen HOST:PORT] [--portal-listen HOST:PORT]
               [--admin-token-file FILE]
      What \`npm start\` runs: a control plane on embedded SQLite, one data-plane node joined to it in
      runtime group NAME (default "default"), and the DEMO echo upstream (127.0.0.1:9080). On an
      empty store it creates the group and loads FILE (default config/example.yaml) into it.
  atrium control-plane [--db URL] [--admin-listen HOST:PORT] [--admin-token-file FILE]
                       [--cluster-listen HOST:PORT] [--portal-listen HOST:PORT] [--data-plane-purge-after SECONDS]
                       [--analytics-minute-retention DURATION] [--analytics-hour-retention DURATION]
      Run the control plane: catalog store, Admin API, the Dev Portal (read-only pages of what is
      published) and the cluster listener where data-plane
      nodes connect (WebSocket /v1/sync, data-plane token required). URL is sqlite:PATH (default
      sqlite:./data/atrium.db) or postgres://…; migrations run at start.
  atrium data-plane --config FILE [--proxy-listen HOST:PORT] [--status-listen HOST:PORT] [--metrics on|off]
                    [--metrics-latency-unit ms|seconds]
      Run a data plane from a declarative (Kong 3.x format) file. SIGHUP re-reads the file.
  atrium data-plane --control-plane ws(s)://HOST:8005 --token TOKEN [--cache-dir DIR]
                    [--sync-backoff-max MS] [--proxy-listen HOST:PORT] [--status-listen HOST:PORT]
                    [--metrics on|off] [--metrics-latency-unit ms|seconds] [--analytics-buffer-minutes N]
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
  --metrics         ATRIUM_METRICS         default on: per-request metrics, GET /metrics on the status
                    listener and (hybrid) analytics reports to the control plane; off turns all three off
  --metrics-latency-unit ATRIUM_METRICS_LATENCY_UNIT default ms: atrium_*_latency_ms histograms (Kong's
                    names); seconds: atrium_*_latency_seconds in seconds (clean for promtool's lint)
  --analytics-buffer-minutes ATRIUM_ANALYTICS_BUFFER_MINUTES default 60: analytics reports kept while the
                    control plane is away (oldest dropped and counted beyond)
  --demo-listen     ATRIUM_DEMO_LISTEN     default 127.0.0.1:9080
  --db              ATRIUM_DB              default sqlite:./data/atrium.db
  --admin-listen    ATRIUM_ADMIN_LISTEN    default 127.0.0.1:8001
  --cluster-listen  ATRIUM_CLUSTER_LISTEN  default 0.0.0.0:8005 (every node needs a token)
  --portal-listen   ATRIUM_PORTAL_LISTEN   default 127.0.0.1:8003 (Dev Portal, read-only, no token)
  --data-plane-purge-after  ATRIUM_DATA_PLANE_PURGE_AFTER  default 86400: seconds a disconnected
                    node stays listed in GET /runtime-groups/{rg}/data-planes
  --analytics-minute-retention  ATRIUM_ANALYTICS_MINUTE_RETENTION  default 48h: 1-minute analytics
                    buckets are kept this long (at least 2h; 90m, 48h, 2d or seconds)
  --analytics-hour-retention    ATRIUM_ANALYTICS_HOUR_RETENTION    default 30d: 1-hour rollups are kept
                    this long (at least the minute retention)
  --admin-url       ATRIUM_ADMIN_URL       default http://127.0.0.1:8001 (config apply|dump|diff)
  --admin-token     ATRIUM_ADMIN_TOKEN     sent as Authorization: Bearer TOKEN
  admin tokens      ATRIUM_ADMIN_TOKENS    role:token pairs, e.g. admin:s3cret,viewer:l00k
  --admin-token-file                       the same pairs, one per line
  log level         ATRIUM_LOG_LEVEL       default info (pino JSON on stdout)
`
