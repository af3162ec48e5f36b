// `url: http(s)://host[:port][/path]`, split into the fields a service would otherwise carry.

import { checkServiceHost, normalizeServiceHost, splitHostPort } from './hosts.js'
import { checkLiteralPath } from './path-rules.js'
import type { UpstreamProtocol } from '../gateway-config.js'

export interface ServiceTarget {
  protocol: UpstreamProtocol
  host: string
  port: number
  path: string | null
}

const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/

export function defaultPort (protocol: UpstreamProtocol): number {
  return protocol === 'https' ? 443 : 80
}

export function parseServiceUrl (url: string): { ok: true, target: ServiceTarget } | { ok: false, message: string } {
  const m = URL_PARTS.exec(url)
  if (m === null) return { ok: false, message: 'must be a URL like http://host[:port][/path]' }
  const [, scheme, authority, path, query, fragment] = m
  const protocol = scheme.toLowerCase()
  if (protocol !== 'http' && protocol !== 'https') return { ok: false, message: `protocol must be http or https, not "${scheme}"` }
  if (query !== undefined || fragment !== undefined) return { ok: false, message: 'must not contain a query or fragment' }
  if (authority.includes('@')) return { ok: false, message: 'must not contain credentials' }
  if (authority === '') return { ok: false, message: 'must contain a host' }
  const split = splitHostPort(authority)
  if (typeof split === 'string') return { ok: false, message: split }
  const hostError = checkServiceHost(split.host)
  if (hostError !== null) return { ok: false, message: `host ${hostError}` }
  if (path !== '') {
    const pathError = checkLiteralPath(path)
    if (pathError !== null) return { ok: false, message: `path ${pathError}` }
  }
  return {
    ok: true,
    target: {
      protocol,
      host: normalizeServiceHost(split.host),
      port: split.port ?? defaultPort(protocol),
      path: path === '' ? null : path
    }
  }
}
