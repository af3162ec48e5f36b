// Header rewriting between client and upstream. Hot path, change with care: each function walks the
// raw header list once and builds the outgoing flat `[name, value, …]` list (the form both undici and
// ServerResponse.writeHead accept without building an object). Hop-by-hop headers (RFC 9110 §7.6.1)
// are dropped both ways, plus any header the Connection header names.

const KEEP = 0
const DROP = 1
const XFF = 2
const CONTENT_LENGTH = 3
const CONNECTION = 4

/** Request headers the gateway drops or sets itself (lower-case name → action). */
const REQUEST_ACTIONS = new Map<string, number>([
  ['connection', CONNECTION],
  ['keep-alive', DROP],
  ['te', DROP],
  ['trailer', DROP],
  ['transfer-encoding', DROP],
  ['upgrade', DROP],
  // Node's server already answered `Expect: 100-continue`; undici refuses to send it.
  ['expect', DROP],
  ['host', DROP],
  ['x-forwarded-for', XFF],
  ['x-real-ip', DROP],
  ['x-forwarded-proto', DROP],
  ['x-forwarded-host', DROP],
  ['x-forwarded-port', DROP],
  ['x-forwarded-path', DROP],
  ['x-forwarded-prefix', DROP],
  ['content-length', CONTENT_LENGTH],
  // httpoxy (CVE-2016-5385): a client `Proxy` header would become HTTP_PROXY in a CGI-style upstream.
  // Kong clears it (kong/runloop/handler.lua). `Proxy-*` names go too, as hop-by-hop, below.
  ['proxy', DROP]
])

const RESPONSE_ACTIONS = new Map<string, number>([
  ['connection', CONNECTION],
  ['keep-alive', DROP],
  ['te', DROP],
  ['trailer', DROP],
  ['transfer-encoding', DROP],
  ['upgrade', DROP]
])

function isProxyHeader (lower: string): boolean {
  // 'proxy-…': p r o x y -
  return lower.length > 6 && lower.charCodeAt(0) === 112 && lower.startsWith('proxy-')
}

/** Names listed in a Connection header value, other than the keep-alive/close options; null if none. */
function connectionTokens (value: string, into: string[] | null): string[] | null {
  const lower = value.toLowerCase()
  if (lower === 'keep-alive' || lower === 'close') return into
  for (const part of lower.split(',')) {
    const token = part.trim()
    if (token === '' || token === 'keep-alive' || token === 'close') continue
    if (into === null) into = []
    into.push(token)
  }
  return into
}

/** Removes the pairs whose lower-cased name is in `names` (rare: only when Connection names headers). */
function dropNamed (list: string[], names: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < list.length; i += 2) {
    if (!names.includes(list[i].toLowerCase())) out.push(list[i], list[i + 1])
  }
  return out
}

/**
 * Upstream request headers from the client's raw headers (`req.rawHeaders`), with the gateway's own
 * Host and X-Forwarded-* values. Client values of X-Real-IP and X-Forwarded-* are replaced (no trusted
 * proxies), except X-Forwarded-For, which is appended to. `path` is the request path as received
 * (not normalised, no query), as Kong sends it. `prefix` is null when nothing was stripped.
 */
export function buildUpstreamRequestHeaders (
  raw: string[],
  host: string,
  clientAddress: string,
  proto: string,
  forwardedHost: string | null,
  port: number,
  path: string,
  prefix: string | null
): string[] {
  const out: string[] = []
  let xff: string | null = null
  let contentLength: string | null = null
  let named: string[] | null = null
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]
    const lower = name.toLowerCase()
    const action = REQUEST_ACTIONS.get(lower) ?? (isProxyHeader(lower) ? DROP : KEEP)
    if (action === KEEP) {
      out.push(name, raw[i + 1])
    } else if (action === XFF) {
      xff = xff === null ? raw[i + 1] : `${xff}, ${raw[i + 1]}`
    } else if (action === CONTENT_LENGTH) {
      if (contentLength === null) contentLength = raw[i + 1]
    } else if (action === CONNECTION) {
      named = connectionTokens(raw[i + 1], named)
    }
  }
  const result = named === null ? out : dropNamed(out, named)
  result.push(
    'host', host,
    'x-forwarded-for', xff === null ? clientAddress : `${xff}, ${clientAddress}`,
    'x-real-ip', clientAddress,
    'x-forwarded-proto', proto,
    'x-forwarded-port', String(port),
    'x-forwarded-path', path
  )
  if (forwardedHost !== null) result.push('x-forwarded-host', forwardedHost)
  if (prefix !== null) result.push('x-forwarded-prefix', prefix)
  if (contentLength !== null) result.push('content-length', contentLength)
  return result
}

/** Client response headers from undici's raw upstream headers, hop-by-hop removed. */
export function buildClientResponseHeaders (raw: Buffer[]): string[] {
  const out: string[] = []
  let named: string[] | null = null
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString('latin1')
    const lower = name.toLowerCase()
    const action = RESPONSE_ACTIONS.get(lower) ?? (isProxyHeader(lower) ? DROP : KEEP)
    if (action === KEEP) {
      out.push(name, raw[i + 1].toString('latin1'))
    } else if (action === CONNECTION) {
      named = connectionTokens(raw[i + 1].toString('latin1'), named)
    }
  }
  return named === null ? out : dropNamed(out, named)
}

/** The Host header value without its port, lower-cased (nginx's `$host`), or null when absent. */
export function hostWithoutPort (host: string | undefined): string | null {
  if (host === undefined || host === '') return null
  let end = host.length
  if (host.charCodeAt(0) === 91) { // '[' IPv6 literal
    const close = host.indexOf(']')
    if (close !== -1) end = close + 1
  } else {
    const colon = host.indexOf(':')
    if (colon !== -1) end = colon
  }
  return (end === host.length ? host : host.slice(0, end)).toLowerCase()
}

/** Client address as Kong reports it: IPv4-mapped IPv6 addresses in dotted form. */
export function clientAddressOf (remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return ''
  return remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.') ? remoteAddress.slice(7) : remoteAddress
}
