import { api, enc } from './api.js'
import { h } from './dom.js'
import { createFieldErrors } from './field-errors.js'
import { optionalNumber } from './form-fields.js'

// A version's implementation: its gateway service, created or replaced with
// PUT /service-packages/{id}/versions/{vid}/implementation {"service": {…}}. The target is a URL,
// or protocol, host, port and path; the host may name an upstream of the runtime group (offered
// from GET /runtime-groups/{rg}/upstreams) to balance over its targets. The PUT replaces the
// service, so every field is sent as the form shows it; an empty number keeps Kong's default.

export interface Service {
  id: string, name?: string, protocol?: string, host?: string, port?: number, path?: string,
  connect_timeout?: number, read_timeout?: number, write_timeout?: number, retries?: number
}

const PROTOCOLS = ['http', 'https', 'grpc', 'grpcs']
const NUMBERS = ['connect_timeout', 'read_timeout', 'write_timeout', 'retries'] as const

export async function implementationEditor (versionPath: string, group: string, current: Service | null, saved: () => void): Promise<HTMLElement> {
  const upstreams = (await api<{ data: Array<{ name: string }> }>('GET', `/runtime-groups/${enc(group)}/upstreams?size=1000`)).data
  const errors = createFieldErrors()
  const listId = `upstreams-${versionPath.replace(/[^a-z0-9]/gi, '')}`
  const name = h('input', { type: 'text', name: 'service-name', value: current?.name ?? '', placeholder: '(unnamed)' })
  const byUrl = h('input', { type: 'radio', name: 'target-kind', value: 'url', checked: current === null })
  const byParts = h('input', { type: 'radio', name: 'target-kind', value: 'parts', checked: current !== null })
  const url = h('input', { type: 'text', name: 'url', placeholder: 'http://orders.internal:8080/api', size: '40' })
  const protocol = h('select', { name: 'protocol' }, ...PROTOCOLS.map((p) => h('option', { value: p, selected: p === current?.protocol }, p)))
  const host = h('input', { type: 'text', name: 'host', value: current?.host ?? '', list: listId })
  const port = h('input', { type: 'number', name: 'port', min: '0', max: '65535', value: current?.port === undefined ? '' : String(current.port) })
  const path = h('input', { type: 'text', name: 'path', value: current?.path ?? '', placeholder: '/' })
  const numbers = NUMBERS.map((n) => h('input', { type: 'number', name: n, min: n === 'retries' ? '0' : '1', value: current?.[n] === undefined ? '' : String(current[n]) }))
  errors.bind('service.name', name)
  errors.bind('service.url', url)
  for (const [k, el] of [['protocol', protocol], ['host', host], ['port', port], ['path', path]] as const) errors.bind(`service.${k}`, el)
  NUMBERS.forEach((n, i) => { errors.bind(`service.${n}`, numbers[i]) })

  const urlRow = h('div', { class: 'target-url' }, h('label', {}, 'URL ', url))
  const partsRow = h('div', { class: 'target-parts' },
    h('label', {}, 'Protocol ', protocol), ' ', h('label', {}, 'Host ', host), ' ', h('label', {}, 'Port ', port), ' ', h('label', {}, 'Path ', path),
    h('datalist', { id: listId }, ...upstreams.map((u) => h('option', { value: u.name }))),
    upstreams.length > 0 ? h('p', { class: 'hint' }, 'Upstreams of this group (a host naming one balances over its targets): ', ...upstreams.map((u) => h('code', {}, u.name, ' '))) : null)
  const showKind = (): void => { urlRow.hidden = !byUrl.checked; partsRow.hidden = byUrl.checked }
  byUrl.addEventListener('change', showKind)
  byParts.addEventListener('change', showKind)
  showKind()

  const form = h('form', { class: 'implementation-form', novalidate: true },
    h('h3', {}, current === null ? 'Implementation (none yet)' : 'Implementation'),
    h('label', {}, 'Service name ', name), ' ',
    h('span', { class: 'target-kind' }, 'Target: ', h('label', {}, byUrl, ' URL'), ' ', h('label', {}, byParts, ' host and port')),
    urlRow, partsRow,
    h('div', {}, ...NUMBERS.flatMap((n, i) => [h('label', {}, `${n} `, numbers[i]), ' '])),
    h('button', { type: 'submit' }, current === null ? 'Create implementation' : 'Save implementation'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const service: Record<string, unknown> = {}
    if (name.value.trim() !== '') service.name = name.value.trim()
    if (byUrl.checked) service.url = url.value.trim()
    else {
      service.protocol = protocol.value
      service.host = host.value.trim()
      const p = optionalNumber(port)
      if (p !== undefined) service.port = p
      if (path.value.trim() !== '') service.path = path.value.trim()
    }
    NUMBERS.forEach((n, i) => { const v = optionalNumber(numbers[i]); if (v !== undefined) service[n] = v })
    void errors.run(async () => { await api('PUT', `${versionPath}/implementation`, { body: { service } }); saved() })
  })
  return form
}
