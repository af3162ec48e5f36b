// The shapes of Kong 3.x declarative entities, as data (TypeBox → JSON Schema, checked by Ajv).
// Only shapes live here: types, bounds, patterns, unknown fields. Rules that need more than one
// field or the whole file (url vs host, regex compilation, duplicates, references) are in checks-*.ts.
// Kong fields this release does not implement are typed loosely (`Type.Unknown`) and rejected by
// check-unsupported.ts with the reason (an empty or default value is accepted: Kong exports write them).

import { Type, type Static, type TOptional, type TSchema, type TUnknown } from '@sinclair/typebox'
import { PLUGIN_PROTOCOLS } from './plugin-names.js'
import { MaxConnections, targetFields, upstreamFields } from './upstream-schema.js'

export const FORMAT_VERSIONS = ['1.1', '2.1', '3.0'] as const

/** Defaults filled in by normalize.ts; they also annotate the schema below. */
export const SERVICE_DEFAULTS = {
  protocol: 'http',
  timeout: 60_000,
  retries: 5,
  // Kong leaves upstream TLS verification off unless asked; Atrium verifies by default (secure
  // by default). `tls_verify: false` turns it off per service.
  tls_verify: true
} as const

export const ROUTE_DEFAULTS = {
  strip_path: true,
  preserve_host: false,
  regex_priority: 0,
  protocols: ['http', 'https']
} as const

/** `errorMessage` is our annotation (Ajv ignores it, strict: false); validate.ts prints it. */
function StringEnum<T extends string> (values: readonly T[], options: Record<string, unknown> = {}): TSchema & { static: T } {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options })
}

export const NAME_PATTERN = '^[\\p{L}\\p{N}._~-]+$'
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

const Name = Type.String({ pattern: NAME_PATTERN, errorMessage: 'must contain only letters, digits, ".", "-", "_" or "~"' })
const Id = Type.String({ pattern: UUID_PATTERN, errorMessage: 'must be a UUID' })
// Kong's typedefs.tag: printable ASCII except `,` and `/` (space included), or any non-ASCII character.
export const TAG_PATTERN = '^[ !-+\\-.0-~\\u0080-\\u{10FFFF}]+$'
const Tags = Type.Array(Type.String({ pattern: TAG_PATTERN, errorMessage: 'must be a non-empty tag of printable characters other than "," and "/"' }))
const Timeout = Type.Integer({ minimum: 1, maximum: 2_147_483_646, default: SERVICE_DEFAULTS.timeout, description: 'milliseconds' })
const Protocol = StringEnum(['http', 'https'] as const)
/** Kong's protocols: any passes the shape; check-unsupported.ts rejects those other than http and https with the reason. */
const KongProtocol = StringEnum(PLUGIN_PROTOCOLS)
const Anything = Type.Unknown()

/** Fields of unimplemented features: any value passes the shape, check-unsupported.ts rejects one that matters. */
function looseFields<K extends string> (keys: readonly K[]): Record<K, TOptional<TUnknown>> {
  return Object.fromEntries(keys.map((k) => [k, Type.Optional(Type.Unknown())])) as Record<K, TOptional<TUnknown>>
}

/**
 * Kong timestamps in exports, and Kong's `_comment` / `_ignore`, which its declarative_config allows on
 * every entity: accepted and never applied (none of them changes traffic).
 */
const Timestamps = {
  created_at: Type.Optional(Anything),
  updated_at: Type.Optional(Anything),
  _comment: Type.Optional(Type.String()),
  _ignore: Type.Optional(Type.Array(Anything))
}

/** A reference to another entity: its name (or id) as a string, or `{ id }` / `{ name }`; resolved in check-plugins.ts. */
const Reference = Anything

/**
 * A plugin, top-level or nested in a service, route or consumer (Kong's format; the reference to the
 * entity it is nested in is implied). Its `config` is checked against the plugin's own schema in
 * check-plugins.ts (plugin-config.ts); references are resolved there too.
 */
