// Candidates bucketed by host, so a request only looks at routes that can match its Host:
// plain hosts in a Map (key = host as configured, `:port` included when configured), `*.x` hosts in a
// suffix Map keyed by `x` (looked up label by label), `x.*` hosts in a prefix Map keyed by `x`, and one
// bucket for routes without hosts. A configured `:port` stays on the key, so it only meets a request
// Host carrying that port.

import { GatewayError } from '../errors.js'

export const HOST_EXACT = 0
export const HOST_SUFFIX = 1
export const HOST_PREFIX = 2

export interface HostKey {
  kind: number
  key: string
}

/** `api.x.com[:p]` → exact; `*.x.com[:p]` → suffix `x.com[:p]`; `x.*[:p]` → prefix `x[:p]`. */
export function classifyHost (host: string, field: string): HostKey {
  const star = host.indexOf('*')
  if (star < 0) return { kind: HOST_EXACT, key: host }
  if (host.startsWith('*.') && host.indexOf('*', 1) < 0 && host.length > 2) {
    return { kind: HOST_SUFFIX, key: host.slice(2) }
  }
  const portAt = host.indexOf(':')
  const name = portAt < 0 ? host : host.slice(0, portAt)
  const port = portAt < 0 ? '' : host.slice(portAt)
  if (name.endsWith('.*') && star === name.length - 1 && name.length > 2) {
    return { kind: HOST_PREFIX, key: name.slice(0, -2) + port }
  }
  throw new GatewayError('ATRIUM_ERR_CONFIG_INVALID', `invalid wildcard host '${host}'`,
    { fields: [{ path: field, message: 'a wildcard host has one `*`, as its first or last label' }] })
}

export class HostIndex<B> {
  readonly exact = new Map<string, B>()
  readonly suffix = new Map<string, B>()
  readonly prefix = new Map<string, B>()

  constructor (readonly hostless: B, private readonly create: () => B) {}

  bucketFor (host: HostKey): B {
    const map = host.kind === HOST_EXACT ? this.exact : host.kind === HOST_SUFFIX ? this.suffix : this.prefix
    let bucket = map.get(host.key)
    if (bucket === undefined) {
      bucket = this.create()
      map.set(host.key, bucket)
    }
    return bucket
  }

  get hasHostBuckets (): boolean {
    return this.exact.size > 0 || this.suffix.size > 0 || this.prefix.size > 0
  }

  buckets (): B[] {
    return [this.hostless, ...this.exact.values(), ...this.suffix.values(), ...this.prefix.values()]
  }
}
