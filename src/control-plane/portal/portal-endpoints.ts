import { readablePath } from './readable-path.js'

// Where a consumer sends requests for one route, as the portal's "Reachable at" shows it. The base
// is the runtime group's public_url when set (the address the group's proxy is published at);
// a route bound to hosts that base does not serve is shown on those hosts, with the base's scheme,
// port and path. Without a public_url: `scheme://host` for routes with hosts, the path alone for
// routes on any host (a consumer completes it with the address they were given).

export interface PortalEndpoint {
  methods: string[]
  /** `https://api.example.com/payments/{id}`; for a pattern with no template, the base alone. */
  url: string
  /** The raw regex when it has no readable template (shown as "paths matching"), else null. */
  pattern: string | null
}

function hostMatches (pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1))
  if (pattern.endsWith('.*')) return host.startsWith(pattern.slice(0, -1))
  return pattern === host
}

function bases (route: Record<string, unknown>, publicUrl: string | null): string[] {
  const hosts = Array.isArray(route.hosts) ? (route.hosts as string[]).map((h) => h.toLowerCase()) : []
  if (publicUrl !== null) {
    const u = new URL(publicUrl)
    const path = u.pathname.replace(/\/+$/, '')
    if (hosts.length === 0 || hosts.some((h) => hostMatches(h, u.hostname))) return [`${u.protocol}//${u.host}${path}`]
    return hosts.map((h) => `${u.protocol}//${h}${u.port === '' ? '' : `:${u.port}`}${path}`)
  }
  const protocols = Array.isArray(route.protocols) ? route.protocols as string[] : ['http', 'https']
  const scheme = protocols.includes('https') ? 'https' : 'http'
  return hosts.length === 0 ? [''] : hosts.map((h) => `${scheme}://${h}`)
}

/** One endpoint per (host, path) of `route` (a gateway route row). */
export function routeEndpoints (route: Record<string, unknown>, publicUrl: string | null): PortalEndpoint[] {
  const methods = Array.isArray(route.methods) ? route.methods as string[] : []
  const paths = Array.isArray(route.paths) && route.paths.length > 0 ? route.paths as string[] : ['/']
  return bases(route, publicUrl).flatMap((base) => paths.map((path): PortalEndpoint => {
    if (!path.startsWith('~')) return { methods, url: base + path, pattern: null }
    const readable = readablePath(path)
    return readable === null ? { methods, url: base, pattern: path.slice(1) } : { methods, url: base + readable, pattern: null }
  }))
}