export const PluginSchema = Type.Object({
  id: Type.Optional(Id),
  name: Type.String({ minLength: 1 }),
  instance_name: Type.Optional(Name),
  config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  enabled: Type.Optional(Type.Boolean()),
  protocols: Type.Optional(Type.Array(StringEnum(PLUGIN_PROTOCOLS), { minItems: 1 })),
  service: Type.Optional(Reference),
  route: Type.Optional(Reference),
  consumer: Type.Optional(Reference),
  tags: Type.Optional(Tags),
  ordering: Type.Optional(Anything),
  ...Timestamps
}, { additionalProperties: false })

export const ROUTE_UNSUPPORTED_FIELDS = [
  'sources', 'destinations',
  'request_buffering', 'response_buffering'
] as const

const routeFields = {
  id: Type.Optional(Id),
  name: Type.Optional(Name),
  paths: Type.Optional(Type.Array(Type.String())),
  methods: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]+$', errorMessage: 'must be an upper-case HTTP method, e.g. GET' }))),
  hosts: Type.Optional(Type.Array(Type.String())),
  headers: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String(), { minItems: 1 }))),
  /** TLS server names (check-route.ts, route-snis.ts). */
  snis: Type.Optional(Type.Array(Type.String())),
  strip_path: Type.Optional(Type.Boolean({ default: ROUTE_DEFAULTS.strip_path })),
  preserve_host: Type.Optional(Type.Boolean({ default: ROUTE_DEFAULTS.preserve_host })),
  regex_priority: Type.Optional(Type.Integer({ default: ROUTE_DEFAULTS.regex_priority })),
  protocols: Type.Optional(Type.Array(KongProtocol, { minItems: 1 })),
  path_handling: Type.Optional(StringEnum(['v0', 'v1'] as const)),
  https_redirect_status_code: Type.Optional(Type.Unsafe<426 | 301 | 302 | 307 | 308>({ type: 'integer', enum: [426, 301, 302, 307, 308], errorMessage: 'must be one of 426, 301, 302, 307, 308' })),
  tags: Type.Optional(Tags),
  plugins: Type.Optional(Type.Array(PluginSchema)),
  ...looseFields(ROUTE_UNSUPPORTED_FIELDS),
  ...Timestamps
}

/** A route nested in a service: its service is implicit. */
export const NestedRouteSchema = Type.Object(routeFields, { additionalProperties: false })

/**
 * A top-level route names its service: `service: name`, `{ name }` or `{ id }` (checked in
 * references.ts), or has none: Kong runs its plugins and then answers 503 (no service to proxy to).
 */
export const TopLevelRouteSchema = Type.Object({ ...routeFields, service: Type.Optional(Anything) }, { additionalProperties: false })

export const SERVICE_UNSUPPORTED_FIELDS = ['client_certificate', 'ca_certificates', 'tls_verify_depth'] as const

export const ServiceSchema = Type.Object({
  id: Type.Optional(Id),
  name: Type.Optional(Name),
  url: Type.Optional(Type.String()),
  protocol: Type.Optional(KongProtocol),
  host: Type.Optional(Type.String({ minLength: 1 })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
  path: Type.Optional(Type.String()),
  connect_timeout: Type.Optional(Timeout),
  write_timeout: Type.Optional(Timeout),
  read_timeout: Type.Optional(Timeout),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 32_767, default: SERVICE_DEFAULTS.retries })),
  tls_verify: Type.Optional(Type.Boolean({ default: SERVICE_DEFAULTS.tls_verify })),
  max_connections: Type.Optional(Type.Union([MaxConnections, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Tags),
  routes: Type.Optional(Type.Array(NestedRouteSchema)),
  plugins: Type.Optional(Type.Array(PluginSchema)),
  ...looseFields(SERVICE_UNSUPPORTED_FIELDS),
  ...Timestamps
}, { additionalProperties: false })

