// The request headers route header criteria look at. Node's parser folds repeated header lines into
// one comma-joined value for most names, but keeps only the first line for some (`Location`,
// `User-Agent`, `Authorization`, `Host`, … : Node's discard list), so `req.headers` can hide the line
// a route asks for. Kong (nginx) sees every line. So when some route has header criteria (decided at
// compile time: `Router.headerNames` is non-null), the proxy reads those names from `req.rawHeaders`
// instead; a configuration without header criteria never pays for this.

import type { IncomingHttpHeaders } from 'node:http'

/**
 * hot path, change with care (only for configurations with header criteria): one pass over the raw
 * list; a name seen once keeps its string, a repeated one gets every line, in order, as an array.
 */
export function collectMatchHeaders (raw: readonly string[], names: ReadonlySet<string>): IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {}
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase()
    if (!names.has(name)) continue
    const value = raw[i + 1]
    const seen = out[name]
    if (seen === undefined) out[name] = value
    else if (typeof seen === 'string') out[name] = [seen, value]
    else seen.push(value)
  }
  return out as IncomingHttpHeaders
}

/** The header names some route matches on, or null when no route has header criteria. */
export function headerNamesOf (routes: ReadonlyArray<{ headers: Record<string, string[]> }>): ReadonlySet<string> | null {
  const names = new Set<string>()
  for (const route of routes) for (const name of Object.keys(route.headers)) names.add(name)
  return names.size === 0 ? null : names
}
