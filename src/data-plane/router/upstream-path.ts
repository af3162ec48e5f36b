// The upstream request path, following Kong's `path_handling = v0` exactly (kong/runloop/handler.lua).
// upstream_base = service.path or "/"; request_postfix = request path minus the matched prefix.
// For a regex path the matched prefix is the whole regex match.

/**
 * service `/s`, route `/foo`, strip_path: `/foo/bar` → `/s/bar`, `/foo` → `/s`, `/foo/` → `/s/`,
 * `/foobar` → `/s/bar`.
 */
export function buildUpstreamPath (servicePath: string | null, stripPath: boolean, requestPath: string,
  matchedPrefix: string): string {
  const base = servicePath ?? '/'
  const postfix = stripPath ? requestPath.slice(matchedPrefix.length) : ''
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
