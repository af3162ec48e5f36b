import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'

// Markdown → HTML for the portal. marked renders (raw HTML in the markdown passes through it), then
// sanitize-html keeps only an allowlist: no script, style, iframe or form elements, no event
// handler or style attributes, links and images only to http(s), mailto and relative URLs, so no
// `javascript:` or `data:` URL survives. The page's CSP (script-src 'self') is the second wall.

const marked = new Marked({ gfm: true, async: false })

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'kbd', 'samp',
    'em', 'strong', 'del', 's', 'sup', 'sub', 'a', 'img', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'input', 'details', 'summary', 'span', 'div'
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    code: ['class'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    input: ['type', 'checked', 'disabled']
  },
  allowedClasses: { code: [/^language-[A-Za-z0-9_+-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // GFM task lists render <input type="checkbox" disabled>; nothing else may be an input.
  exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type !== 'checkbox',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow' } }),
    input: (tagName, attribs) => ({ tagName, attribs: { ...attribs, disabled: '' } })
  }
}
SANITIZE.allowedAttributes = { ...SANITIZE.allowedAttributes, a: ['href', 'title', 'rel'] }

export function renderMarkdown (text: string): string {
  const rendered = marked.parse(text) as string
  return sanitizeHtml(rendered, SANITIZE)
}
