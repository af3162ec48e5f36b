import { api, enc } from './api.js'
import { clear, h } from './dom.js'
import { attempt } from './errors.js'
import { implementationEditor, type Service } from './implementation-editor.js'
import type { Version } from './package-page.js'
import { pluginsPanel } from './plugins-panel.js'
import { routesEditor, type Route } from './routes-editor.js'
import { routeAnalysis } from './route-analysis-panel.js'
import { specRoutesPanel } from './spec-routes-panel.js'
import { driftPanel } from './drift-panel.js'
import { balanceForm } from './upstream-editor.js'
import { renderUpstreamHealth } from './upstream-health-panel.js'

// A version's details, read when they are opened: its implementation (editable), and with one
// its routes, their conflicts and a form explaining which route takes a request, the plugins that apply to it, and its upstream (targets, their health) or a form to
// balance it over targets; the spec's operations.
// Every write calls `saved`, which renders the dashboard again (open details stay open).

export async function renderVersionDetails (box: HTMLElement, base: string, v: Version, saved: () => void): Promise<void> {
  clear(box)
  const versionPath = `${base}/versions/${enc(v.id)}`
  const group = v.runtime_group
  const serviceId = v.implementation?.service.id ?? null
  const service = serviceId === null ? null : await api<Service>('GET', `/runtime-groups/${enc(group.id)}/services/${enc(serviceId)}`)
  box.append(h('p', {}, 'Id: ', h('code', {}, v.id)), await implementationEditor(versionPath, group.id, service, saved))
  if (serviceId !== null) {
    const routes = (await api<{ data: Route[] }>('GET', `/runtime-groups/${enc(group.id)}/services/${enc(serviceId)}/routes?size=1000`)).data
    const health = h('div', { class: 'upstream' })
    box.append(routesEditor(group.id, serviceId, routes, saved), await routeAnalysis(group.id, routes),
      await pluginsPanel({ group, serviceId, routes, packagePath: base, versionPath }, saved), health)
    void attempt(async () => {
      if (!await renderUpstreamHealth(health, group.id, serviceId)) health.append(balanceForm(group.id, service as Service, saved))
    })
  }
  if (v.api_spec === null) { box.append(h('p', {}, 'No API spec.')); return }
  const s = v.api_spec
  box.append(h('h3', {}, 'API spec'), h('p', {}, `${s.title ?? ''} ${s.api_version ?? ''} — ${s.specification.type} ${s.specification.version}`))
  const ul = h('ul', { class: 'operations' })
  for (const op of s.operations) ul.append(h('li', {}, h('code', {}, `${op.method.toUpperCase()} ${op.path}`), op.summary !== null ? ` ${op.summary}` : ''))
  box.append(ul)
  if (serviceId !== null) box.append(specRoutesPanel(versionPath, saved))
  box.append(driftPanel(versionPath))
}
