import { once } from 'node:events'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * A port on 127.0.0.1 that nothing listens on (bound, read, released): for a server that must come
 * back on a known address, or for a connection that must be refused.
 */
export async function freePort (): Promise<number> {
  const s = createServer()
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const port = (s.address() as AddressInfo).port
  s.close()
  await once(s, 'close')
  return port
}
