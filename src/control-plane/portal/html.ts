// HTML built by hand, escaped by default: every value interpolated into `html` is escaped unless it
// is a `SafeHtml` (made only by `html` itself, or by `trustedHtml` for the sanitiser's output).

export class SafeHtml {
  constructor (readonly value: string) {}
  toString (): string { return this.value }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c])
}

type Part = SafeHtml | string | number | null | undefined | false | readonly Part[]

function render (part: Part): string {
  if (part === null || part === undefined || part === false) return ''
  if (part instanceof SafeHtml) return part.value
  if (Array.isArray(part)) return part.map(render).join('')
  return escapeHtml(String(part))
}

/** Tagged template: `html\`<a href="${url}">${name}</a>\`` escapes url and name. */
export function html (strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0]
  values.forEach((v, i) => { out += render(v) + strings[i + 1] })
  return new SafeHtml(out)
}

/** Marks already-sanitised HTML (the markdown renderer's output) as safe to insert. */
export function trustedHtml (sanitised: string): SafeHtml {
  return new SafeHtml(sanitised)
}

/** A path segment for links (`/packages/${seg(slug)}`). */
export function seg (value: string): string {
  return encodeURIComponent(value)
}

export function layout (title: string, body: SafeHtml, options: { scripts?: string[], styles?: string[] } = {}): string {
  return '<!doctype html>\n' + html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Atrium Dev Portal</title>
<link rel="stylesheet" href="/assets/portal.css">
${(options.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
</head>
<body>
<header class="top"><a class="brand" href="/">Atrium Dev Portal</a></header>
<main>
${body}
</main>
${(options.scripts ?? []).map((src) => html`<script src="${src}"></script>`)}
</body>
</html>
`.value
}
