import { api, enc } from './api.js'
import { append, h, labelChips } from './dom.js'
import { attempt } from './errors.js'
import { renderAnalytics } from './analytics-panel.js'
import { renderDocuments } from './documents-panel.js'
import { packageMetaForm } from './package-meta-form.js'
import { promotePanel } from './promote-panel.js'
import { routeSummary, type Route } from './routes-editor.js'
import { renderVersionDetails } from './version-details.js'

// Package dashboard: the package (name, description and labels editable; its portal toggle), its
// versions (runtime group, status, implementation, routes; details with the implementation, routes
// and plugins editors and the upstream's target health; promotion to another group; add, delete),
// the analytics panel and the documents.

export interface Version {
  id: string
  version: string
  status: string
  runtime_group: { id: string, name: string }
  implementation: { service: { id: string, name: string | null } } | null
  api_spec: { title: string | null, api_version: string | null, specification: { type: string, version: string }, operations: Array<{ method: string, path: string, summary: string | null }> } | null
}

/** Versions whose details are open: kept while the dashboard renders again after a write, forgotten when it is navigated to. */
const openDetails = new Set<string>()
let keepDetails = false

function reload (): void {
  keepDetails = true
  window.dispatchEvent(new HashChangeEvent('hashchange'))
}

export async function renderPackage (app: HTMLElement, id: string): Promise<void> {
  const pkg = await api('GET', `/service-packages/${enc(id)}`)
  const base = `/service-packages/${enc(pkg.id)}`
  if (!keepDetails) openDetails.clear()
  keepDetails = false
  const publish = h('input', { type: 'checkbox', name: 'portal_published', checked: pkg.portal_published === true })
  const meta = packageMetaForm(base, pkg, reload)
  publish.addEventListener('change', () => { void attempt(async () => { await api('PATCH', base, { body: { portal_published: publish.checked } }) }) })
  append(app,
    h('p', {}, h('a', { href: '#/catalog' }, '← Catalog')),
    h('h1', { class: 'package-name' }, pkg.name, ' ', labelChips(pkg.labels)),
    pkg.description !== null ? h('p', { class: 'description' }, pkg.description) : null,
    h('label', { class: 'toggle' }, publish, ' Published in the Dev Portal'), ' ',
    h('button', { type: 'button', class: 'edit-package', onclick: () => { meta.hidden = !meta.hidden } }, 'Edit details'), ' ',
    h('button', {
      type: 'button',
      class: 'danger',
      onclick: () => {
        if (!confirm(`Delete the package ${pkg.name as string} with its versions and documents?`)) return
        void attempt(async () => { await api('DELETE', base); location.hash = '#/catalog' })
      }
    }, 'Delete package'),
    meta)

  const versions = (await api<{ data: Version[] }>('GET', `${base}/versions?size=1000`)).data
  app.append(await versionsSection(base, versions, reload))
  const analytics = h('section', { class: 'card analytics', id: 'analytics' })
  const docs = h('section', { class: 'card documents', id: 'documents' })
  app.append(analytics, docs)
  await Promise.all([renderAnalytics(analytics, pkg.id, uniqueGroups(versions)), renderDocuments(docs, base, versions)])
}

function uniqueGroups (versions: Version[]): Array<{ id: string, name: string }> {
  return [...new Map(versions.map((v) => [v.runtime_group.id, v.runtime_group])).values()]
}

async function routesOf (v: Version): Promise<string> {
  if (v.implementation === null) return ''
  const routes = (await api<{ data: Route[] }>('GET', `/runtime-groups/${enc(v.runtime_group.id)}/services/${enc(v.implementation.service.id)}/routes?size=1000`)).data
  return routes.map(routeSummary).join('; ')
}

