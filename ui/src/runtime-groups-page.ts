import { api, enc } from './api.js'
import { formatTime, h, labelChips } from './dom.js'
import { attempt } from './errors.js'
import { groupForm, type Group } from './group-form.js'
import { tokensPanel } from './tokens-panel.js'

// Runtime groups: create, edit (description, labels, public URL), delete; per group its
// data-plane tokens, a link to its consumers, and its nodes (GET /runtime-groups/{rg}/data-planes):
// hostname, version, config hash and version, connection and sync status, last error.

interface Node { id: string, hostname: string, version: string, config_hash: string | null, config_version: number | null, last_seen: number, connected: boolean, sync_status: string, last_error: string | null }

export async function renderRuntimeGroups (app: HTMLElement): Promise<void> {
  const reload = (): void => { window.dispatchEvent(new HashChangeEvent('hashchange')) }
  app.append(h('h1', {}, 'Runtime groups'))
  const groups = (await api<{ data: Group[] }>('GET', '/runtime-groups?size=1000')).data
  if (groups.length === 0) app.append(h('p', { class: 'empty' }, 'No runtime groups yet.'))
  for (const g of groups) app.append(await groupCard(g, reload))
  app.append(groupForm(null, reload))
}

async function groupCard (g: Group, reload: () => void): Promise<HTMLElement> {
  const nodes = (await api<{ data: Node[] }>('GET', `/runtime-groups/${enc(g.id)}/data-planes?size=1000`)).data
  const tbody = h('tbody')
  for (const n of nodes) {
    tbody.append(h('tr', { class: 'node' },
      h('td', {}, n.hostname), h('td', {}, h('code', {}, n.id)), h('td', {}, n.version),
      h('td', {}, h('span', { class: `status ${n.connected ? 'ok' : 'off'}` }, n.connected ? 'connected' : 'disconnected')),
      h('td', {}, h('span', { class: `sync ${n.sync_status}` }, n.sync_status)),
      h('td', {}, n.config_version === null ? '—' : String(n.config_version), n.config_hash === null ? '' : ` (${n.config_hash.slice(0, 12)})`),
      h('td', {}, formatTime(n.last_seen)),
      h('td', {}, n.last_error ?? '')))
  }
  const edit = groupForm(g, reload)
  return h('section', { class: 'card runtime-group', 'data-name': g.name },
    h('h2', {}, g.name, ' ', labelChips(g.labels)),
    g.description !== null && g.description !== undefined ? h('p', { class: 'group-description' }, g.description) : null,
    g.public_url != null ? h('p', { class: 'public-url' }, 'Public URL: ', h('code', {}, g.public_url)) : null,
    h('p', { class: 'meta' }, `config version ${g.config_version} · ${nodes.length} node(s), ${nodes.filter((n) => n.connected).length} connected · `,
      h('a', { href: `#/runtime-groups/${enc(g.name)}/consumers`, class: 'consumers-link' }, 'Consumers')),
    h('div', { class: 'group-actions' },
      h('button', { type: 'button', class: 'edit-group-toggle', onclick: () => { edit.hidden = !edit.hidden } }, 'Edit'), ' ',
      h('button', {
        type: 'button',
        class: 'danger delete-group',
        onclick: () => {
          if (!confirm(`Delete the runtime group ${g.name} and its gateway entities?`)) return
          void attempt(async () => { await api('DELETE', `/runtime-groups/${enc(g.id)}`); reload() })
        }
      }, 'Delete')),
    edit,
    await tokensPanel(g, reload),
    h('h3', {}, 'Nodes'),
    nodes.length === 0
      ? h('p', { class: 'empty' }, 'No data-plane nodes have joined this group.')
      : h('table', { class: 'nodes' },
        h('thead', {}, h('tr', {}, ...['Hostname', 'Id', 'Atrium', 'Connection', 'Sync status', 'Config', 'Last seen', 'Last error'].map((t) => h('th', {}, t)))),
        tbody))
}
