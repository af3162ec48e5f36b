import { h } from './dom.js'

// Small readers shared by the entity forms: lists typed one per line, optional numbers, and the
// `name: v1,v2` lines of a route's headers.

export function lines (text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '')
}

export function optionalNumber (input: HTMLInputElement): number | undefined {
  return input.value.trim() === '' ? undefined : Number(input.value)
}

/** `x-version: 1,2` lines → {"x-version": ["1", "2"]}. A line without `:` is kept as a name with no values, for the API to judge. */
export function parseHeaderLines (text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const line of lines(text)) {
    const i = line.indexOf(':')
    const name = (i < 0 ? line : line.slice(0, i)).trim()
    out[name] = i < 0 ? [] : line.slice(i + 1).split(',').map((v) => v.trim()).filter((v) => v !== '')
  }
  return out
}

export function headerLines (headers: Record<string, string[]> | null | undefined): string {
  return Object.entries(headers ?? {}).map(([k, v]) => `${k}: ${v.join(',')}`).join('\n')
}

export function checkboxes (name: string, options: readonly string[], checked: readonly string[]): { element: HTMLElement, value: () => string[] } {
  const boxes = options.map((o) => h('input', { type: 'checkbox', name, value: o, checked: checked.includes(o) }))
  return {
    element: h('span', { class: 'checkboxes', 'data-name': name }, ...boxes.map((b) => h('label', {}, b, ` ${b.value} `))),
    value: () => boxes.filter((b) => b.checked).map((b) => b.value)
  }
}
