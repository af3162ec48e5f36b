// Kong's transformer plugins configure edits as "name:value" strings. Kong splits them with
// `^([^:]+):*(.-)$`: the name runs to the first colon, every colon after it is skipped, the rest is
// the value ("a::b" is a → b). Done once per config in `configure`, never per request.

export interface ColonPair {
  name: string
  value: string
}

export function splitColonPair (entry: string): ColonPair {
  const colon = entry.indexOf(':')
  if (colon < 0) return { name: entry, value: '' }
  let v = colon + 1
  while (entry.charCodeAt(v) === 58 /* : */) v++
  return { name: entry.slice(0, colon), value: entry.slice(v) }
}

/** True when a content type names JSON the way Kong's transformers test it (a substring, any case). */
export function isJsonContentType (contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.toLowerCase().includes('application/json')
}
