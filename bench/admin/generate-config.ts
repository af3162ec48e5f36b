// A realistic Kong 3.0 declarative config for the Admin API benchmark: `services` services of
// `routesPerService` nested routes each (1k / 10k by default), spread over teams. Routes: ~85% prefix
// paths, ~15% regex (`~` paths, some with named groups), 25% with hosts (plain and wildcard), 30%
// with method lists, 10% with header conditions, tags everywhere; a few consumers and plugins at
// service, route and global scope. Deterministic for a seed, so runs compare.
// Run directly to write one: node dist/bench/admin/generate-config.js [FILE]   (JSON; stdout without FILE)

import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface GenerateOptions {
  services?: number
  routesPerService?: number
  seed?: number
}

function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => { a = (a * 1664525 + 1013904223) >>> 0; return a / 4294967296 }
}

const RESOURCES = ['orders', 'users', 'items', 'invoices', 'carts', 'payments', 'reports', 'sessions']
const TEAMS = 40

function route (rnd: () => number, s: number, r: number, team: string): Record<string, unknown> {
  const resource = RESOURCES[(s + r) % RESOURCES.length]
  const roll = rnd()
  const paths = roll < 0.08
    ? [`~/${team}/svc${s}/${resource}/(?<id>\\d+)$`]
    : roll < 0.15
      ? [`~/v\\d+/svc${s}/${resource}${r}/[a-z0-9-]+`]
      : rnd() < 0.2 ? [`/${team}/svc${s}/v1/${resource}${r}`, `/${team}/svc${s}/v2/${resource}${r}`] : [`/${team}/svc${s}/v1/${resource}${r}`]
  const out: Record<string, unknown> = { name: `svc${s}-r${r}`, paths, strip_path: rnd() < 0.7, tags: [team, `svc${s}`] }
  const hostRoll = rnd()
  if (hostRoll < 0.15) out.hosts = [`api${s % 50}.example.com`]
  else if (hostRoll < 0.25) out.hosts = [`*.${team}.example.com`, `${team}.example.org`]
  if (rnd() < 0.3) out.methods = rnd() < 0.5 ? ['GET', 'HEAD'] : ['GET', 'POST', 'PUT', 'DELETE']
  if (rnd() < 0.1) out.headers = { 'x-api-version': ['v1', 'v2'] }
  if (rnd() < 0.05) out.preserve_host = true
  if (roll < 0.15) out.regex_priority = Math.floor(rnd() * 10)
  return out
}

export function generateConfig (options: GenerateOptions = {}): Record<string, unknown> {
  const serviceCount = options.services ?? 1000
  const perService = options.routesPerService ?? 10
  const rnd = prng(options.seed ?? 42)
  const services: Array<Record<string, unknown>> = []
  for (let s = 0; s < serviceCount; s++) {
    const team = `team${s % TEAMS}`
    const service: Record<string, unknown> = {
      name: `${team}-svc${s}`,
      protocol: rnd() < 0.8 ? 'http' : 'https',
      host: `svc${s}.${team}.internal`,
      port: rnd() < 0.5 ? 80 : 8080,
      tags: [team, rnd() < 0.5 ? 'tier-1' : 'tier-2']
    }
    if (rnd() < 0.4) service.path = `/api/v${1 + (s % 3)}`
    if (rnd() < 0.3) { service.connect_timeout = 2000; service.read_timeout = 30000; service.retries = 3 }
    service.routes = Array.from({ length: perService }, (_, r) => route(rnd, s, r, team))
    services.push(service)
  }
  const consumers = Array.from({ length: 100 }, (_, i) => ({ username: `client-${i}`, custom_id: `c${i}`, tags: [`team${i % TEAMS}`] }))
  const plugins: Array<Record<string, unknown>> = [
    { name: 'correlation-id', config: { header_name: 'x-request-id' } },
    { name: 'prometheus' }
  ]
  for (let s = 0; s < serviceCount; s += 10) {
    plugins.push({ name: 'rate-limiting', service: services[s].name, config: { minute: 600, policy: 'local' } })
    plugins.push({ name: 'key-auth', route: `svc${s}-r0` })
  }
  return { _format_version: '3.0', services, consumers, plugins }
}

/** Routes in a generated document. */
export function routeCount (doc: Record<string, unknown>): number {
  return (doc.services as Array<{ routes: unknown[] }>).reduce((n, s) => n + s.routes.length, 0)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = JSON.stringify(generateConfig())
  if (process.argv[2] === undefined) process.stdout.write(text + '\n')
  else writeFileSync(process.argv[2], text)
}
