import { ApiError, api, enc } from './api.js'
import { append, clear, formatTime, h } from './dom.js'
import { attempt } from './errors.js'
import { deleteTargetButton, upstreamControls } from './upstream-editor.js'

// Target health of a version whose implementation balances over an upstream (its service host
// names one): every node's view, from GET /runtime-groups/{rg}/upstreams/{u}/health, and Kong's
// healthy / unhealthy marks sent to every connected node of the group; the upstream's algorithm and
// its targets edited (upstream-editor.ts).

interface Address { ip: string, port: number, weight: number, health: string }
interface TargetRow { id: string | null, target: string, weight: number, health: string, data: { addresses: Address[] } }
interface NodeRow {
  node: { id: string, hostname: string, connected: boolean, sync_status: string }
  reported_at: number | null
  health: string | null
  targets: TargetRow[]
}

function badge (state: string | null): HTMLElement {
  const s = state ?? 'NOT REPORTED'
  return h('span', { class: `health ${s.toLowerCase().replace(/[^a-z]+/g, '-')}` }, s)
}

/** Fills `box` when the service's host is an upstream of the group (true); leaves it empty otherwise. */
export async function renderUpstreamHealth (box: HTMLElement, group: string, serviceId: string): Promise<boolean> {
  const service = await api<{ host?: string }>('GET', `/runtime-groups/${enc(group)}/services/${enc(serviceId)}`)
  if (typeof service.host !== 'string') return false
  const path = `/runtime-groups/${enc(group)}/upstreams/${enc(service.host)}`
  let upstream: { id: string, name: string, algorithm: string }
  try {
    upstream = await api('GET', path)
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false
    throw err
  }
  const targets = (await api<{ data: Array<{ id: string, target: string, weight: number }> }>('GET', `${path}/targets?size=1000`)).data
  const health = (await api<{ data: NodeRow[] }>('GET', `${path}/health?size=1000`)).data
  const refresh = (): void => { void attempt(async () => { clear(box); await renderUpstreamHealth(box, group, serviceId) }) }
  const mark = (target: string, state: 'healthy' | 'unhealthy'): HTMLElement => h('button', {
    type: 'button',
    class: `mark-${state}`,
    onclick: () => { void attempt(async () => { await api('PUT', `${path}/targets/${enc(target)}/${state}`); setTimeout(refresh, 1500) }) }
  }, `Mark ${state}`)

  append(box,
    h('h3', {}, 'Upstream ', h('code', {}, upstream.name), ` (${upstream.algorithm})`, ' ', h('button', { type: 'button', class: 'refresh', onclick: refresh }, 'Refresh')),
    upstreamControls(path, upstream, refresh),
    targets.length === 0
      ? h('p', { class: 'empty' }, 'No targets: every request gets 503.')
      : h('table', { class: 'targets' },
        h('thead', {}, h('tr', {}, ...['Target', 'Weight', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...targets.map((t) => h('tr', { 'data-target': t.target },
          h('td', {}, h('code', {}, t.target)), h('td', {}, String(t.weight)),
          h('td', {}, mark(t.id, 'healthy'), ' ', mark(t.id, 'unhealthy'), ' ', deleteTargetButton(path, t, refresh, attempt)))))))
  if (health.length === 0) {
    box.append(h('p', { class: 'empty' }, 'No data-plane node in this runtime group.'))
    return true
  }
  const rows = h('tbody')
  for (const n of health) {
    const addresses = n.targets.length === 0
      ? '—'
      : h('ul', { class: 'addresses' }, ...n.targets.map((t) => h('li', { 'data-target': t.target },
        h('code', {}, t.target), ' ', badge(t.health),
        t.data.addresses.length > 1 ? h('ul', {}, ...t.data.addresses.map((a) => h('li', {}, `${a.ip}:${a.port} `, badge(a.health)))) : null)))
    rows.append(h('tr', { class: 'node-health', 'data-node': n.node.hostname },
      h('td', {}, n.node.hostname, n.node.connected ? '' : ' (disconnected)'),
      h('td', {}, badge(n.health)),
      h('td', {}, addresses),
      h('td', {}, formatTime(n.reported_at))))
  }
  box.append(h('table', { class: 'upstream-health' },
    h('thead', {}, h('tr', {}, ...['Node', 'Balancer', 'Targets', 'Reported'].map((t) => h('th', {}, t)))), rows))
  return true
}