/** A target nested in its upstream (Kong's `targets` entity; upstream-schema.ts). */
export const NestedTargetSchema = Type.Object({ id: Type.Optional(Id), ...targetFields, tags: Type.Optional(Tags), ...Timestamps }, { additionalProperties: false })

/** A top-level target names its upstream: `upstream: name | id | { name } | { id }` (upstream-entries.ts). */
export const TopLevelTargetSchema = Type.Object({ id: Type.Optional(Id), ...targetFields, upstream: Type.Optional(Reference), tags: Type.Optional(Tags), ...Timestamps }, { additionalProperties: false })

/** Kong's upstream: a hostname services name as their host, balanced over its targets. */
export const UpstreamSchema = Type.Object({
  id: Type.Optional(Id),
  ...upstreamFields,
  tags: Type.Optional(Tags),
  targets: Type.Optional(Type.Array(NestedTargetSchema)),
  ...Timestamps
}, { additionalProperties: false })

/** Kong's SNI: a name and its certificate (nested in a certificate, by name only or `{ name }`). */
const SniName = Type.String({ minLength: 1 })
export const NestedSniSchema = Type.Union([SniName, Type.Object({ id: Type.Optional(Id), name: SniName, tags: Type.Optional(Tags), ...Timestamps }, { additionalProperties: false })])
export const TopLevelSniSchema = Type.Object({ id: Type.Optional(Id), name: SniName, certificate: Reference, tags: Type.Optional(Tags), ...Timestamps }, { additionalProperties: false })

/** Kong's certificate: PEM cert and key (and an alternative pair of the other key type); check-certificates.ts parses them. */
export const CertificateSchema = Type.Object({
  id: Type.Optional(Id),
  cert: Type.String({ minLength: 1 }),
  key: Type.String({ minLength: 1 }),
  cert_alt: Type.Optional(Type.String({ minLength: 1 })),
  key_alt: Type.Optional(Type.String({ minLength: 1 })),
  snis: Type.Optional(Type.Array(NestedSniSchema)),
  tags: Type.Optional(Tags),
  ...Timestamps
}, { additionalProperties: false })

export const TOP_LEVEL_UNSUPPORTED_FIELDS = [
  'ca_certificates',
  'vaults', 'key_sets', 'keys', 'consumer_groups'
] as const

/** Consumer credentials of plugins Atrium does not bundle, and Kong Enterprise's groups: rejected unless empty. */
export const CONSUMER_UNSUPPORTED_FIELDS = [
  'hmacauth_credentials', 'oauth2_credentials', 'mtls_auth_credentials', 'groups'
] as const

/**
 * The credential lists a consumer carries (Kong 3's declarative names), in sorted order. Rules
 * across fields and entities (one of key/key_hash, unique keys, public keys that parse) are in
 * check-credentials.ts; secrets are hashed by normalize-credentials.ts.
 */
export const CONSUMER_CREDENTIAL_FIELDS = ['acls', 'basicauth_credentials', 'jwt_secrets', 'keyauth_credentials'] as const
export type ConsumerCredentialField = typeof CONSUMER_CREDENTIAL_FIELDS[number]

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384'] as const
export type JwtAlgorithm = typeof JWT_ALGORITHMS[number]

/** A key-auth key: `key` (hashed on load, never kept) or `key_hash` (its SHA-256, as Atrium exports it). */
export const KeyAuthCredentialSchema = Type.Object({
  id: Type.Optional(Id),
  key: Type.Optional(Type.String({ minLength: 1 })),
  key_hash: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$', errorMessage: 'must be a SHA-256 digest (64 hex digits)' })),
  tags: Type.Optional(Tags),
  ...Timestamps
}, { additionalProperties: false })

/** A basic-auth login: `password` (hashed on load) or `password_hash` (`$scrypt$…`, as Atrium exports it). */
export const BasicAuthCredentialSchema = Type.Object({
  id: Type.Optional(Id),
  username: Type.String({ minLength: 1 }),
  password: Type.Optional(Type.String({ minLength: 1 })),
  password_hash: Type.Optional(Type.String({ minLength: 1 })),
  tags: Type.Optional(Tags),
  ...Timestamps
}, { additionalProperties: false })

