// Valid document → GatewayConfig. Runs only after every check passed, so shapes are trusted here.
// Defaults come from schema.ts; routes are flattened (nested first, then top-level) and point at
// their service by index. Disabled services and their routes are left out, with the plugins scoped
// to them. Plugins and consumers: normalize-plugins.ts.

import { normalizeServiceHost } from './hosts.js'
import { routeSniName } from './route-snis.js'
import { effectiveRoutePath } from './path-rules.js'
import { collectRoutes, collectServices, type RouteEntry } from './entities.js'
import { resolveServiceRef } from './references.js'
import { ROUTE_DEFAULTS, SERVICE_DEFAULTS, type DeclarativeInput, type NestedRouteInput, type ServiceInput } from './schema.js'
import { defaultPort, parseServiceUrl, type ServiceTarget } from './service-url.js'
import { isLegacyFormat } from './check-document.js'
import { normalizeConsumers, normalizePlugins } from './normalize-plugins.js'
import { normalizeCertificates } from './normalize-certificates.js'
import { normalizeUpstreams } from './normalize-upstreams.js'
import type { GatewayConfig, RouteConfig, ServiceConfig, UpstreamProtocol } from '../gateway-config.js'

export function normalizeDocument (doc: DeclarativeInput): GatewayConfig {
  const raw = doc as unknown as Record<string, unknown>
  const entries = collectServices(raw)
  const services: ServiceConfig[] = []
  const upstreams = normalizeUpstreams(raw)
  // A service whose host names an upstream is balanced over its targets (names compare as hostnames).
  const upstreamByName = new Map(upstreams.map((u, i) => [u.name.toLowerCase(), i]))
  // Original service index → index in GatewayConfig.services, or -1 when disabled.
  const remap = entries.map(({ service }) => {
    const input = service as ServiceInput
    if (input.enabled === false) return -1
    services.push(normalizeService(input, (host) => upstreamByName.get(host.toLowerCase())))
    return services.length - 1
  })
  const legacy = isLegacyFormat(raw)
  const routes: RouteConfig[] = []
  // Position in collectRoutes → index in GatewayConfig.routes, or -1 when its service is disabled.
  const routeRemap = collectRoutes(raw).map((entry) => {
    const owner = ownerOf(entry, entries)
    const target = owner === null ? null : remap[owner]
    if (target === -1) return -1
    routes.push(normalizeRoute(entry.route as NestedRouteInput, target, legacy))
    return routes.length - 1
  })
  const consumers = normalizeConsumers(raw)
  const plugins = normalizePlugins(raw, { services: remap, routes: routeRemap })
  // Keys in sorted order (config-hash.ts); plugins and consumers only when there are some.
  const certificates = normalizeCertificates(raw)
  const config: Partial<GatewayConfig> = {}
  if (certificates.length > 0) config.certificates = certificates
  if (consumers.length > 0) config.consumers = consumers
  if (plugins.length > 0) config.plugins = plugins
  config.routes = routes
  config.services = services
  if (upstreams.length > 0) config.upstreams = upstreams
  return config as GatewayConfig
}

/** The route's service (original index), or null for a top-level route without one. */
function ownerOf (entry: RouteEntry, services: ReturnType<typeof collectServices>): number | null {
  if (entry.owner !== null) return entry.owner
  if (entry.route.service === undefined) return null
  const ref = resolveServiceRef(entry.route.service, entry.path, services)
  if (!ref.ok) throw new Error(`unresolved service reference at ${ref.path}`) // checks ran first
  return ref.index
}

function target (s: ServiceInput): ServiceTarget {
  if (s.url !== undefined) {
    const parsed = parseServiceUrl(s.url)
    if (!parsed.ok) throw new Error(`invalid url: ${parsed.message}`) // checks ran first
    return parsed.target
  }
  // Other Kong protocols were rejected by check-unsupported.ts.
  const protocol = (s.protocol ?? SERVICE_DEFAULTS.protocol) as UpstreamProtocol
  return {
    protocol,
    host: normalizeServiceHost(s.host as string),
    port: s.port ?? defaultPort(protocol),
    path: s.path ?? null
  }
}

function normalizeService (s: ServiceInput, upstreamOf: (host: string) => number | undefined): ServiceConfig {
  const t = target(s)
  const upstream = upstreamOf(t.host)
  // Keys in sorted order: the config's JSON is then canonical as built (config-hash.ts).
  return {
    connect_timeout: s.connect_timeout ?? SERVICE_DEFAULTS.timeout,
    host: t.host,
    id: s.id?.toLowerCase() ?? null,
    // Absent when not set, so configs without it keep their hash.
    ...(typeof s.max_connections === 'number' ? { max_connections: s.max_connections } : {}),
    name: s.name ?? null,
    path: t.path,
    port: t.port,
    protocol: t.protocol,
    read_timeout: s.read_timeout ?? SERVICE_DEFAULTS.timeout,
    retries: s.retries ?? SERVICE_DEFAULTS.retries,
    tags: [...(s.tags ?? [])],
    tls_verify: s.tls_verify ?? SERVICE_DEFAULTS.tls_verify,
    ...(upstream === undefined ? {} : { upstream }),
    write_timeout: s.write_timeout ?? SERVICE_DEFAULTS.timeout
  }
}

function normalizeRoute (r: NestedRouteInput, service: number | null, legacy: boolean): RouteConfig {
  const headers: Record<string, string[]> = {}
  for (const name of Object.keys(r.headers ?? {}).sort((a, b) => compareKeys(a.toLowerCase(), b.toLowerCase()))) {
    headers[name.toLowerCase()] = (r.headers as Record<string, string[]>)[name].map((v) => v.toLowerCase())
  }
  // Keys in sorted order, header names too: see normalizeService.
  const redirect = r.https_redirect_status_code
  // Kong's `set` drops repeated names.
  const snis = [...new Set((r.snis ?? []).map(routeSniName))]
  return {
    headers,
    hosts: (r.hosts ?? []).map((h) => h.toLowerCase()),
    ...(redirect === undefined || redirect === 426 ? {} : { https_redirect_status_code: redirect }),
    id: r.id?.toLowerCase() ?? null,
    methods: [...(r.methods ?? [])],
    name: r.name ?? null,
    paths: (r.paths ?? []).map((p) => effectiveRoutePath(p, legacy)),
    preserve_host: r.preserve_host ?? ROUTE_DEFAULTS.preserve_host,
    protocols: r.protocols === undefined ? [...ROUTE_DEFAULTS.protocols] : [...r.protocols] as RouteConfig['protocols'],
    regex_priority: r.regex_priority ?? ROUTE_DEFAULTS.regex_priority,
    service,
    ...(snis.length === 0 ? {} : { snis }),
    strip_path: r.strip_path ?? ROUTE_DEFAULTS.strip_path,
    tags: [...(r.tags ?? [])]
  }
}

/** The order Array.prototype.sort gives strings (UTF-16 code units), which canonicalJson uses. */
function compareKeys (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
