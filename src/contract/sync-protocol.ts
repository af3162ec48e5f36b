// The hybrid-mode protocol between a control plane (CP) and its data-plane nodes (DP), spoken over
// one WebSocket per node at `ws(s)://CP:8005/v1/sync`. docs/sync-protocol.md is the prose spec.
//
// Text frames carry JSON messages. The snapshot is the one binary frame: gzip of the JSON of a
// SnapshotMessage, built, serialised and compressed once per config version on the CP and sent as
// the same bytes to every node of the group (permessage-deflate is off for this reason).

export const SYNC_PATH = '/v1/sync'
/** Bumped on incompatible protocol changes; the CP refuses a node whose major differs. */
export const SYNC_PROTOCOL_VERSION = 1
/** Largest frame either side accepts (a snapshot of 10k+ routes is a few MiB before gzip). */
export const SYNC_MAX_PAYLOAD = 64 * 1024 * 1024

export type SyncStatus =
  | 'connecting'
  | 'syncing'
  | 'in_sync'
  | 'apply_failed'
  | 'plugin_set_incompatible'
  | 'version_incompatible'
  | 'disconnected'

export interface PluginInfo {
  name: string
  version: string
}

/** Node → CP, first message after the upgrade. */
export interface HelloMessage {
  type: 'hello'
  protocol: number
  /** Stable per node: generated once and kept in the cache dir. */
  node_id: string
  hostname: string
  /** Atrium version of the node (semver); the CP requires the same major. */
  version: string
  plugins: PluginInfo[]
  /** Hash of the config the node already serves (from its cache), or null. */
  config_hash: string | null
  /** Optional protocol features the node understands: `delta` (DeltaMessage frames). */
  features?: string[]
}

/**
 * The features this Atrium speaks: `delta` (the node applies DeltaMessage frames), `analytics` (the
 * node sends AnalyticsMessage reports after welcome and expects AnalyticsAckMessage answers),
 * `upstream_health` (the node sends UpstreamHealthMessage and obeys SetTargetHealthMessage).
 */
export const SYNC_FEATURES = ['delta', 'analytics', 'upstream_health'] as const

/** Node → CP: the snapshot with this hash is validated, compiled and serving. */
export interface AckMessage {
  type: 'ack'
  version: number
  hash: string
}

/** Node → CP: the snapshot was rejected; the node keeps serving its previous config. */
export interface ApplyErrorMessage {
  type: 'apply_error'
  version: number
  hash: string
  message: string
  fields: Array<{ path: string, message: string }>
}

/**
 * Node → CP: a delta did not fit what the node serves (another base, or the rebuilt config's hash
 * differs); the CP answers with the full snapshot of its latest version.
 */
export interface ResyncMessage {
  type: 'resync'
  reason: string
}

/**
 * One aggregate of an analytics report: the requests that finished on the node in one minute for one
 * (service, route, status class, consumer). Counts are DELTAS since the node's previous report (a
 * minute usually spans several reports): the CP adds them to its rollup of that minute.
 */
export interface AnalyticsBucket {
  /** Start of the UTC minute, epoch milliseconds (a multiple of 60000). */
  minute: number
  /** Config ids (the CP's entity ids); null when no route matched (then route_id is null too). */
  service_id: string | null
  route_id: string | null
  /** 1…5 for 1xx…5xx (the status the client received). */
  status_class: number
  /** The consumer an auth plugin identified (config id), else null. */
  consumer_id: string | null
  requests: number
  errors_4xx: number
  errors_5xx: number
  /** Request bytes received from clients (body bytes) and response bytes sent to them (body bytes). */
  bytes_in: number
  bytes_out: number
  /** Total latency (request received → response finished), latency-histogram.ts scheme: index → count. */
  latency: Record<string, number>
}

/**
 * What spec drift needs: requests of one minute on one route for one (method, path shape, status).
 * The path is the normalised request path with id-like segments folded into `{id}` (at most 64
 * shapes per route and report; the rest under `*`); `example` is one path as requested. Counts are
 * deltas, as in AnalyticsBucket.
 */
export interface PathBucket {
  minute: number
  service_id: string | null
  route_id: string
  /** GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, or OTHER. */
  method: string
  path: string
  status: number
  requests: number
  example: string
}

/**
 * Node → CP, text frame, at least every 10 s while there is traffic (and whenever buffered reports
 * are resent): the node's aggregates since its previous report. `(node_id, boot_id, seq)` identifies
 * a report: the CP counts a report once and acks it (again) whenever it arrives again.
 */
export interface AnalyticsMessage {
  type: 'analytics'
  /** Random per node process start; seq restarts at 1 with each boot_id. */
  boot_id: string
  /** 1, 2, 3, … per boot_id, in the order the reports were made (gaps are possible, see dropped). */
  seq: number
  /** LATENCY_HISTOGRAM_SCHEME of the latency histograms (the CP keeps the counts of buckets of a scheme it does not know, and ignores their latency). */
  histogram: string
  buckets: AnalyticsBucket[]
  /** The requested paths per route (absent from nodes before spec drift; the CP then has none). */
  paths?: PathBucket[]
  /**
   * Totals since this boot_id started of what the node discarded because its bounded buffer was full
   * while the CP was away: whole reports (oldest first) and the requests they counted. Cumulative, so
   * the CP keeps the largest value it has seen per (node_id, boot_id).
   */
  dropped: { reports: number, requests: number }
}

