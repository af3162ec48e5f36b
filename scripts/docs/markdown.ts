// Small pure helpers for writing GitHub-flavoured markdown: code spans, table cells, tables, and
// generated regions inside hand-written pages. Used by the docs generator and its tests.

/** A code span for a table cell holding `text` exactly (a fence longer than any backtick run inside it). */
export function codeCell (text: string): string {
  const flat = text.replace(/\r?\n/g, ' ')
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  // CommonMark strips one space at each end when both are there; pad when the text has backticks
  // at an end (or starts and ends with a space, which would otherwise be stripped).
  const pad = longest > 0 || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '')
  const inner = pad ? ` ${flat} ` : flat
  // Inside a table a `|` ends the cell even within a code span; GitHub renders `\|` as `|` there.
  return (fence + inner + fence).replace(/\|/g, '\\|')
}

/**
 * Prose for a table cell: code spans are kept as written; outside them `|`, `<` and `*` are escaped
 * so a schema description renders as the text it is (no cell breaks, HTML tags or emphasis).
 */
export function cell (text: string): string {
  const flat = text.replace(/\r?\n/g, ' ')
  const parts = flat.split(/(`+[^`]*?`+)/)
  return parts.map((part, i) => {
    if (i % 2 === 1) return part.replace(/\|/g, '\\|')
    return part.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\*/g, '\\*')
  }).join('')
}

/** A GFM table; cells must already be escaped (see `cell` and `codeCell`). */
export function table (headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')
}

export function startMarker (region: string): string {
  return `<!-- generated:${region} start -->`
}

export function endMarker (region: string): string {
  return `<!-- generated:${region} end -->`
}

/**
 * `doc` with the text between the region's markers replaced by `content` (markers kept, one
 * newline on each side). Throws when the markers are missing, repeated or out of order, so a page
 * that lost its markers fails loudly instead of silently not being generated.
 */
export function replaceRegion (doc: string, region: string, content: string): string {
  const start = startMarker(region)
  const end = endMarker(region)
  const s = doc.indexOf(start)
  const e = doc.indexOf(end)
  if (s < 0 || e < 0) throw new Error(`no ${start} … ${end} markers`)
  if (doc.indexOf(start, s + 1) >= 0 || doc.indexOf(end, e + 1) >= 0) throw new Error(`the ${region} markers appear more than once`)
  if (e < s) throw new Error(`${end} comes before ${start}`)
  return doc.slice(0, s + start.length) + '\n' + content.replace(/\n+$/, '') + '\n' + doc.slice(e)
}
