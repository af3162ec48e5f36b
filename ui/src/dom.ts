// DOM building without innerHTML: every value from the API becomes a text node or an attribute
// set through the DOM, so nothing it contains is ever parsed as markup.

type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | boolean | ((ev: Event) => void) | undefined>

export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v)
    else if (v === true) el.setAttribute(k, '')
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = v
    else el.setAttribute(k, v)
  }
  append(el, ...children)
  return el
}

export function append (el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    el.append(c instanceof Node ? c : String(c))
  }
}

export function clear (el: Element): void {
  el.replaceChildren()
}

export function formatTime (seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—'
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19) + 'Z'
}

/** `team:payments, tier:gold` ↔ `{team: "payments", tier: "gold"}`. */
export function parseLabels (text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of text.split(',')) {
    const p = part.trim()
    if (p === '') continue
    const i = p.indexOf(':')
    out[i < 0 ? p : p.slice(0, i).trim()] = i < 0 ? '' : p.slice(i + 1).trim()
  }
  return out
}

export function labelChips (labels: Record<string, string> | undefined): HTMLElement {
  const span = h('span', { class: 'labels' })
  for (const [k, v] of Object.entries(labels ?? {})) span.append(h('span', { class: 'label' }, `${k}:${v}`))
  return span
}
