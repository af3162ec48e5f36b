import type { Socket } from 'node:net'

/** nginx's lingering_timeout: a closing connection that sends nothing for this long is dropped. */
const LINGERING_TIMEOUT_MS = 5_000
/** nginx's lingering_time: the longest a closing connection is read and discarded. */
const LINGERING_TIME_MS = 30_000

/**
 * Makes `socket` close the way nginx's `lingering_close` does. Node's server ends a
 * `Connection: close` response with `socket.destroySoon()`: the fd closes right after the response,
 * and a request body the client is still sending (an early 413, an upstream error mid-upload) makes
 * the kernel answer with a reset, which can reach the client before it has read the response — the
 * client sees ECONNRESET/EPIPE instead of the gateway's answer. Here the write side is ended (FIN)
 * and whatever the client still sends is read and discarded (Node's parser drops the rest of a
 * dumped request) until the client closes, stays quiet for 5 s, or 30 s have passed.
 */
export function lingerOnClose (socket: Socket): void {
  socket.destroySoon = lingeringDestroySoon
}

function lingeringDestroySoon (this: Socket): void {
  if (this.writable) this.end()
  if (this.readableEnded || this.destroyed) {
    this.destroy()
    return
  }
  const drop = (): void => { this.destroy() }
  const cap = setTimeout(drop, LINGERING_TIME_MS)
  cap.unref()
  this.setTimeout(LINGERING_TIMEOUT_MS, drop)
  this.once('end', drop)
  this.once('close', () => clearTimeout(cap))
  this.resume()
}
