import { once } from 'node:events'
import type { AddressInfo, Server } from 'node:net'
import { GatewayError } from './errors.js'

// Listen addresses (`HOST:PORT`) and opening a listener on one. Shared by both planes, the demo
// upstream and the CLI. A listener that cannot open fails with a ListenError that names which
// listener it was, so the CLI can name the flag that sets it (the planes know nothing of flags).

export interface ListenAddress {
  host: string
  port: number
}

/** Every listener a process can open; the CLI maps each to its flag (src/cli/options.ts). */
export type ListenerName = 'proxy' | 'proxy TLS' | 'status' | 'admin' | 'cluster' | 'portal' | 'demo'

/** Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces). */
export function parseListenAddress (value: string, field: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim())
  const port = m === null ? NaN : Number(m[3])
  if (m === null || !(port >= 0 && port <= 65535)) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `${field}: expected HOST:PORT, got "${value}"`)
  }
  const host = m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2])
  return { host, port }
}

export function formatListenAddress (address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this machine',
  ENOTFOUND: 'host not found'
}

export class ListenError extends GatewayError {
  /** The errno code (EADDRINUSE, EACCES …), or undefined for another failure. */
  readonly errno: string | undefined
  /** The reason in words, without the address: `address already in use`. */
  readonly reason: string

  constructor (readonly listener: ListenerName, readonly address: ListenAddress, cause: Error) {
    const errno = (cause as NodeJS.ErrnoException).code
    const reason = (errno === undefined ? undefined : REASONS[errno]) ?? cause.message
    super('ATRIUM_ERR_LISTEN', `cannot open the ${listener} listener on ${formatListenAddress(address)}: ${reason}`, { cause })
    this.name = 'ListenError'
    this.errno = errno
    this.reason = reason
  }
}

/** Listens on `address`; resolves with the bound address, or rejects with a ListenError. */
export async function listenOn (server: Server, address: ListenAddress, listener: ListenerName): Promise<AddressInfo> {
  server.listen(address.port, address.host)
  try {
    await once(server, 'listening')
  } catch (err) {
    throw new ListenError(listener, address, err as Error)
  }
  return server.address() as AddressInfo
}
