import { h } from './dom.js'

// A secret the API answers only once (a data-plane token, a generated key-auth key): shown in a
// read-only field with a copy button and a warning that it cannot be shown again.

export function secretOnce (label: string, secret: string): HTMLElement {
  const field = h('input', { type: 'text', readonly: true, class: 'secret-value', value: secret, size: String(Math.min(Math.max(secret.length, 20), 64)), 'aria-label': label })
  const status = h('span', { class: 'copy-status', role: 'status' })
  const copy = h('button', {
    type: 'button',
    class: 'copy',
    onclick: () => {
      field.select()
      // The clipboard API needs a secure context (localhost counts); otherwise the text stays selected for the user to copy.
      void (navigator.clipboard?.writeText(secret) ?? Promise.reject(new Error('no clipboard')))
        .then(() => { status.textContent = 'Copied.' }, () => { status.textContent = 'Selected: copy it with Ctrl+C.' })
    }
  }, 'Copy')
  return h('div', { class: 'secret-once', role: 'alert' },
    h('strong', {}, label), ' ', field, ' ', copy, ' ', status,
    h('p', { class: 'hint' }, 'Shown only now: the control plane keeps only its hash.'))
}
