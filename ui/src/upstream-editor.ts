import { ApiError, api, enc } from './api.js'
import { h } from './dom.js'
import { createFieldErrors } from './field-errors.js'
import { lines } from './form-fields.js'

// An implementation that balances over targets: its service's host names an upstream of the
// runtime group (Kong's model: the upstream is a virtual host, its targets the real addresses).
// `balanceForm` turns a service with a plain host into one: it creates the upstream and its
// targets, then points the service's host at it. `upstreamControls` edits an upstream the
// service already names: its algorithm, a target added; the target table (with health) is the
// health panel's, which calls `deleteTargetButton` for each row.

export const ALGORITHMS = ['round-robin', 'least-connections', 'consistent-hashing', 'latency'] as const

function algorithmSelect (current: string): HTMLSelectElement {
  return h('select', { name: 'algorithm' }, ...ALGORITHMS.map((a) => h('option', { value: a, selected: a === current }, a)))
}

/**
 * `host:port [weight]` → the target's body. The API judges the address and the weight (a weight that
 * is not digits is sent as the text it is, for the API to refuse on `weight`); a line of more than
 * two words is refused here, before anything is created.
 */
function targetBody (line: string, index: number): { target: string, weight?: number | string } {
  const words = line.split(/\s+/)
  if (words.length > 2) throw new ApiError(400, 'INVALID_TARGET_LINE', `line ${index + 1}: expected "host:port" or "host:port weight"`, { [`targets[${index}]`]: 'expected "host:port" or "host:port weight"' })
  const [target, weight] = words
  if (weight === undefined) return { target }
  return { target, weight: /^\d+$/.test(weight) ? Number(weight) : weight }
}

/** Re-keys a target's field errors onto its line of the targets text area (`targets[2].weight`). */
function onLine (err: unknown, index: number): unknown {
  if (!(err instanceof ApiError)) return err
  const fields: Record<string, string> = {}
  for (const [path, message] of Object.entries(err.fields)) fields[`targets[${index}]${path === '' ? '' : '.' + path}`] = message
  return new ApiError(err.status, err.code, `target on line ${index + 1}: ${err.message}`, fields)
}

export function balanceForm (group: string, service: { id: string, name?: string, host?: string }, saved: () => void): HTMLElement {
  const upstreamsPath = `/runtime-groups/${enc(group)}/upstreams`
  const errors = createFieldErrors()
  const name = h('input', { type: 'text', name: 'upstream-name', value: `${service.name ?? service.host ?? 'service'}.upstream`, size: '30' })
  const algorithm = algorithmSelect('round-robin')
  const targets = h('textarea', { name: 'targets', rows: '3', cols: '40', placeholder: '10.0.0.5:8080 100\n10.0.0.6:8080 50' })
  errors.bind('name', name)
  errors.bind('algorithm', algorithm)
  errors.bind('targets', targets)
  const form = h('form', { class: 'balance-form', novalidate: true },
    h('h3', {}, 'Balance over targets'),
    h('p', { class: 'hint' }, 'Creates an upstream of this runtime group with these targets (one ', h('code', {}, 'host:port weight'),
      ' per line, weight optional) and points the service\'s host at it.'),
    h('label', {}, 'Upstream name ', name), ' ', h('label', {}, 'Algorithm ', algorithm),
    h('div', {}, h('label', {}, 'Targets ', targets)),
    h('button', { type: 'submit' }, 'Balance over these targets'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void errors.run(async () => {
      const bodies = lines(targets.value).map(targetBody)
      const upstream = await api<{ id: string, name: string }>('POST', upstreamsPath, { body: { name: name.value.trim(), algorithm: algorithm.value } })
      try {
        for (let i = 0; i < bodies.length; i++) {
          await api('POST', `${upstreamsPath}/${enc(upstream.id)}/targets`, { body: bodies[i] }).catch((err) => { throw onLine(err, i) })
        }
      } catch (err) {
        // All or nothing: an upstream left with half its targets would take traffic once pointed at.
        await api('DELETE', `${upstreamsPath}/${enc(upstream.id)}`)
        throw err
      }
      await api('PATCH', `/runtime-groups/${enc(group)}/services/${enc(service.id)}`, { body: { host: upstream.name } })
      saved()
    })
  })
  return form
}

export function upstreamControls (upstreamPath: string, upstream: { algorithm: string }, changed: () => void): HTMLElement {
  const errors = createFieldErrors()
  const algorithm = algorithmSelect(upstream.algorithm)
  errors.bind('algorithm', algorithm)
  const target = h('input', { type: 'text', name: 'target', placeholder: '10.0.0.7:8080', size: '24' })
  const weight = h('input', { type: 'number', name: 'weight', min: '0', max: '65535', placeholder: '100' })
  errors.bind('target', target)
  errors.bind('weight', weight)
  const algorithmForm = h('form', { class: 'upstream-algorithm', novalidate: true },
    h('label', {}, 'Algorithm ', algorithm), ' ', h('button', { type: 'submit' }, 'Save algorithm'))
  algorithmForm.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void errors.run(async () => { await api('PATCH', upstreamPath, { body: { algorithm: algorithm.value } }); changed() })
  })
  const addForm = h('form', { class: 'add-target', novalidate: true },
    h('label', {}, 'Target ', target), ' ', h('label', {}, 'Weight ', weight), ' ', h('button', { type: 'submit' }, 'Add target'))
  addForm.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const body: Record<string, unknown> = { target: target.value.trim() }
    if (weight.value.trim() !== '') body.weight = Number(weight.value)
    void errors.run(async () => { await api('POST', `${upstreamPath}/targets`, { body }); changed() })
  })
  return h('div', { class: 'upstream-controls' }, algorithmForm, addForm)
}

export function deleteTargetButton (upstreamPath: string, target: { id: string, target: string }, changed: () => void, run: (action: () => Promise<unknown>) => Promise<boolean>): HTMLElement {
  return h('button', {
    type: 'button',
    class: 'delete-target danger',
    onclick: () => {
      if (!confirm(`Delete target ${target.target}?`)) return
      void run(async () => { await api('DELETE', `${upstreamPath}/targets/${enc(target.id)}`); changed() })
    }
  }, 'Delete')
}
