import type { ClientLimits } from '../data-plane/proxy/client-limits.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'

/** The proxy listeners' client timeouts and the upstream pools' connection cap (`atrium data-plane`, `atrium start`). */
export function proxyLimitOptions (line: CommandLine): { clientLimits: ClientLimits, upstreamMaxConnections: number } {
  return {
    clientLimits: {
      headerTimeoutMs: readOption(line, OPTIONS.clientHeaderTimeout),
      bodyTimeoutMs: readOption(line, OPTIONS.clientBodyTimeout),
      sendTimeoutMs: readOption(line, OPTIONS.clientSendTimeout),
      tlsHandshakeTimeoutMs: readOption(line, OPTIONS.tlsHandshakeTimeout)
    },
    upstreamMaxConnections: readOption(line, OPTIONS.upstreamMaxConnections)
  }
}
