// Host rules: service hosts (hostname or IP) and route hosts (hostname with optional port and at
// most one wildcard label, `*.example.com` or `example.*`). Returned strings are error messages.

import { isIPv4, isIPv6 } from 'node:net'

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i

export function isHostname (name: string): boolean {
  if (name.length === 0 || name.length > 253) return false
  return name.split('.').every((label) => LABEL.test(label))
}

/** Splits `host[:port]`; IPv6 literals must be in brackets. */
export function splitHostPort (value: string): { host: string, port: number | null } | string {
  let host = value
  let portText: string | undefined
  if (value.startsWith('[')) {
    const m = /^\[([^\]]*)\](?::([^:]*))?$/.exec(value)
    if (m === null) return 'must be host[:port] (IPv6 addresses in brackets)'
    if (!isIPv6(m[1])) return `invalid IPv6 address "${m[1]}"`
    host = `[${m[1].toLowerCase()}]`
    portText = m[2]
  } else {
    const colon = value.indexOf(':')
    if (colon !== -1) {
      if (value.indexOf(':', colon + 1) !== -1) return 'IPv6 addresses must be written in brackets, e.g. [::1]:8080'
      host = value.slice(0, colon)
      portText = value.slice(colon + 1)
    }
  }
  if (portText === undefined) return { host, port: null }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN
  if (!(port >= 1 && port <= 65_535)) return `invalid port "${portText}" (must be between 1 and 65535)`
  return { host, port }
}

/** A service host: hostname, IPv4, or IPv6 with or without brackets. */
export function checkServiceHost (host: string): string | null {
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1)) ? null : 'must be a valid hostname or IP address'
  if (isIPv4(host) || isIPv6(host) || isHostname(host)) return null
  return 'must be a valid hostname or IP address'
}

/**
 * IPv6 literals are stored without brackets (as Kong does, and as `net.isIP` expects); whoever
 * builds an origin or a Host header adds them (see data-plane/proxy/upstreams.ts).
 */
export function normalizeServiceHost (host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  return isIPv6(bare) ? bare.toLowerCase() : host
}

/** A route host; the result is stored lower-cased. */
export function checkRouteHost (value: string): string | null {
  const split = splitHostPort(value)
  if (typeof split === 'string') return split
  const { host } = split
  if (host.startsWith('[')) return null
  const stars = host.split('*').length - 1
  if (stars === 0) return isIPv4(host) || isHostname(host) ? null : 'must be a valid hostname'
  if (stars > 1) return 'only one wildcard "*" is allowed'
  const labels = host.split('.')
  const first = labels[0] === '*'
  const last = labels[labels.length - 1] === '*'
  if (labels.length < 2 || (!first && !last)) return 'wildcard "*" must be the whole leftmost or rightmost label, e.g. *.example.com or example.*'
  const rest = (first ? labels.slice(1) : labels.slice(0, -1)).join('.')
  return isHostname(rest) ? null : 'must be a valid hostname'
}
