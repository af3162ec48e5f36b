import { api } from './api.js'
import { h } from './dom.js'
import { createFieldErrors } from './field-errors.js'
import { createLabelEditor } from './label-editor.js'

// The package's name, description and labels, edited in place and saved with
// PATCH /service-packages/{id}; each rejected field's reason shows beside its input.

interface PackageMeta { id: string, name: string, description: string | null, labels: Record<string, string> }

export function packageMetaForm (base: string, pkg: PackageMeta, saved: () => void): HTMLElement {
  const errors = createFieldErrors()
  const name = h('input', { type: 'text', name: 'name', value: pkg.name })
  const description = h('textarea', { name: 'description', rows: '2' })
  description.value = pkg.description ?? ''
  const labels = createLabelEditor(pkg.labels, errors)
  errors.bind('name', name)
  errors.bind('description', description)
  const form = h('form', { class: 'card package-meta', novalidate: true, hidden: true },
    h('h2', {}, 'Package details'),
    h('label', {}, 'Name ', name),
    h('label', { class: 'block' }, 'Description ', description),
    labels.element,
    h('button', { type: 'submit' }, 'Save details'), ' ',
    h('button', { type: 'button', onclick: () => { form.hidden = true } }, 'Cancel'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void errors.run(async () => {
      await api('PATCH', base, { body: { name: name.value, description: description.value === '' ? null : description.value, labels: labels.value() } })
      saved()
    })
  })
  return form
}
