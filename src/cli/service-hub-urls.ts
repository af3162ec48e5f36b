import type { AddressInfo } from 'node:net'
import type { Logger } from '../log.js'
import type { ControlPlane } from '../control-plane/control-plane.js'

// The URLs a person opens once a control plane listens: the Service Hub UI on the admin listener and
// the Dev Portal on its own. Built from the actual addresses (port 0 resolved); a wildcard address
// (0.0.0.0, ::) is shown as loopback, which always reaches it from this machine.

export function listenerUrl (address: AddressInfo, path: string): string {
  const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}${path}`
}

/** One info line per URL: 'service hub ui' and, with a portal listener, 'dev portal'. */
export function logServiceHubUrls (log: Logger, cp: ControlPlane): void {
  log.info({ url: listenerUrl(cp.adminAddress, '/ui/') }, 'service hub ui')
  if (cp.portalAddress !== null) log.info({ url: listenerUrl(cp.portalAddress, '/') }, 'dev portal')
}
