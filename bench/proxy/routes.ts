import type { ConfigInput, RouteInput } from '../../test/support/gateway.js'

/**
 * A config with `count` routes over 10 services on the bench upstream: ~70% prefix paths, ~20% host +
 * prefix routes (exact and wildcard hosts), ~10% regex paths, some with method lists. `target` is a
 * request (path + Host) matched by one route in the middle of the list.
 */
export function manyRoutes (count: number, upstreamPort: number): { config: ConfigInput, target: { path: string, host: string } } {
  const services = Array.from({ length: 10 }, (_, i) => ({ name: `svc${i}`, host: '127.0.0.1', port: upstreamPort }))
  const routes: RouteInput[] = []
  for (let i = 0; i < count; i++) {
    const service = i % 10
    const methods = i % 3 === 0 ? ['GET', 'POST'] : []
    const kind = i % 10
    if (kind < 7) {
      routes.push({ name: `r${i}`, service, paths: [`/team${i % 97}/svc${i}/v${i % 3}`], methods })
    } else if (kind === 7) {
      routes.push({ name: `r${i}`, service, hosts: [`api${i}.example.com`], paths: [`/v1/items${i % 13}`], methods })
    } else if (kind === 8) {
      routes.push({ name: `r${i}`, service, hosts: [`*.tenant${i}.example.com`], paths: ['/'], methods })
    } else {
      routes.push({ name: `r${i}`, service, paths: [`~/r${i}/users/(?<id>\\d+)/orders$`], methods })
    }
  }
  const mid = Math.floor(count / 2) - (Math.floor(count / 2) % 10) + 3 // a prefix route
  return { config: { services, routes }, target: { path: `/team${mid % 97}/svc${mid}/v${mid % 3}/items?page=2`, host: 'gw.example.com' } }
}
