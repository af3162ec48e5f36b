import type { Socket } from 'node:net'

// The bytes of an upgraded connection (WebSocket), once the upstream's 101 was relayed: each side's
// bytes are piped to the other with backpressure (pipe pauses the reader while the writer's buffer
// is full), and whichever side ends or closes first ends the tunnel: the other side gets what was
// already written, then both sockets are closed. No byte is parsed: frames, pings and close
// frames pass through as they are (Kong OSS proxies WebSockets the same way, as nginx's tunnel).
//
// `idleMs` (the service's read_timeout, as nginx's proxy_read_timeout on an upgraded connection):
// no byte either way for that long closes both. Every byte of the tunnel goes through the upstream
// socket (read from it or written to it), so that socket's own idle timer is the tunnel's.

/**
 * Opens the tunnel. `clientHead`: bytes the client sent after its request head, before the 101
 * (read by the HTTP parser already). `closed` is called once, when both sockets are done.
 */
export function openTunnel (client: Socket, upstream: Socket, clientHead: Buffer, idleMs: number, closed: () => void): void {
  let ended = false
  const end = (): void => {
    if (ended) return
    ended = true
    // Flush what each side was sent, then close it; a side already gone is destroyed at once.
    endSocket(client)
    endSocket(upstream)
  }
  let open = 2
  const onClose = (): void => {
    end()
    if (--open === 0) closed()
  }
  client.on('close', onClose)
  upstream.on('close', onClose)
  client.on('end', end)
  upstream.on('end', end)
  // A reset or a write after the peer left: the tunnel just closes (nothing to answer any more).
  client.on('error', end)
  upstream.on('error', end)
  if (idleMs > 0) {
    upstream.setTimeout(idleMs)
    upstream.on('timeout', () => {
      client.destroy()
      upstream.destroy()
    })
  }
  if (clientHead.length > 0) upstream.write(clientHead)
  client.pipe(upstream, { end: false })
  upstream.pipe(client, { end: false })
  client.resume()
}

/** Flushes what `socket` was sent, then closes it (at once when it can no longer be written). */
export function endSocket (socket: Socket): void {
  if (socket.destroyed) return
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.end(() => socket.destroy())
}
