import { api, enc } from './api.js'
import { h } from './dom.js'
import { attempt } from './errors.js'
import { pluginForm } from './plugin-form.js'
import { SCOPES, type Plugin, type VersionContext } from './plugin-scopes.js'

// Every plugin that applies to a version, with its scope (route, version, runtime group; most
// specific first, as they take precedence), toggled, edited or deleted in place; and the form to
// add one. The group's plugins are read once (GET /runtime-groups/{rg}/plugins has no filter by
// service or route) and each scope picks its own.

export async function pluginsPanel (ctx: VersionContext, saved: () => void): Promise<HTMLElement> {
  const all = (await api<{ data: Plugin[] }>('GET', `/runtime-groups/${enc(ctx.group.id)}/plugins?size=1000`)).data
  const form = await pluginForm(ctx, saved)
  const rows: HTMLElement[] = []
  for (const scope of SCOPES) {
    for (const p of await scope.select(all, ctx)) {
      const item = `${scope.collection(ctx)}/${enc(p.id)}`
      const toggle = h('input', { type: 'checkbox', name: 'plugin-enabled-toggle', checked: p.enabled, 'aria-label': `${p.name} enabled` })
      toggle.addEventListener('change', () => {
        void attempt(async () => { await api('PATCH', item, { body: { enabled: toggle.checked } }) })
      })
      rows.push(h('tr', { class: 'plugin', 'data-plugin': p.name, 'data-scope': scope.id },
        h('td', {}, h('code', {}, p.name)),
        h('td', {}, h('span', { class: `scope ${scope.id}` }, scope.label)),
        h('td', {}, scope.appliesTo(p, ctx)),
        h('td', {}, h('label', {}, toggle, ' enabled')),
        h('td', {},
          h('button', { type: 'button', class: 'edit-plugin', onclick: () => { void attempt(() => form.edit(scope, p)) } }, 'Edit'), ' ',
          h('button', {
            type: 'button',
            class: 'danger delete-plugin',
            onclick: () => {
              if (!confirm(`Delete the ${p.name} plugin (${scope.label} scope)?`)) return
              void attempt(async () => { await api('DELETE', item); saved() })
            }
          }, 'Delete'))))
    }
  }
  return h('div', { class: 'plugins-panel' },
    h('h3', {}, 'Plugins'),
    rows.length === 0
      ? h('p', { class: 'empty' }, 'No plugin applies to this version.')
      : h('table', { class: 'plugins' }, h('thead', {}, h('tr', {}, ...['Plugin', 'Scope', 'Applies to', 'State', ''].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)),
    form.element)
}
