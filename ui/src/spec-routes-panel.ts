import { api } from './api.js'
import { h } from './dom.js'
import { createFieldErrors } from './field-errors.js'

// "Routes from the spec" on a version with an implementation and an API spec: the options of
// POST …/implementation/routes-from-spec, Show diff (a dry run) and Create routes; the answer's
// diff and the routes with the operations each serves.

interface DiffItem { kind: string, name: string | null, id: string }
interface Answer {
  diff: { create: DiffItem[], update: DiffItem[], delete: DiffItem[] }
  routes: Array<{ name: string, methods: string[], paths: string[], operations: Array<{ method: string, path: string }> }>
}

export function specRoutesPanel (versionPath: string, saved: () => void): HTMLElement {
  const errors = createFieldErrors()
  const grouping = h('select', { name: 'spec-grouping' }, h('option', { value: 'operation' }, 'a route per operation'), h('option', { value: 'path' }, 'a route per path'))
  const statics = h('select', { name: 'spec-static-paths' }, h('option', { value: 'exact' }, 'static paths exact (~/orders$)'), h('option', { value: 'prefix' }, 'static paths as prefixes'))
  errors.bind('grouping', grouping)
  errors.bind('static_paths', statics)
  const result = h('div', { class: 'spec-routes-result' })
  const send = (dryRun: boolean): void => {
    void errors.run(async () => {
      result.replaceChildren()
      const a = await api<Answer>('POST', `${versionPath}/implementation/routes-from-spec`, { body: { grouping: grouping.value, static_paths: statics.value, dry_run: dryRun } })
      const items = ([['create', '+'], ['update', '~'], ['delete', '-']] as const).flatMap(([k, mark]) =>
        a.diff[k].map((d) => h('li', { class: `diff-${k}` }, h('code', {}, `${mark} ${d.kind} ${d.name ?? d.id}`))))
      result.append(items.length === 0 ? h('p', { class: 'diff-empty' }, 'Nothing to change: the routes already follow the spec.') : h('ul', { class: 'diff' }, ...items))
      result.append(h('table', { class: 'spec-routes' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Route'), h('th', {}, 'Methods'), h('th', {}, 'Path'), h('th', {}, 'Operations'))),
        h('tbody', {}, ...a.routes.map((r) => h('tr', { 'data-route': r.name },
          h('td', {}, r.name), h('td', {}, r.methods.join(', ')), h('td', {}, h('code', {}, r.paths.join(' '))),
          h('td', {}, r.operations.map((o) => `${o.method} ${o.path}`).join(', ')))))))
      if (!dryRun && items.length > 0) saved()
    })
  }
  return h('form', { class: 'card spec-routes-form', novalidate: true, onsubmit: (ev: Event) => { ev.preventDefault(); send(false) } },
    h('h3', {}, 'Routes from the spec'),
    h('p', { class: 'hint' }, 'Make the implementation\'s routes from the spec\'s paths: templates become ~ regexes with named captures; routes made before are updated, the ones the spec dropped deleted; other routes stay.'),
    grouping, ' ', statics, ' ',
    h('button', { type: 'button', class: 'spec-routes-diff', onclick: () => { send(true) } }, 'Show diff'), ' ',
    h('button', { type: 'submit', class: 'spec-routes-apply' }, 'Create routes'), result)
}
