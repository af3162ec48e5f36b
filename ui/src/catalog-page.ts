import { api, enc } from './api.js'
import { clear, formatTime, h, labelChips, parseLabels } from './dom.js'
import { createFieldErrors } from './field-errors.js'
import { createLabelEditor } from './label-editor.js'

// Catalog: the service packages with the Admin API's search (?q=) and label filters (?labels=k:v,
// all must match), and a form to create a package (labels in the key/value editor).

interface Package { id: string, name: string, slug: string, description: string | null, labels: Record<string, string>, portal_published: boolean, updated_at: number }

export async function renderCatalog (app: HTMLElement): Promise<void> {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '')
  const q = h('input', { type: 'search', name: 'q', placeholder: 'Search name, description, labels', value: params.get('q') ?? '' })
  const labels = h('input', { type: 'text', name: 'labels', placeholder: 'team:payments, tier:gold', value: params.getAll('labels').join(', ') })
  const search = h('form', { class: 'search' }, q, ' ', labels, ' ', h('button', { type: 'submit' }, 'Search'))
  search.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const next = new URLSearchParams()
    if (q.value.trim() !== '') next.set('q', q.value.trim())
    for (const [k, v] of Object.entries(parseLabels(labels.value))) next.append('labels', `${k}:${v}`)
    location.hash = `#/catalog${next.size > 0 ? '?' + next.toString() : ''}`
  })
  const list = h('div', { id: 'package-list' })
  app.append(h('h1', {}, 'Catalog'), search, list, createForm())

  const query = new URLSearchParams({ size: '1000' })
  if (params.get('q') !== null) query.set('q', params.get('q') as string)
  for (const l of params.getAll('labels')) query.append('labels', l)
  const res = await api<{ data: Package[] }>('GET', `/service-packages?${query.toString()}`)
  clear(list)
  if (res.data.length === 0) { list.append(h('p', { class: 'empty' }, 'No service packages match.')); return }
  const tbody = h('tbody')
  for (const p of res.data) {
    tbody.append(h('tr', {},
      h('td', {}, h('a', { href: `#/packages/${enc(p.id)}`, class: 'package-link' }, p.name)),
      h('td', {}, p.description ?? ''),
      h('td', {}, labelChips(p.labels)),
      h('td', {}, p.portal_published ? 'yes' : 'no'),
      h('td', {}, formatTime(p.updated_at))))
  }
  list.append(h('table', { class: 'packages' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Description'), h('th', {}, 'Labels'), h('th', {}, 'In portal'), h('th', {}, 'Updated'))),
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
