// Path rules shared by service paths, prefix route paths and service URLs, plus Kong's migration of
// pre-3.0 route paths (paths that look like regexes get the `~` prefix Kong 3.x requires).

const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/

/** Rules for a literal path (already known to start with `/`); returns an error message or null. */
export function checkLiteralPath (path: string): string | null {
  if (CONTROL_OR_SPACE.test(path)) return 'must not contain spaces or control characters'
  if (path.includes('?') || path.includes('#')) return 'must not contain "?" or "#"'
  if (BAD_PERCENT.test(path)) return 'has an invalid percent-encoding ("%" must be followed by two hex digits)'
  return null
}

// kong/db/declarative/migrations/route_path.lua: a path made only of these characters is a plain
// prefix; anything else was a regex in format versions before 3.0.
const LEGACY_PLAIN_PATH = /^[a-zA-Z0-9.\-_~/%]*$/

/** The path as Kong 3.x reads it: unchanged for format 3.0, `~`-prefixed legacy regex paths otherwise. */
export function effectiveRoutePath (path: string, legacy: boolean): string {
  if (!legacy || LEGACY_PLAIN_PATH.test(path)) return path
  return `~${path}`
}
