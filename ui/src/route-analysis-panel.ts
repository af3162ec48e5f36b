import { api, enc } from './api.js'
import { clear, h } from './dom.js'
import { attempt } from './errors.js'
import { createFieldErrors } from './field-errors.js'
import { lines } from './form-fields.js'
import type { Route } from './routes-editor.js'

// The version page's route analysis: the conflicts that involve the implementation's routes
// (GET …/routes/conflicts?route=…, each with its example request), and a form that explains which
// route of the group a request takes (POST …/routes/explain): the winner, the routes that lost and
// why, the near misses.

interface RouteRef { id: string | null, name: string | null, service: { id: string | null, name: string | null } | null }
interface Example { method: string, path: string, host?: string, headers?: Record<string, string>, tls?: boolean, sni?: string }
interface Conflict { kind: string, certainty: string, route: RouteRef, other: RouteRef, message: string, example: Example }
interface Explanation {
  route: RouteRef | null
  matched_path?: string | null
  upstream_path: string | null
  message?: string
  candidates: Array<{ route: RouteRef, matched_path: string | null, lost_because: string }>
  near_misses: Array<{ route: RouteRef, failed: string }>
}

const nameOf = (r: RouteRef): string => r.name ?? r.id ?? '(unnamed)'

function exampleText (e: Example): string {
  const headers = Object.entries(e.headers ?? {}).map(([k, v]) => ` -H '${k}: ${v}'`).join('')
  return `${e.method} ${e.tls === true ? 'https' : 'http'}://${e.host ?? 'any-host'}${e.path}${headers}`
}

export async function routeConflictsPanel (groupId: string, routes: Route[]): Promise<HTMLElement> {
  const box = h('section', { class: 'route-conflicts' }, h('h3', {}, 'Route conflicts'))
  if (routes.length === 0) return box
  const query = routes.map((r) => `route=${enc(r.id)}`).join('&')
  const found = (await api<{ data: Conflict[] }>('GET', `/runtime-groups/${enc(groupId)}/routes/conflicts?${query}`)).data
  if (found.length === 0) {
    box.append(h('p', { class: 'empty' }, 'No route conflicts: every route of this version can win its requests.'))
    return box
  }
  box.append(h('ul', {}, ...found.map((c) => h('li', { class: `conflict ${c.certainty}`, 'data-kind': c.kind, 'data-route': nameOf(c.route) },
    h('strong', {}, c.kind.replaceAll('_', ' ')), c.certainty === 'possible' ? ' (possible) ' : ' ', c.message,
    h('br', {}), 'Example: ', h('code', {}, exampleText(c.example))))))
  return box
}

export function explainForm (groupId: string): HTMLElement {
  const errors = createFieldErrors()
  const method = h('select', { name: 'explain-method' }, ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => h('option', { value: m }, m)))
  const url = h('input', { type: 'text', name: 'explain-url', size: '50', placeholder: 'https://api.example.com/orders/42 or /orders/42' })
  const headers = h('textarea', { name: 'explain-headers', rows: '2', cols: '40', placeholder: 'x-version: 2' })
  const result = h('div', { class: 'explain-result' })
  errors.bind('method', method)
  errors.bind('url', url)
  errors.bind('path', url)
  errors.bind('headers', headers)
  const form = h('form', { class: 'card explain-form', novalidate: true },
    h('h3', {}, 'Explain a request'),
    h('p', { class: 'hint' }, 'Which route of this runtime group takes the request, and why the others do not.'),
    h('label', {}, 'Method ', method), ' ', h('label', {}, 'URL ', url), h('br', {}),
    h('label', {}, 'Headers (one name: value per line) ', headers), ' ',
    h('button', { type: 'submit' }, 'Explain'), result)
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const hs: Record<string, string[]> = {}
    for (const line of lines(headers.value)) {
      const i = line.indexOf(':')
      const name = (i < 0 ? line : line.slice(0, i)).trim()
      ;(hs[name] ??= []).push(i < 0 ? '' : line.slice(i + 1).trim())
    }
    const target = url.value.trim()
    const body = { method: method.value, [target.startsWith('/') ? 'path' : 'url']: target, headers: hs }
    void errors.run(async () => {
      clear(result)
      const e = await api<Explanation>('POST', `/runtime-groups/${enc(groupId)}/routes/explain`, { body })
      result.append(e.route === null
        ? h('p', { class: 'no-route' }, `No route: ${e.message ?? ''}`)
        : h('p', { class: 'winner', 'data-route': nameOf(e.route) }, 'Route ', h('strong', {}, nameOf(e.route)),
          e.route.service === null ? ' (no service)' : ` (service ${e.route.service.name ?? e.route.service.id ?? ''})`,
          e.matched_path == null ? '' : ' by ', e.matched_path == null ? '' : h('code', {}, e.matched_path),
          ' → upstream path ', h('code', {}, e.upstream_path ?? '—')))
      if (e.candidates.length > 0) {
        result.append(h('p', {}, 'Also matched:'), h('ul', { class: 'candidates' }, ...e.candidates.map((c) =>
          h('li', { 'data-route': nameOf(c.route) }, h('strong', {}, nameOf(c.route)), `: ${c.lost_because}`))))
      }
      if (e.near_misses.length > 0) {
        result.append(h('p', {}, 'Near misses:'), h('ul', { class: 'near-misses' }, ...e.near_misses.map((n) =>
          h('li', { 'data-route': nameOf(n.route) }, h('strong', {}, nameOf(n.route)), `: ${n.failed}`))))
      }
    })
  })
  return form
}

/** Both, for a version's details; conflicts read when opened. */
export async function routeAnalysis (groupId: string, routes: Route[]): Promise<HTMLElement> {
  const box = h('div', { class: 'route-analysis' })
  await attempt(async () => { box.append(await routeConflictsPanel(groupId, routes)) })
  box.append(explainForm(groupId))
  return box
}