/** Health of one address of a target, as the node's status listener shows it. */
export interface AddressHealth {
  ip: string
  port: number
  weight: number
  health: string
}

/** One upstream in an UpstreamHealthMessage: the node's GET /upstreams/{name}/health, condensed. */
export interface UpstreamHealthReport {
  id: string | null
  name: string
  /** The balancer's own health (`?balancer_health=1`): HEALTHY, UNHEALTHY or HEALTHCHECKS_OFF. */
  health: string
  targets: Array<{ id: string | null, target: string, weight: number, health: string, addresses: AddressHealth[] }>
}

/**
 * Node → CP, text frame, to a CP that welcomed it (nodes with the `upstream_health` feature): the
 * health of every upstream of the config it serves, whole. Sent after each welcome and whenever a
 * state differs from the last one sent (checked every second at most), so the CP's view of a
 * node is at most that much behind, and what a node that left last said stays readable.
 */
export interface UpstreamHealthMessage {
  type: 'upstream_health'
  /** The config version the report describes. */
  version: number
  upstreams: UpstreamHealthReport[]
}

/** The config-sync messages a node sends (AnalyticsMessage travels beside them, parsed on its own). */
export type NodeMessage = HelloMessage | AckMessage | ApplyErrorMessage | ResyncMessage

/** CP → node, after hello: who the node is to the CP, and whether it will receive config. */
export interface WelcomeMessage {
  type: 'welcome'
  runtime_group: { id: string, name: string }
  sync_status: SyncStatus
  /** Set when sync_status is an incompatibility: what is missing or wrong. */
  message?: string
  /**
   * Set when the node already has the current hash (so no snapshot follows): the config version that
   * hash is current at. The same config can come back under a newer version (a change made and
   * undone while the node was away); the node records it so its status matches the CP's.
   */
  config?: { version: number, hash: string }
}

/**
 * CP → node (binary, gzip of this JSON): the runtime group's whole config. `config` is a Kong 3.0
 * declarative document, validated by the node with the same contract as a declarative file; `hash`
 * is hashGatewayConfig of its normalised form, which the node recomputes and must match.
 */
export interface SnapshotMessage {
  type: 'snapshot'
  version: number
  hash: string
  config: Record<string, unknown>
}

/**
 * CP → node (binary, gzip of this JSON), to nodes that announced the `delta` feature and were sent
 * `base_version`: the change from that version (config-delta.ts). The node rebuilds the document,
 * validates it whole and checks `hash` exactly as for a snapshot; when its config is not
 * `base_hash`, or the hash does not match, it sends `resync` instead of applying.
 */
export interface DeltaMessage {
  type: 'delta'
  version: number
  hash: string
  base_version: number
  base_hash: string
  put: Array<Record<string, unknown>>
  lists: Record<string, string[]>
}

/** CP → node: a fatal refusal just before the CP closes the socket (e.g. token revoked). */
export interface ErrorMessage {
  type: 'error'
  code: string
  message: string
}

/**
 * CP → node: the analytics report (boot_id, seq) is stored (or was already, a duplicate). The node
 * forgets it; unacked reports stay buffered and are resent in order after a reconnect.
 */
export interface AnalyticsAckMessage {
  type: 'analytics_ack'
  boot_id: string
  seq: number
}

/**
 * CP → node (nodes with the `upstream_health` feature): an operator marked a target healthy or
 * unhealthy (Kong's PUT /upstreams/{u}/targets/{t}[/{address}]/healthy|unhealthy), for every
 * address of the target or just `address` (`ip:port`). Like Kong's, the mark is the node's current
 * state only: health checks go on counting from it, and a config change that rebuilds the upstream
 * starts it afresh.
 */
export interface SetTargetHealthMessage {
  type: 'set_target_health'
  /** Upstream id or name. */
  upstream: string
  /** Target id or address (`host:port`). */
  target: string
  address: string | null
  healthy: boolean
}

export type ControlPlaneMessage = WelcomeMessage | ErrorMessage | AnalyticsAckMessage | SetTargetHealthMessage

/** WebSocket close codes the CP uses (4000–4999 are application codes). */
export const SyncCloseCodes = {
  /** The token was revoked: the node must not reconnect with it (it retries slowly in case it is replaced). */
  TOKEN_REVOKED: 4001,
  /** The node speaks another protocol major or Atrium major. */
  INCOMPATIBLE: 4002,
  /** The first message was not a valid hello. */
  BAD_HELLO: 4003,
  /** The CP is shutting down. */
  GOING_AWAY: 1001
} as const
