import { h } from './dom.js'
import type { FieldErrors } from './field-errors.js'

// Labels as rows of a key and a value input, with add and remove: what `labels` holds
// ({key: value}), without a separator to escape. The API's errors name a label by its key
// (`labels.<key>`); they are shown on that row's key input.

export interface LabelEditor { element: HTMLElement, value: () => Record<string, string> }

export function createLabelEditor (initial: Record<string, string>, errors: FieldErrors, path = 'labels'): LabelEditor {
  const rows = h('div', { class: 'label-rows' })
  const addRow = (key = '', value = ''): void => {
    const k = h('input', { type: 'text', name: 'label-key', placeholder: 'key', value: key, 'aria-label': 'Label key' })
    const v = h('input', { type: 'text', name: 'label-value', placeholder: 'value', value, 'aria-label': 'Label value' })
    const row = h('div', { class: 'label-row' }, k, ' : ', v, ' ')
    row.append(h('button', { type: 'button', class: 'remove-label', title: 'Remove this label', onclick: () => { row.remove() } }, '×'))
    rows.append(row)
  }
  for (const [k, v] of Object.entries(initial)) addRow(k, v)
  const keyInputs = (): HTMLInputElement[] => [...rows.querySelectorAll<HTMLInputElement>('input[name=label-key]')]
  errors.bind(path, (key) => keyInputs().find((i) => i.value.trim() === key) ?? rows)
  const element = h('fieldset', { class: 'label-editor' }, h('legend', {}, 'Labels'), rows,
    h('button', { type: 'button', class: 'add-label', onclick: () => { addRow() } }, '+ Add label'))
  return {
    element,
    value () {
      const out: Record<string, string> = {}
      for (const row of rows.querySelectorAll('.label-row')) {
        const [k, v] = [...row.querySelectorAll('input')]
        // A row left blank is no label; a key with no value is sent and the API judges it.
        if (k.value.trim() === '' && v.value.trim() === '') continue
        out[k.value.trim()] = v.value.trim()
      }
      return out
    }
  }
}
