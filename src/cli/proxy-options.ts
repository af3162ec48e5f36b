import type { ClientLimits } from '../data-plane/proxy/client-limits.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'

/**
 * The proxy listeners' client timeouts, the upstream pools' connection cap and the route debug
 * headers (`atrium data-plane`, `atrium start`).
 */
export function proxyLimitOptions (line: CommandLine): { clientLimits: ClientLimits, upstreamMaxConnections: number, routeDebug: { header: string, token: string | null } | null } {
  const header = readOption(line, OPTIONS.routeDebugHeader)
  return {
    routeDebug: header === undefined || header === '' ? null : { header, token: readOption(line, OPTIONS.routeDebugToken) ?? null },
    clientLimits: {
      headerTimeoutMs: readOption(line, OPTIONS.clientHeaderTimeout),
      bodyTimeoutMs: readOption(line, OPTIONS.clientBodyTimeout),
      sendTimeoutMs: readOption(line, OPTIONS.clientSendTimeout),
      tlsHandshakeTimeoutMs: readOption(line, OPTIONS.tlsHandshakeTimeout)
    },
    upstreamMaxConnections: readOption(line, OPTIONS.upstreamMaxConnections)
  }
}
