import { api, ApiError, enc } from './api.js'
import { h } from './dom.js'
import { createFieldErrors } from './field-errors.js'
import type { Version } from './package-page.js'

// Promoting a version to another runtime group from its row: the target, the per-environment
// overrides the target remembers (read from GET …/overrides of the version there, edited as the
// service URL plus JSON for the rest), "Show diff" (a dry run: what the target's config gains,
// changes and loses) and "Promote" (201: the version as it now exists there).
// The API merges a request's overrides into the remembered ones (RFC 7396), so what the form sends
// is the merge patch from what it showed to what it holds: a value removed in the form is removed.

type Json = Record<string, unknown>
interface DiffItem { kind: string, id?: string, name?: string | null }
interface Diff { create: DiffItem[], update: DiffItem[], delete: DiffItem[] }

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The RFC 7396 merge patch that turns `from` into `to`. */
export function mergePatch (from: Json, to: Json): Json {
  const patch: Json = {}
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null
  for (const [key, value] of Object.entries(to)) {
    const old = from[key]
    if (isObject(old) && isObject(value)) {
      const inner = mergePatch(old, value)
      if (Object.keys(inner).length > 0) patch[key] = inner
    } else if (JSON.stringify(old) !== JSON.stringify(value)) {
      patch[key] = value
    }
  }
  return patch
}

function diffList (diff: Diff): HTMLElement {
  const items = ([['create', '+'], ['update', '~'], ['delete', '-']] as const).flatMap(([kind, mark]) =>
    diff[kind].map((d) => h('li', { class: `diff-${kind}` }, h('code', {}, `${mark} ${d.kind} ${d.name ?? d.id ?? ''}`))))
  return items.length === 0 ? h('p', { class: 'diff-empty' }, 'Nothing to change: the target already has this version as it is here.') : h('ul', { class: 'diff' }, ...items)
}

export async function promotePanel (base: string, v: Version, saved: () => void): Promise<HTMLElement> {
  const groups = (await api<{ data: Array<{ id: string, name: string }> }>('GET', '/runtime-groups?size=1000')).data.filter((g) => g.id !== v.runtime_group.id)
  const errors = createFieldErrors()
  const target = h('select', { name: 'promote-target' }, ...groups.map((g) => h('option', { value: g.name }, g.name)))
  const url = h('input', { type: 'url', name: 'promote-service-url', placeholder: 'keep the version\'s', size: '40' })
  const rest = h('textarea', { name: 'promote-overrides', rows: '5', cols: '60', placeholder: '{"plugins": {"rate-limiting": {"config": {"minute": 100}}}}' })
  const result = h('div', { class: 'promote-result' })
  errors.bind('runtime_group', target)
  errors.bind('overrides.service', url)
  errors.bind('overrides', rest)
  let remembered: Json = {}

  const load = async (): Promise<void> => {
    remembered = {}
    try {
      remembered = (await api<{ overrides: Json }>('GET', `${base}/versions/${enc(v.version)}/overrides?runtime_group=${enc(target.value)}`)).overrides
    } catch (err) {
      // Not there yet: a first promotion, nothing remembered.
      if (!(err instanceof ApiError && err.status === 404)) throw err
    }
    const { service, ...others } = remembered
    const serviceRest = isObject(service) ? Object.fromEntries(Object.entries(service).filter(([k]) => k !== 'url')) : {}
    url.value = isObject(service) && typeof service.url === 'string' ? service.url : ''
    const shown = Object.keys(serviceRest).length > 0 ? { service: serviceRest, ...others } : others
    rest.value = Object.keys(shown).length > 0 ? JSON.stringify(shown, null, 2) : ''
    result.replaceChildren()
  }
  const overrides = (): Json => {
    let parsed: unknown = {}
    if (rest.value.trim() !== '') {
      try { parsed = JSON.parse(rest.value) } catch (err) { throw new ApiError(400, 'INVALID_JSON', 'the overrides are not JSON', { overrides: (err as Error).message }) }
    }
    if (!isObject(parsed)) throw new ApiError(400, 'INVALID_JSON', 'the overrides must be a JSON object', { overrides: 'must be an object' })
    const wanted = { ...parsed }
    if (url.value.trim() !== '') wanted.service = { ...(isObject(wanted.service) ? wanted.service : {}), url: url.value.trim() }
    return wanted
  }
  const promote = async (dryRun: boolean): Promise<void> => {
    const wanted = overrides()
    const body = { runtime_group: target.value, dry_run: dryRun, overrides: mergePatch(remembered, wanted) }
    const answer = await api<Json>('POST', `${base}/versions/${enc(v.id)}/promote`, { body })
    if (dryRun) {
      result.replaceChildren(h('h4', {}, `Changes to ${target.value}`), diffList(answer.diff as Diff))
      return
    }
    remembered = wanted
    result.replaceChildren(h('p', { class: 'promoted' }, `${v.version} is now in ${target.value} (config version ${String(answer.config_version)}).`))
    saved()
  }
  target.addEventListener('change', () => { void errors.run(load) })
  const form = h('form', { class: 'promote-form', novalidate: true },
    h('h3', {}, `Promote ${v.version} from ${v.runtime_group.name}`),
    groups.length === 0
      ? h('p', { class: 'empty' }, 'There is no other runtime group to promote to.')
      : h('div', {},
        h('label', {}, 'To ', target), ' ',
        h('label', {}, 'Service URL there ', url),
        h('label', { class: 'block' }, 'Other overrides (JSON: service fields, routes by name, plugins by name or "route/plugin") ', rest),
        h('div', {},
          h('button', { type: 'button', class: 'promote-diff', onclick: () => { void errors.run(() => promote(true)) } }, 'Show diff'), ' ',
          h('button', { type: 'submit', class: 'promote-apply' }, 'Promote'))),
    result)
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    void errors.run(() => promote(false))
  })
  if (groups.length > 0) await errors.run(load)
  return form
}
