import { api, enc } from './api.js'
import { clear, formatTime, h } from './dom.js'
import { attempt } from './errors.js'
import type { Version } from './package-page.js'

// Documentation panel: the package's markdown documents (publish toggle, edit, delete; a new one
// typed or uploaded from a .md file) and each version's API spec (uploaded as YAML or JSON; the
// Admin API validates it and answers the problems with their line and column).

interface Doc { id: string, title: string, slug: string, status: string, size: number, parent: { id: string } | null, updated_at: number }

function readFileInto (input: HTMLInputElement, target: HTMLTextAreaElement): void {
  input.addEventListener('change', () => {
    const file = input.files?.[0]
    if (file !== undefined) void file.text().then((text) => { target.value = text })
  })
}

export async function renderDocuments (root: HTMLElement, base: string, versions: Version[]): Promise<void> {
  clear(root)
  const docs = (await api<{ data: Doc[] }>('GET', `${base}/documents?size=1000`)).data
  const refresh = (): void => { void attempt(async () => { await renderDocuments(root, base, versions) }) }
  root.append(h('h2', {}, 'Documentation'))
  const editor = docForm(base, docs, refresh)
  if (docs.length === 0) root.append(h('p', { class: 'empty' }, 'No documents yet.'))
  else {
    const tbody = h('tbody')
    for (const d of docs) {
      const toggle = h('input', { type: 'checkbox', name: `published-${d.slug}`, checked: d.status === 'published' })
      toggle.addEventListener('change', () => {
        void attempt(async () => { await api('PATCH', `${base}/documents/${enc(d.id)}`, { body: { status: toggle.checked ? 'published' : 'unpublished' } }) })
      })
      tbody.append(h('tr', { class: 'document', 'data-slug': d.slug },
        h('td', {}, d.title), h('td', {}, h('code', {}, d.slug)),
        h('td', {}, d.parent === null ? '' : (docs.find((p) => p.id === d.parent?.id)?.title ?? d.parent.id)),
        h('td', {}, h('label', {}, toggle, ' published')), h('td', {}, `${d.size} B`), h('td', {}, formatTime(d.updated_at)),
        h('td', {},
          h('button', { type: 'button', onclick: () => { void attempt(async () => { editor.load(await api('GET', `${base}/documents/${enc(d.id)}`)) }) } }, 'Edit'), ' ',
          h('button', {
            type: 'button',
            class: 'danger',
            onclick: () => {
              if (!confirm(`Delete the document ${d.title} and the documents under it?`)) return
              void attempt(async () => { await api('DELETE', `${base}/documents/${enc(d.id)}?recursive=true`); refresh() })
            }
          }, 'Delete'))))
    }
    root.append(h('table', { class: 'documents' },
      h('thead', {}, h('tr', {}, ...['Title', 'Slug', 'Parent', 'Status', 'Size', 'Updated', ''].map((t) => h('th', {}, t)))), tbody))
  }
  root.append(editor.form, specForm(base, versions, refresh))
}

function docForm (base: string, docs: Doc[], refresh: () => void): { form: HTMLElement, load: (d: Doc & { content: string }) => void } {
  let editing: string | null = null
  const heading = h('h3', {}, 'New document')
  const title = h('input', { type: 'text', name: 'title', required: true })
  const parent = h('select', { name: 'parent' }, h('option', { value: '' }, '(top level)'), ...docs.map((d) => h('option', { value: d.id }, d.title)))
  const published = h('input', { type: 'checkbox', name: 'doc-published' })
  const content = h('textarea', { name: 'content', rows: '10', placeholder: '# Markdown' })
  const file = h('input', { type: 'file', name: 'markdown-file', accept: '.md,.markdown,text/markdown,text/plain' })
  readFileInto(file, content)
  const submit = h('button', { type: 'submit' }, 'Save document')
  const form = h('form', { class: 'document-form' }, heading,
    h('label', {}, 'Title ', title), ' ', h('label', {}, 'Parent ', parent), ' ', h('label', {}, published, ' published'),
    h('div', {}, h('label', {}, 'Upload markdown ', file)), content, h('div', {}, submit))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void attempt(async () => {
      const body = { title: title.value, content: content.value, status: published.checked ? 'published' : 'unpublished', parent: parent.value === '' ? null : parent.value }
      if (editing === null) await api('POST', `${base}/documents`, { body })
      else await api('PATCH', `${base}/documents/${enc(editing)}`, { body })
      refresh()
    })
  })
  return {
    form,
    load (d) {
      editing = d.id
      heading.textContent = `Edit “${d.title}”`
      title.value = d.title
      parent.value = d.parent?.id ?? ''
      published.checked = d.status === 'published'
      content.value = d.content
      title.focus()
    }
  }
}

function specForm (base: string, versions: Version[], refresh: () => void): HTMLElement {
  const version = h('select', { name: 'spec-version' }, ...versions.map((v) => h('option', { value: v.id }, `${v.version} (${v.runtime_group.name})${v.api_spec !== null ? ' — has a spec' : ''}`)))
  const content = h('textarea', { name: 'spec', rows: '10', placeholder: 'openapi: 3.1.0 …' })
  const file = h('input', { type: 'file', name: 'spec-file', accept: '.yaml,.yml,.json' })
  readFileInto(file, content)
  const form = h('form', { class: 'spec-form' }, h('h3', {}, 'API spec of a version'),
    versions.length === 0 ? h('p', { class: 'empty' }, 'Add a version first.') : null,
    h('label', {}, 'Version ', version), ' ', h('label', {}, 'Upload ', file), content,
    h('div', {}, h('button', { type: 'submit', disabled: versions.length === 0 }, 'Upload spec'), ' ',
      h('button', {
        type: 'button',
        onclick: () => { void attempt(async () => { content.value = (await api('GET', `${base}/versions/${enc(version.value)}/spec`)).content }) }
      }, 'Load current'), ' ',
      h('button', {
        type: 'button',
        class: 'danger',
        onclick: () => { void attempt(async () => { await api('DELETE', `${base}/versions/${enc(version.value)}/spec`); refresh() }) }
      }, 'Delete spec')))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void attempt(async () => {
      const type = /^\s*[{[]/.test(content.value) ? 'application/json' : 'application/yaml'
      await api('PUT', `${base}/versions/${enc(version.value)}/spec`, { raw: { text: content.value, type } })
      window.dispatchEvent(new HashChangeEvent('hashchange'))
    })
  })
  return form
}
