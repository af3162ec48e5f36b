// A markdown link checker: relative links must reach an existing file, and `#anchors` a heading
// of the target page, with GitHub's anchor rules (github-slugger): the heading's text as rendered
// (inline code keeps its content, markup goes), lower-cased, every character that is not a letter,
// mark, number, connector (`_`), `-` or space removed, each space turned into `-`; a repeated slug
// gets `-1`, `-2` … Pure functions: the caller reads the files.

import { posix } from 'node:path'

/** GitHub's slug of a heading's rendered text, without the duplicate suffix. */
export function githubSlug (text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-')
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

/** The text a heading's markdown renders to: code spans keep their content; links, images, HTML and emphasis markers go. */
export function headingText (markdown: string): string {
  const parts = markdown.split(/(`+)([\s\S]*?)\1/)
  let out = ''
  for (let i = 0; i < parts.length; i++) {
    if (i % 3 === 2) {
      // The inside of a code span: one leading and trailing space are stripped when both are there.
      const inner = parts[i]
      out += /^ .* $/.test(inner) && inner.trim() !== '' ? inner.slice(1, -1) : inner
    } else if (i % 3 === 0) {
      out += parts[i]
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/<[^>]+>/g, '')
        .replace(/\\([!-/:-@[-`{-~])/g, '$1')
        .replace(/&(\w+);/g, (m, name: string) => ENTITIES[name] ?? m)
        .replace(/\*+/g, '')
        .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1')
    }
  }
  return out.trim()
}

/** Lines outside fenced code blocks, with their line numbers (1-based). */
function proseLines (markdown: string): Array<{ line: number, text: string }> {
  const out: Array<{ line: number, text: string }> = []
  let fence: string | null = null
  markdown.split('\n').forEach((text, i) => {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(text)
    if (fence === null && m !== null) { fence = m[1]; return }
    if (fence !== null) {
      if (m !== null && m[1][0] === fence[0] && m[1].length >= fence.length && text.trim() === m[1]) fence = null
      return
    }
    out.push({ line: i + 1, text })
  })
  return out
}

/** Every anchor a page offers: its headings' slugs (with GitHub's duplicate suffixes) and explicit `id`/`name` attributes. */
export function pageAnchors (markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  const add = (heading: string): void => {
    const original = githubSlug(headingText(heading))
    let slug = original
    while (seen.has(slug)) {
      const n = (seen.get(original) ?? 0) + 1
      seen.set(original, n)
      slug = `${original}-${n}`
    }
    seen.set(slug, 0)
    anchors.add(slug)
  }
  const lines = proseLines(markdown)
  lines.forEach(({ text }, i) => {
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(text)
    if (atx !== null) { add(atx[1] ?? ''); return }
    const next = lines[i + 1]
    // Setext headings: a paragraph line underlined with === or --- (not a table or list line).
    if (next !== undefined && next.line === lines[i].line + 1 && /^ {0,3}(=+|-+)[ \t]*$/.test(next.text) &&
        text.trim() !== '' && !/^\s*([-*+]|\d+[.)]|>|\|)/.test(text) && !text.includes('|')) add(text)
  })
  for (const m of markdown.matchAll(/<a\s[^>]*(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(m[1])
  return anchors
}

export interface MarkdownLink {
  line: number
  target: string
}

/** Inline links and images `[text](target)` and reference definitions `[label]: target`, outside code. */
export function markdownLinks (markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = []
  for (const { line, text } of proseLines(markdown)) {
    const prose = text.replace(/(`+)[\s\S]*?\1/g, (m) => ' '.repeat(m.length))
    for (const m of prose.matchAll(/!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+("[^"]*"|'[^']*'))?\s*\)/g)) {
      links.push({ line, target: m[1].replace(/^<|>$/g, '') })
    }
    const def = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(prose)
    if (def !== null) links.push({ line, target: def[1].replace(/^<|>$/g, '') })
  }
  return links
}

export interface LinkProblem {
  file: string
  line: number
  target: string
  problem: string
}

export interface LinkCheckOptions {
  /** Whether a repository path (posix, relative to the root) is an existing file or folder. */
  exists: (path: string) => boolean
  /** The markdown of a repository path, for its anchors (only asked for `.md` targets that exist). */
  read: (path: string) => string
}

/** Problems with the links of one page (`file` is its repository path, posix). */
export function checkLinks (file: string, markdown: string, options: LinkCheckOptions): LinkProblem[] {
  const problems: LinkProblem[] = []
  const anchorCache = new Map<string, Set<string>>()
  const anchorsOf = (path: string): Set<string> => {
    let anchors = anchorCache.get(path)
    if (anchors === undefined) {
      anchors = pageAnchors(path === file ? markdown : options.read(path))
      anchorCache.set(path, anchors)
    }
    return anchors
  }
  for (const { line, target } of markdownLinks(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue
    const hash = target.indexOf('#')
    const rawPath = hash < 0 ? target : target.slice(0, hash)
    const anchor = hash < 0 ? null : target.slice(hash + 1)
    let path = file
    if (rawPath !== '') {
      let decoded: string
      try {
        decoded = decodeURIComponent(rawPath.replace(/\?.*$/, ''))
      } catch {
        problems.push({ file, line, target, problem: 'malformed percent-encoding' })
        continue
      }
      path = decoded.startsWith('/') ? posix.normalize(decoded.slice(1)) : posix.join(posix.dirname(file), decoded)
      path = path.replace(/\/$/, '')
      if (path.startsWith('..')) {
        problems.push({ file, line, target, problem: 'points outside the repository' })
        continue
      }
      if (!options.exists(path)) {
        problems.push({ file, line, target, problem: `no such file: ${path}` })
        continue
      }
    }
    if (anchor === null || anchor === '' || !path.endsWith('.md')) continue
    let wanted: string
    try {
      wanted = decodeURIComponent(anchor)
    } catch {
      problems.push({ file, line, target, problem: 'malformed percent-encoding' })
      continue
    }
    if (!anchorsOf(path).has(wanted)) problems.push({ file, line, target, problem: `no heading with anchor #${wanted} in ${path}` })
  }
  return problems
}
