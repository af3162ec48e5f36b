import { GatewayError } from '../errors.js'

export interface ListenAddress {
  host: string
  port: number
}

/** Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces). */
export function parseListenAddress (value: string, field: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim())
  const port = m === null ? NaN : Number(m[3])
  if (m === null || !(port >= 0 && port <= 65535)) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `${field}: expected HOST:PORT, got "${value}"`, {
      fields: [{ path: field, message: 'expected HOST:PORT' }]
    })
  }
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2])
  return { host, port }
}

export function formatListenAddress (address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}
