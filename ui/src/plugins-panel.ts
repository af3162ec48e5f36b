import { api, enc } from './api.js'
import { h } from './dom.js'
import { attempt } from './errors.js'
import { pluginForm } from './plugin-form.js'
import { scopeOf, type AppliedPlugin, type VersionContext } from './plugin-scopes.js'

// Every plugin that applies to a version (GET …/versions/{vid}/plugins), with its scope — route,
// version, package (all versions), consumer, runtime group; most specific first, as they take
// precedence — toggled, edited or deleted in place; and the form to add one.

export async function pluginsPanel (ctx: VersionContext, saved: () => void): Promise<HTMLElement> {
  const applied = (await api<{ data: AppliedPlugin[] }>('GET', `${ctx.versionPath}/plugins`)).data
  const form = await pluginForm(ctx, saved)
  const rows: HTMLElement[] = []
  for (const entry of applied) {
    const scope = scopeOf(entry)
    const p = entry.plugin
    const item = `${scope.collection(ctx)}/${enc(p.id)}`
    const toggle = h('input', { type: 'checkbox', name: 'plugin-enabled-toggle', checked: p.enabled, 'aria-label': `${p.name} enabled` })
    toggle.addEventListener('change', () => {
      void attempt(async () => { await api('PATCH', item, { body: { enabled: toggle.checked } }) })
    })
    const inactive = entry.active === false
    rows.push(h('tr', { class: inactive ? 'plugin inactive' : 'plugin', 'data-plugin': p.name, 'data-scope': scope.id },
      h('td', {}, h('code', {}, p.name)),
      h('td', {}, h('span', { class: `scope ${scope.id}` }, scope.label)),
      h('td', {}, scope.appliesTo(entry, ctx)),
      h('td', {}, h('label', {}, toggle, ' enabled'), inactive ? h('span', { class: 'hint' }, ' (not applied here)') : null),
      h('td', {},
        h('button', { type: 'button', class: 'edit-plugin', onclick: () => { void attempt(() => form.edit(scope, p)) } }, 'Edit'), ' ',
        h('button', {
          type: 'button',
          class: 'danger delete-plugin',
          onclick: () => {
            const where = scope.id === 'package' ? 'every version of this package' : `${scope.label} scope`
            if (!confirm(`Delete the ${p.name} plugin (${where})?`)) return
            void attempt(async () => { await api('DELETE', item); saved() })
          }
        }, 'Delete'))))
  }
  return h('div', { class: 'plugins-panel' },
    h('h3', {}, 'Plugins'),
    rows.length === 0
      ? h('p', { class: 'empty' }, 'No plugin applies to this version.')
      : h('table', { class: 'plugins' }, h('thead', {}, h('tr', {}, ...['Plugin', 'Scope', 'Applies to', 'State', ''].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)),
    form.element)
}
