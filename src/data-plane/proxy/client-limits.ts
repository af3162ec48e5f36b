// How long the proxy waits on a client, per node (nginx's client_header_timeout,
// client_body_timeout, send_timeout and ssl_handshake_timeout; Kong keeps nginx's 60 s defaults).
// Each bounds a wait on the client alone: waiting for the upstream is the service's timeouts' job.

export interface ClientLimits {
  /** The request line and headers must arrive within this (ms), counted from the first byte of the request, or from the connection for its first request. */
  headerTimeoutMs: number
  /** Longest gap between two reads of a request body (ms), while the gateway is ready to read (not while the upstream holds it back). */
  bodyTimeoutMs: number
  /** Longest time a response may stay blocked because the client does not read it (ms). */
  sendTimeoutMs: number
  /** A TLS handshake must complete within this (ms). */
  tlsHandshakeTimeoutMs: number
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  headerTimeoutMs: 60_000,
  bodyTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
  tlsHandshakeTimeoutMs: 60_000
}