async function versionsSection (base: string, versions: Version[], reload: () => void): Promise<HTMLElement> {
  const tbody = h('tbody')
  const routes = await Promise.all(versions.map(routesOf))
  versions.forEach((v, i) => {
    const box = h('div', { class: 'version-details' })
    const details = h('tr', { class: 'details', 'data-version': v.version, 'data-runtime-group': v.runtime_group.name, hidden: !openDetails.has(v.id) }, h('td', { colspan: '6' }, box))
    const show = (): void => { void attempt(() => renderVersionDetails(box, base, v, reload)) }
    if (openDetails.has(v.id)) show()
    const promoteBox = h('div', { class: 'version-promote' })
    const promoteRow = h('tr', { class: 'promote', 'data-version': v.version, 'data-runtime-group': v.runtime_group.name, hidden: true }, h('td', { colspan: '6' }, promoteBox))
    tbody.append(h('tr', { class: 'version', 'data-version': v.version, 'data-runtime-group': v.runtime_group.name },
      h('td', {}, v.version),
      h('td', {}, v.runtime_group.name),
      h('td', {}, statusSelect(base, v)),
      h('td', {}, v.implementation === null ? '—' : (v.implementation.service.name ?? v.implementation.service.id)),
      h('td', { class: 'routes' }, routes[i] === '' ? '—' : routes[i]),
      h('td', {},
        h('button', {
          type: 'button',
          onclick: () => {
            details.hidden = !details.hidden
            if (details.hidden) openDetails.delete(v.id)
            else { openDetails.add(v.id); show() }
          }
        }, 'Details'), ' ',
        h('button', {
          type: 'button',
          class: 'promote-version',
          disabled: v.implementation === null,
          title: v.implementation === null ? 'implement the version first' : `copy ${v.version} into another runtime group`,
          onclick: () => {
            promoteRow.hidden = !promoteRow.hidden
            if (!promoteRow.hidden) void attempt(async () => { promoteBox.replaceChildren(await promotePanel(base, v, reload)) })
          }
        }, 'Promote…'), ' ',
        h('button', {
          type: 'button',
          class: 'danger',
          onclick: () => {
            if (!confirm(`Delete version ${v.version} (${v.runtime_group.name}) and its implementation?`)) return
            void attempt(async () => { await api('DELETE', `${base}/versions/${enc(v.id)}`); reload() })
          }
        }, 'Delete'))), promoteRow, details)
  })
  const version = h('input', { type: 'text', name: 'version', placeholder: 'v1', required: true })
  const group = h('select', { name: 'runtime_group' })
  for (const g of (await api<{ data: Array<{ id: string, name: string }> }>('GET', '/runtime-groups?size=1000')).data) group.append(h('option', { value: g.id }, g.name))
  const status = h('select', { name: 'status' }, ...['unpublished', 'published', 'deprecated'].map((s) => h('option', { value: s }, s)))
  const form = h('form', { class: 'add-version' }, h('strong', {}, 'Add a version '), version, ' ', group, ' ', status, ' ', h('button', { type: 'submit' }, 'Add version'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void attempt(async () => {
      await api('POST', `${base}/versions`, { body: { version: version.value, runtime_group: group.value, status: status.value } })
      reload()
    })
  })
  return h('section', { class: 'card versions' },
    h('h2', {}, 'Versions'),
    versions.length === 0
      ? h('p', { class: 'empty' }, 'No versions yet.')
      : h('table', { class: 'versions' },
        h('thead', {}, h('tr', {}, ...['Version', 'Runtime group', 'Status', 'Implementation', 'Routes', ''].map((t) => h('th', {}, t)))),
        tbody),
    form)
}

/** The version's status, written at once: published and deprecated versions show in the Dev Portal. */
function statusSelect (base: string, v: Version): HTMLElement {
  const select = h('select', { name: 'version-status', class: `status ${v.status}` },
    ...['unpublished', 'published', 'deprecated'].map((s) => h('option', { value: s, selected: s === v.status }, s)))
  select.addEventListener('change', () => {
    void attempt(async () => {
      await api('PATCH', `${base}/versions/${enc(v.id)}`, { body: { status: select.value } })
      select.className = `status ${select.value}`
    })
  })
  return select
}
