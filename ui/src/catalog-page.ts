import { api, enc } from './api.js'
import { clear, formatTime, h, labelChips, parseLabels } from './dom.js'
import { createFieldErrors } from './field-errors.js'
import { createLabelEditor } from './label-editor.js'

// Catalog: the service packages with their versions by environment and last-hour traffic
// (?summary=true), the Admin API's search (?q= with Konnect's filters; a bad one is shown on the
// field) and label filters (?labels=k:v, all must match), and a form to create a package (labels in
// the key/value editor).

interface VersionSummary { version: string, environments: Array<{ runtime_group: { id: string, name: string }, status: string, implemented: boolean }> }
interface Package {
  id: string, name: string, slug: string, description: string | null, labels: Record<string, string>, portal_published: boolean, updated_at: number
  versions: VersionSummary[]
  analytics: { requests: number, errors_4xx: number, errors_5xx: number, error_rate: number | null, p99: number | null }
}

function versionsCell (versions: VersionSummary[]): HTMLElement {
  if (versions.length === 0) return h('span', { class: 'empty' }, '—')
  return h('ul', { class: 'version-summary' }, ...versions.map((v) => h('li', { 'data-version': v.version },
    h('strong', {}, v.version), ' ',
    ...v.environments.flatMap((e, i) => [i === 0 ? '' : ' ',
      h('span', { class: `environment status ${e.status}`, title: `${e.status}${e.implemented ? '' : ', not implemented'}` }, e.runtime_group.name)]))))
}

function trafficCell (a: Package['analytics']): string {
  if (a.requests === 0) return 'no traffic'
  const rate = a.error_rate === null ? '' : `, ${(a.error_rate * 100).toFixed(1)}% errors`
  return `${a.requests} req${rate}${a.p99 === null ? '' : `, p99 ${Math.round(a.p99)} ms`}`
}

export async function renderCatalog (app: HTMLElement): Promise<void> {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '')
  const q = h('input', { type: 'search', name: 'q', placeholder: 'Search name, description, labels', value: params.get('q') ?? '' })
  const labels = h('input', { type: 'text', name: 'labels', placeholder: 'team:payments, tier:gold', value: params.getAll('labels').join(', ') })
  const errors = createFieldErrors()
  errors.bind('q', q)
  errors.bind('labels', labels)
  const search = h('form', { class: 'search' }, q, ' ', labels, ' ', h('button', { type: 'submit' }, 'Search'),
    h('p', { class: 'hint filter-hint' }, 'Filters: ', h('code', {}, 'name:pay'), ', ', h('code', {}, 'description:"moves money"'), ', ',
      h('code', {}, 'labels.team:payments'), ', ', h('code', {}, 'runtime_group:production'), ', combined with ', h('code', {}, 'AND'), ' / ', h('code', {}, 'OR'),
      ' and parentheses; other words search name, description and labels.'))
  search.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const next = new URLSearchParams()
    if (q.value.trim() !== '') next.set('q', q.value.trim())
    for (const [k, v] of Object.entries(parseLabels(labels.value))) next.append('labels', `${k}:${v}`)
    location.hash = `#/catalog${next.size > 0 ? '?' + next.toString() : ''}`
  })
  const list = h('div', { id: 'package-list' })
  app.append(h('h1', {}, 'Catalog'), search, list, createForm())

  const query = new URLSearchParams({ size: '1000', summary: 'true' })
  if (params.get('q') !== null) query.set('q', params.get('q') as string)
  for (const l of params.getAll('labels')) query.append('labels', l)
  let res: { data: Package[] } = { data: [] }
  if (!await errors.run(async () => { res = await api<{ data: Package[] }>('GET', `/service-packages?${query.toString()}`) })) return
  clear(list)
  if (res.data.length === 0) { list.append(h('p', { class: 'empty' }, 'No service packages match.')); return }
  const tbody = h('tbody')
  for (const p of res.data) {
    tbody.append(h('tr', {},
      h('td', {}, h('a', { href: `#/packages/${enc(p.id)}`, class: 'package-link' }, p.name)),
      h('td', {}, p.description ?? ''),
      h('td', {}, labelChips(p.labels)),
      h('td', { class: 'versions' }, versionsCell(p.versions)),
      h('td', { class: 'traffic' }, trafficCell(p.analytics)),
      h('td', {}, p.portal_published ? 'yes' : 'no'),
      h('td', {}, formatTime(p.updated_at))))
  }
  list.append(h('table', { class: 'packages' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Description'), h('th', {}, 'Labels'), h('th', {}, 'Versions'), h('th', {}, 'Last hour'), h('th', {}, 'In portal'), h('th', {}, 'Updated'))),
    tbody))
}

function createForm (): HTMLElement {
  const errors = createFieldErrors()
  const name = h('input', { type: 'text', name: 'name', required: true })
  const description = h('input', { type: 'text', name: 'description' })
  const labels = createLabelEditor({}, errors)
  errors.bind('name', name)
  errors.bind('description', description)
  const form = h('form', { class: 'card create-package', novalidate: true },
    h('h2', {}, 'New service package'),
    h('label', {}, 'Name ', name), ' ',
    h('label', {}, 'Description ', description),
    labels.element,
    h('button', { type: 'submit' }, 'Create'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void errors.run(async () => {
      const body: Record<string, unknown> = { name: name.value, labels: labels.value() }
      if (description.value !== '') body.description = description.value
      const created = await api<Package>('POST', '/service-packages', { body })
      location.hash = `#/packages/${enc(created.id)}`
    })
  })
  return form
}
