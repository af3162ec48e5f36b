// The upstream request path, following Kong 3.9's `path_handling = v0` exactly
// (kong/router/atc.lua set_upstream_uri and kong/router/utils.lua get_upstream_uri_v0).
// upstream_base = service.path or "/"; request_prefix = the matched prefix, or "/" for a route that
// matched without a path (Kong's `match_t.prefix or "/"`); request_postfix = request path minus the
// prefix, sanitised (below). For a regex path the matched prefix is the whole regex match.

/**
 * Kong's sanitize_uri_postfix: after the prefix is stripped, a postfix that starts with a dot segment
 * (`/route../req` against `/route`) would reach the upstream as `/service/../req` and climb out of
 * the service path. The request path is already normalised (percent-encoded dots decoded, so `%2E%2e`
 * is `..` here), so checking for the literal `.`, `..`, `./`, `../` is enough.
 */
export function sanitizePostfix (postfix: string): string {
  if (postfix.charCodeAt(0) !== 0x2e) return postfix // fast path: no leading `.`
  if (postfix === '.' || postfix === '..') return ''
  if (postfix.startsWith('./')) return postfix.slice(2)
  if (postfix.startsWith('../')) return postfix.slice(3)
  return postfix
}

/**
 * service `/s`, route `/foo`, strip_path: `/foo/bar` → `/s/bar`, `/foo` → `/s`, `/foo/` → `/s/`,
 * `/foobar` → `/s/bar`, `/foo../bar` → `/s/bar`. `matchedPrefix` '' means the route matched without
 * a path (host-only, method-only…).
 */
export function buildUpstreamPath (servicePath: string | null, stripPath: boolean, requestPath: string,
  matchedPrefix: string): string {
  const base = servicePath ?? '/'
  const prefixLength = matchedPrefix === '' ? 1 : matchedPrefix.length
  const postfix = stripPath ? sanitizePostfix(requestPath.slice(prefixLength)) : ''
  const reqEndsWithSlash = requestPath.endsWith('/')
  if (base.endsWith('/')) {
    if (!stripPath) return base + requestPath.slice(1)
    if (postfix === '') {
      if (base === '/') return '/'
      return reqEndsWithSlash ? base : base.slice(0, -1)
    }
    return postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix
  }
  if (!stripPath) return requestPath === '/' ? base : base + requestPath
  if (postfix === '') return requestPath.length > 1 && reqEndsWithSlash ? base + '/' : base
  return postfix.startsWith('/') ? base + postfix : base + '/' + postfix
}
