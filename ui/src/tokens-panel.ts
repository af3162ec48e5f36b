import { api, enc } from './api.js'
import { formatTime, h } from './dom.js'
import { attempt } from './errors.js'
import { createFieldErrors } from './field-errors.js'
import { secretOnce } from './secret-once.js'

// A runtime group's data-plane tokens (/runtime-groups/{rg}/data-plane-tokens): issue one (its
// secret is in that answer only: shown once, with a copy button), list them (never a secret),
// revoke one (its nodes are disconnected at once).

interface Token { id: string, name: string | null, description: string | null, created_at: number, last_used_at: number | null }

export async function tokensPanel (group: { id: string, name: string }, saved: () => void): Promise<HTMLElement> {
  const path = `/runtime-groups/${enc(group.id)}/data-plane-tokens`
  const tokens = (await api<{ data: Token[] }>('GET', `${path}?size=1000`)).data
  const errors = createFieldErrors()
  const name = h('input', { type: 'text', name: 'token-name', placeholder: 'name (optional)' })
  errors.bind('name', name)
  const revealed = h('div', { class: 'revealed' })
  const form = h('form', { class: 'issue-token', novalidate: true }, name, ' ', h('button', { type: 'submit' }, 'Issue data-plane token'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void errors.run(async () => {
      const created = await api<Token & { token: string }>('POST', path, { body: name.value.trim() === '' ? {} : { name: name.value.trim() } })
      name.value = ''
      list.append(row(created))
      none.hidden = true
      revealed.replaceChildren(secretOnce(`Token for ${group.name}:`, created.token))
    })
  })
  const row = (t: Token): HTMLElement => h('tr', { class: 'token', 'data-token': t.name ?? t.id },
    h('td', {}, t.name ?? '—'), h('td', {}, h('code', {}, t.id)), h('td', {}, formatTime(t.created_at)), h('td', {}, formatTime(t.last_used_at)),
    h('td', {}, h('button', {
      type: 'button',
      class: 'danger revoke-token',
      onclick: () => {
        if (!confirm(`Revoke the token ${t.name ?? t.id}? Nodes using it are disconnected now.`)) return
        void attempt(async () => { await api('DELETE', `${path}/${enc(t.id)}`); saved() })
      }
    }, 'Revoke')))
  const list = h('tbody', {}, ...tokens.map(row))
  const none = h('p', { class: 'empty', hidden: tokens.length > 0 }, 'No data-plane tokens.')
  return h('div', { class: 'tokens' }, h('h3', {}, 'Data-plane tokens'), none,
    h('table', { class: 'tokens' }, h('thead', {}, h('tr', {}, ...['Name', 'Id', 'Created', 'Last used', ''].map((t) => h('th', {}, t)))), list),
    form, revealed)
}
