/**
 * The raw value of cookie `name` in a Cookie header (the first one of that name), as nginx's
 * `$cookie_<name>`; undefined when absent. Shared by the jwt plugin and upstream hashing.
 */
export function cookieValue (header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq >= 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim()
  }
  return undefined
}
