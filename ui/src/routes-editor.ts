import { api, enc } from './api.js'
import { h } from './dom.js'
import { attempt } from './errors.js'
import { createFieldErrors } from './field-errors.js'
import { checkboxes, headerLines, lines, optionalNumber, parseHeaderLines } from './form-fields.js'

// The routes of a version's implementation service: listed from
// /runtime-groups/{rg}/services/{sid}/routes (created there too), edited with PATCH and deleted at
// /runtime-groups/{rg}/routes/{id}. Paths are one per line; `~/orders/\d+` is a regex path, and an
// invalid one comes back as `paths[i]`, shown under the paths box. On edit, an emptied list is
// sent as null (Kong's reset), so it is removed rather than kept.

export interface Route {
  id: string, name?: string | null, paths?: string[] | null, hosts?: string[] | null, methods?: string[] | null,
  headers?: Record<string, string[]> | null, strip_path?: boolean, preserve_host?: boolean, protocols?: string[], regex_priority?: number
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']
const PROTOCOLS = ['http', 'https', 'grpc', 'grpcs']

export function routeSummary (r: Route): string {
  const where = [...(r.hosts ?? []), ...(r.paths ?? [])].join(' ')
  return `${(r.methods ?? []).join(',')} ${where}`.trim() || (r.name ?? r.id)
}

export function routesEditor (group: string, serviceId: string, routes: Route[], saved: () => void): HTMLElement {
  const rg = `/runtime-groups/${enc(group)}`
  const form = routeForm(rg, serviceId, saved)
  const rows = routes.map((r) => h('tr', { class: 'route', 'data-route': r.name ?? r.id },
    h('td', {}, r.name ?? '—'), h('td', {}, (r.methods ?? []).join(', ') || 'any'),
    h('td', {}, ...(r.hosts ?? []).map((x) => h('code', {}, x, ' '))),
    h('td', {}, ...(r.paths ?? []).map((p) => h('code', {}, p, ' '))),
    h('td', {},
      h('button', { type: 'button', class: 'edit-route', onclick: () => { form.load(r) } }, 'Edit'), ' ',
      h('button', {
        type: 'button',
        class: 'danger delete-route',
        onclick: () => {
          if (!confirm(`Delete the route ${r.name ?? r.id}?`)) return
          void attempt(async () => { await api('DELETE', `${rg}/routes/${enc(r.id)}`); saved() })
        }
      }, 'Delete'))))
  return h('div', { class: 'routes-editor' },
    h('h3', {}, 'Routes'),
    routes.length === 0
      ? h('p', { class: 'empty' }, 'No routes: the service gets no traffic.')
      : h('table', { class: 'routes' }, h('thead', {}, h('tr', {}, ...['Name', 'Methods', 'Hosts', 'Paths', ''].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)),
    form.element)
}

function routeForm (rg: string, serviceId: string, saved: () => void): { element: HTMLElement, load: (r: Route) => void } {
  const errors = createFieldErrors()
  let editing: Route | null = null
  const heading = h('h4', {}, 'New route')
  const name = h('input', { type: 'text', name: 'route-name' })
  const paths = h('textarea', { name: 'paths', rows: '3', placeholder: '/orders\n~/orders/\\d+' })
  const hosts = h('textarea', { name: 'hosts', rows: '2', placeholder: 'api.example.com' })
  const headers = h('textarea', { name: 'headers', rows: '2', placeholder: 'x-version: 1,2' })
  const stripPath = h('input', { type: 'checkbox', name: 'strip_path', checked: true })
  const preserveHost = h('input', { type: 'checkbox', name: 'preserve_host' })
  const priority = h('input', { type: 'number', name: 'regex_priority', value: '0' })
  const box = h('div', { class: 'route-choices' })
  let methods = checkboxes('methods', METHODS, [])
  let protocols = checkboxes('protocols', PROTOCOLS, ['http', 'https'])
  const fill = (r: Route | null): void => {
    editing = r
    heading.textContent = r === null ? 'New route' : `Edit route ${r.name ?? r.id}`
    name.value = r?.name ?? ''
    paths.value = (r?.paths ?? []).join('\n')
    hosts.value = (r?.hosts ?? []).join('\n')
    headers.value = headerLines(r?.headers)
    stripPath.checked = r?.strip_path ?? true
    preserveHost.checked = r?.preserve_host ?? false
    priority.value = String(r?.regex_priority ?? 0)
    methods = checkboxes('methods', METHODS, r?.methods ?? [])
    protocols = checkboxes('protocols', PROTOCOLS, r?.protocols ?? ['http', 'https'])
    box.replaceChildren(h('div', {}, 'Methods (none: any) ', methods.element), h('div', {}, 'Protocols ', protocols.element))
    errors.bind('methods', methods.element)
    errors.bind('protocols', protocols.element)
  }
  fill(null)
  for (const [path, el] of [['name', name], ['paths', paths], ['hosts', hosts], ['headers', headers], ['strip_path', stripPath], ['preserve_host', preserveHost], ['regex_priority', priority]] as const) errors.bind(path, el)
  const cancel = h('button', { type: 'button', onclick: () => { fill(null) } }, 'New route instead')
  const element = h('form', { class: 'route-form', novalidate: true }, heading,
    h('label', {}, 'Name ', name),
    h('div', { class: 'route-lists' },
      h('label', {}, 'Paths (one per line; ~ starts a regex) ', paths),
      h('label', {}, 'Hosts (one per line) ', hosts),
      h('label', {}, 'Headers (name: v1,v2 per line) ', headers)),
    box,
    h('label', {}, stripPath, ' strip_path'), ' ', h('label', {}, preserveHost, ' preserve_host'), ' ',
    h('label', {}, 'regex_priority ', priority),
    h('div', {}, h('button', { type: 'submit' }, 'Save route'), ' ', cancel))
  element.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const list = (values: string[]): string[] | null | undefined => values.length > 0 ? values : editing === null ? undefined : null
    const headerMap = parseHeaderLines(headers.value)
    const body: Record<string, unknown> = {
      name: name.value.trim() === '' ? (editing === null ? undefined : null) : name.value.trim(),
      paths: list(lines(paths.value)),
      hosts: list(lines(hosts.value)),
      methods: list(methods.value()),
      headers: Object.keys(headerMap).length > 0 ? headerMap : editing === null ? undefined : null,
      protocols: protocols.value(),
      strip_path: stripPath.checked,
      preserve_host: preserveHost.checked,
      regex_priority: optionalNumber(priority) ?? 0
    }
    void errors.run(async () => {
      if (editing === null) await api('POST', `${rg}/services/${enc(serviceId)}/routes`, { body })
      else await api('PATCH', `${rg}/routes/${enc(editing.id)}`, { body })
      saved()
    })
  })
  return { element, load: (r) => { fill(r); name.focus() } }
}