/** A JWT signing key: HMAC `secret` (HS*) or a PEM public key (RS*, ES*), found by the token's `key` claim. */
export const JwtSecretSchema = Type.Object({
  id: Type.Optional(Id),
  key: Type.String({ minLength: 1 }),
  algorithm: Type.Optional(StringEnum(JWT_ALGORITHMS)),
  secret: Type.Optional(Type.String({ minLength: 1 })),
  rsa_public_key: Type.Optional(Type.String({ minLength: 1 })),
  tags: Type.Optional(Tags),
  ...Timestamps
}, { additionalProperties: false })

/** An ACL group membership. */
export const AclSchema = Type.Object({
  id: Type.Optional(Id),
  group: Type.String({ minLength: 1 }),
  tags: Type.Optional(Tags),
  ...Timestamps
}, { additionalProperties: false })

export const ConsumerSchema = Type.Object({
  id: Type.Optional(Id),
  username: Type.Optional(Type.String({ minLength: 1 })),
  custom_id: Type.Optional(Type.String({ minLength: 1 })),
  tags: Type.Optional(Tags),
  plugins: Type.Optional(Type.Array(PluginSchema)),
  keyauth_credentials: Type.Optional(Type.Array(KeyAuthCredentialSchema)),
  basicauth_credentials: Type.Optional(Type.Array(BasicAuthCredentialSchema)),
  jwt_secrets: Type.Optional(Type.Array(JwtSecretSchema)),
  acls: Type.Optional(Type.Array(AclSchema)),
  ...looseFields(CONSUMER_UNSUPPORTED_FIELDS),
  ...Timestamps
}, { additionalProperties: false })

export const DeclarativeSchema = Type.Object({
  _format_version: Type.String(),
  _transform: Type.Optional(Type.Boolean()),
  _comment: Type.Optional(Anything),
  _ignore: Type.Optional(Type.Array(Anything)),
  _workspace: Type.Optional(Anything),
  // decK's header (deck-info.ts applies `_info`; `_konnect` names the Konnect control plane).
  _info: Type.Optional(Anything),
  _konnect: Type.Optional(Type.Object({
    runtime_group_name: Type.Optional(Type.String({ minLength: 1 })),
    control_plane_name: Type.Optional(Type.String({ minLength: 1 }))
  }, { additionalProperties: false })),
  services: Type.Optional(Type.Array(ServiceSchema)),
  routes: Type.Optional(Type.Array(TopLevelRouteSchema)),
  upstreams: Type.Optional(Type.Array(UpstreamSchema)),
  targets: Type.Optional(Type.Array(TopLevelTargetSchema)),
  certificates: Type.Optional(Type.Array(CertificateSchema)),
  snis: Type.Optional(Type.Array(TopLevelSniSchema)),
  ...looseFields(TOP_LEVEL_UNSUPPORTED_FIELDS),
  plugins: Type.Optional(Type.Array(PluginSchema)),
  consumers: Type.Optional(Type.Array(ConsumerSchema))
}, { additionalProperties: false })

export type ServiceInput = Static<typeof ServiceSchema>
export type NestedRouteInput = Static<typeof NestedRouteSchema>
export type TopLevelRouteInput = Static<typeof TopLevelRouteSchema>
export type PluginInput = Static<typeof PluginSchema>
export type ConsumerInput = Static<typeof ConsumerSchema>
export type KeyAuthCredentialInput = Static<typeof KeyAuthCredentialSchema>
export type BasicAuthCredentialInput = Static<typeof BasicAuthCredentialSchema>
export type JwtSecretInput = Static<typeof JwtSecretSchema>
export type AclInput = Static<typeof AclSchema>
export type DeclarativeInput = Static<typeof DeclarativeSchema>
