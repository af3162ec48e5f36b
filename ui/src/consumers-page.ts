import { api, enc } from './api.js'
import { formatTime, h } from './dom.js'
import { attempt } from './errors.js'
import { createFieldErrors } from './field-errors.js'
import { secretOnce } from './secret-once.js'

// The consumers of a runtime group (#/runtime-groups/{rg}/consumers): list, create (username,
// custom_id, tags), delete; and per consumer its key-auth keys and basic-auth credentials under
// /runtime-groups/{rg}/consumers/{c}/{key-auth,basic-auth}. A key is answered only when it is
// created (generated when none is typed), so it is shown then, once; lists show ids only.

interface Consumer { id: string, username?: string, custom_id?: string, tags?: string[], created_at: number }
interface Credential { id: string, username?: string, created_at: number }

export async function renderConsumers (app: HTMLElement, group: string): Promise<void> {
  const rg = `/runtime-groups/${enc(group)}`
  const g = await api<{ id: string, name: string }>('GET', rg)
  const consumers = (await api<{ data: Consumer[] }>('GET', `${rg}/consumers?size=1000`)).data
  const reload = (): void => { window.dispatchEvent(new HashChangeEvent('hashchange')) }
  app.append(h('p', {}, h('a', { href: '#/runtime-groups' }, '← Runtime groups')), h('h1', {}, `Consumers of ${g.name}`), createForm(rg, reload))
  if (consumers.length === 0) app.append(h('p', { class: 'empty' }, 'No consumers yet.'))
  for (const c of consumers) app.append(await consumerCard(rg, c, reload))
}

function createForm (rg: string, saved: () => void): HTMLElement {
  const errors = createFieldErrors()
  const username = h('input', { type: 'text', name: 'username' })
  const customId = h('input', { type: 'text', name: 'custom_id' })
  const tags = h('input', { type: 'text', name: 'tags', placeholder: 'partner, beta' })
  errors.bind('username', username)
  errors.bind('custom_id', customId)
  errors.bind('tags', tags)
  const form = h('form', { class: 'card create-consumer', novalidate: true }, h('h2', {}, 'New consumer'),
    h('label', {}, 'Username ', username), ' ', h('label', {}, 'Custom id ', customId), ' ', h('label', {}, 'Tags (comma-separated) ', tags), ' ',
    h('button', { type: 'submit' }, 'Create consumer'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const body: Record<string, unknown> = {}
    if (username.value.trim() !== '') body.username = username.value.trim()
    if (customId.value.trim() !== '') body.custom_id = customId.value.trim()
    const t = tags.value.split(',').map((x) => x.trim()).filter((x) => x !== '')
    if (t.length > 0) body.tags = t
    void errors.run(async () => { await api('POST', `${rg}/consumers`, { body }); saved() })
  })
  return form
}

async function consumerCard (rg: string, c: Consumer, reload: () => void): Promise<HTMLElement> {
  const base = `${rg}/consumers/${enc(c.id)}`
  const [keys, basics] = await Promise.all([
    api<{ data: Credential[] }>('GET', `${base}/key-auth?size=1000`),
    api<{ data: Credential[] }>('GET', `${base}/basic-auth?size=1000`)
  ])
  const name = c.username ?? c.custom_id ?? c.id
  const card = h('section', { class: 'card consumer', 'data-consumer': name })
  const revealed = h('div', { class: 'revealed' })
  const del = (what: string, path: string) => h('button', {
    type: 'button',
    class: 'danger',
    onclick: () => {
      if (!confirm(`Delete ${what}?`)) return
      void attempt(async () => { await api('DELETE', path); reload() })
    }
  }, 'Delete')

  const keyRow = (k: Credential): HTMLElement => h('li', { 'data-credential': k.id }, h('code', {}, k.id), ` created ${formatTime(k.created_at)} `, del('this key', `${base}/key-auth/${enc(k.id)}`))
  const keyList = h('ul', { class: 'keys' }, ...keys.data.map(keyRow))
  const noKeys = h('p', { class: 'empty', hidden: keys.data.length > 0 }, 'No keys.')
  const keyInput = h('input', { type: 'text', name: 'key', placeholder: '(generated)', autocomplete: 'off' })
  const keyErrors = createFieldErrors()
  keyErrors.bind('key', keyInput)
  const keyForm = h('form', { class: 'create-key', novalidate: true }, keyInput, ' ', h('button', { type: 'submit' }, 'Create key'))
  keyForm.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void keyErrors.run(async () => {
      const created = await api<Credential & { key: string }>('POST', `${base}/key-auth`, { body: keyInput.value === '' ? {} : { key: keyInput.value } })
      keyInput.value = ''
      // Not rendered again: the key would be gone. The row is added in place.
      keyList.append(keyRow(created))
      noKeys.hidden = true
      revealed.replaceChildren(secretOnce(`New key of ${name}:`, created.key))
    })
  })

  const user = h('input', { type: 'text', name: 'basic-username', placeholder: 'username', autocomplete: 'off' })
  const password = h('input', { type: 'password', name: 'basic-password', placeholder: 'password', autocomplete: 'new-password' })
  const basicErrors = createFieldErrors()
  basicErrors.bind('username', user)
  basicErrors.bind('password', password)
  const basicForm = h('form', { class: 'create-basic', novalidate: true }, user, ' ', password, ' ', h('button', { type: 'submit' }, 'Add basic-auth'))
  basicForm.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void basicErrors.run(async () => { await api('POST', `${base}/basic-auth`, { body: { username: user.value, password: password.value } }); reload() })
  })

  card.append(
    h('h2', {}, name, ' ', del(`the consumer ${name} and its credentials`, base)),
    h('p', { class: 'meta' }, `id ${c.id}`, c.custom_id !== undefined ? ` · custom_id ${c.custom_id}` : '', (c.tags ?? []).length > 0 ? ` · tags ${(c.tags ?? []).join(', ')}` : ''),
    h('h3', {}, 'Key-auth keys'),
    noKeys, keyList,
    keyForm, revealed,
    h('h3', {}, 'Basic-auth'),
    basics.data.length === 0
      ? h('p', { class: 'empty' }, 'No basic-auth credentials.')
      : h('ul', { class: 'basic-auth' }, ...basics.data.map((b) => h('li', {}, h('code', {}, b.username ?? b.id), ` created ${formatTime(b.created_at)} `, del(`the basic-auth credential ${b.username ?? b.id}`, `${base}/basic-auth/${enc(b.id)}`)))),
    basicForm)
  return card
}
