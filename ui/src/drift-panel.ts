import { api } from './api.js'
import { h } from './dom.js'
import { attempt } from './errors.js'

// A version's spec drift (GET …/versions/{vid}/drift) over the window chosen: documented
// operations no request reached, requests the spec does not document (with counts and examples),
// statuses the spec does not declare.

interface Drift {
  requests: number
  documented_requests: number
  unused_operations: Array<{ method: string, path: string, operation_id: string | null }>
  undocumented: Array<{ method: string, path: string, requests: number, examples: string[] }>
  undeclared_statuses: Array<{ method: string, path: string, status: number, requests: number }>
}

const WINDOWS: Array<[string, number]> = [['last hour', 3600], ['last 24 hours', 86_400], ['last 7 days', 7 * 86_400]]

export function driftPanel (versionPath: string): HTMLElement {
  const range = h('select', { name: 'drift-window' }, ...WINDOWS.map(([label, s]) => h('option', { value: String(s) }, label)))
  const body = h('div', { class: 'drift-result' })
  const load = (): void => {
    void attempt(async () => {
      const to = Math.floor(Date.now() / 1000)
      const d = await api<Drift>('GET', `${versionPath}/drift?from=${to - Number(range.value)}&to=${to}`)
      body.replaceChildren(h('p', { class: 'drift-totals' }, `${d.requests} requests, ${d.documented_requests} of them documented.`))
      const list = (cls: string, title: string, items: HTMLElement[]): void => {
        if (items.length > 0) body.append(h('h4', {}, title), h('ul', { class: cls }, ...items))
      }
      list('unused', 'Documented, never called', d.unused_operations.map((o) => h('li', { 'data-operation': `${o.method} ${o.path}` },
        h('code', {}, `${o.method} ${o.path}`), o.operation_id === null ? '' : ` (${o.operation_id})`)))
      list('undocumented', 'Called, not documented', d.undocumented.map((u) => h('li', { 'data-operation': `${u.method} ${u.path}` },
        h('code', {}, `${u.method} ${u.path}`), ` — ${u.requests} requests, e.g. ${u.examples.join(', ')}`)))
      list('undeclared', 'Statuses the spec does not declare', d.undeclared_statuses.map((s) => h('li', { 'data-operation': `${s.method} ${s.path}`, 'data-status': String(s.status) },
        h('code', {}, `${s.method} ${s.path}`), ` answered ${s.status} — ${s.requests} requests`)))
      if (d.unused_operations.length + d.undocumented.length + d.undeclared_statuses.length === 0) body.append(h('p', { class: 'no-drift' }, 'No drift: traffic and spec agree.'))
    })
  }
  range.addEventListener('change', load)
  load()
  return h('section', { class: 'drift' }, h('h3', {}, 'Spec drift'), h('label', {}, 'Window ', range), body)
}
