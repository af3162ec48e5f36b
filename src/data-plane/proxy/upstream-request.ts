import type { IncomingMessage } from 'node:http'

export const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'])

/** The options object handed to undici, one per request, reused for retries. */
export class UpstreamRequestOptions {
  readonly path: string
  readonly method: string
  readonly headers: string[]
  /** The client's request streamed, a body the plugin runner holds in memory, or none. */
  readonly body: IncomingMessage | Buffer | null
  readonly headersTimeout: number
  readonly bodyTimeout: number
  /** Not in undici's typings but honoured: keeps SNI = service host even when the Host is preserved. */
  servername: string | undefined
  readonly idempotent: boolean
  /** `websocket` for a WebSocket handshake: undici sends Connection/Upgrade and hands over the socket at the 101. */
  upgrade: 'websocket' | null = null

  constructor (path: string, method: string, headers: string[], body: IncomingMessage | Buffer | null, readTimeout: number, servername: string | null, idempotent: boolean) {
    this.path = path
    this.method = method
    this.headers = headers
    this.body = body
    this.headersTimeout = readTimeout
    this.bodyTimeout = readTimeout
    this.servername = servername ?? undefined
    this.idempotent = idempotent
  }

  /**
   * A balanced service's attempt on another target: its SNI, and the Host `from` (what was sent so
   * far; null when the route preserves the client's Host) becomes `to`. A Host a plugin set to
   * something else is left alone.
   */
  retarget (servername: string | null, from: string | null, to: string): void {
    this.servername = servername ?? undefined
    if (from === null) return
    const h = this.headers
    for (let i = 0; i < h.length; i += 2) {
      if (h[i] === 'host' && h[i + 1] === from) { h[i + 1] = to; return }
    }
  }

  /** The same request with another target, method, header list and body (what the plugins edited). */
  edited (path: string, method: string, headers: string[], body: IncomingMessage | Buffer | null): UpstreamRequestOptions {
    const opts = new UpstreamRequestOptions(path, method, headers, body, this.headersTimeout, this.servername ?? null,
      method === this.method ? this.idempotent : IDEMPOTENT.has(method))
    opts.upgrade = this.upgrade
    return opts
  }
}
