import { api, enc } from './api.js'
import { h } from './dom.js'
import { createFieldErrors } from './field-errors.js'
import { createLabelEditor } from './label-editor.js'

// A runtime group's form: created with POST /runtime-groups (name, description, labels,
// public_url) or edited with PATCH /runtime-groups/{rg} (the name stays). `public_url` is the base
// URL consumers reach the group's proxy at (absolute http(s), or null; the Dev Portal's "Reachable
// at"); it is sent only when typed or changed, so an edit of other fields leaves it as it is.

export interface Group { id: string, name: string, description: string | null, labels: Record<string, string>, config_version: number, public_url?: string | null }

export function groupForm (current: Group | null, saved: () => void): HTMLElement {
  const errors = createFieldErrors()
  const name = h('input', { type: 'text', name: 'name', value: current?.name ?? '', disabled: current !== null })
  const description = h('input', { type: 'text', name: 'description', value: current?.description ?? '', size: '40' })
  const publicUrl = h('input', { type: 'url', name: 'public_url', value: current?.public_url ?? '', placeholder: 'https://api.example.com', size: '30' })
  const labels = createLabelEditor(current?.labels ?? {}, errors)
  errors.bind('name', name)
  errors.bind('description', description)
  errors.bind('public_url', publicUrl)
  const form = h('form', { class: current === null ? 'card create-group' : 'edit-group', novalidate: true, hidden: current !== null },
    h(current === null ? 'h2' : 'h3', {}, current === null ? 'New runtime group' : `Edit ${current.name}`),
    h('label', {}, 'Name ', name), ' ', h('label', {}, 'Description ', description), ' ', h('label', {}, 'Public URL ', publicUrl),
    labels.element,
    h('button', { type: 'submit' }, current === null ? 'Create group' : 'Save group'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const body: Record<string, unknown> = { description: description.value.trim() === '' ? null : description.value.trim(), labels: labels.value() }
    const url = publicUrl.value.trim()
    if (url !== (current?.public_url ?? '')) body.public_url = url === '' ? null : url
    void errors.run(async () => {
      if (current === null) await api('POST', '/runtime-groups', { body: { ...body, name: name.value.trim() } })
      else await api('PATCH', `/runtime-groups/${enc(current.id)}`, { body })
      saved()
    })
  })
  return form
}
