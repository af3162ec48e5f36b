import { h } from './dom.js'
import type { FieldErrors } from './field-errors.js'
import { lines } from './form-fields.js'

// A form generated from a JSON Schema (a plugin's config, GET /schemas/plugins/{name}): strings
// and numbers as inputs (bounds as min/max), booleans as checkboxes, enums as selects, arrays of
// scalars one value per line (of an enum: checkboxes), nested objects as fieldsets, maps as
// `key: value` lines; anything else as JSON. Inputs start from the current value, else the
// schema's default; a field left empty is left out, so the API fills its default. `required` is
// marked where the schema requires a field it gives no default for. Inputs are named by their
// path (`config.queue.max_batch_size`), which is how the API names their errors. The form is
// meant for `novalidate`: the API judges, and its messages show on the field.

export interface JsonSchema {
  type?: string | string[], description?: string, default?: unknown, const?: unknown, enum?: unknown[], anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>, required?: string[], items?: JsonSchema
  patternProperties?: Record<string, JsonSchema>, additionalProperties?: boolean | JsonSchema
  minimum?: number, maximum?: number, minLength?: number
}

export interface SchemaControl { element: HTMLElement, read: () => unknown }

/** The schema's fixed choices (an enum, or a union of constants as TypeBox writes literals). */
function choicesOf (s: JsonSchema): unknown[] | null {
  if (Array.isArray(s.enum)) return s.enum
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0 && s.anyOf.every((a) => 'const' in a)) return s.anyOf.map((a) => a.const)
  return null
}

function typeOf (s: JsonSchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type
}

function select (path: string, choices: unknown[], value: unknown, allowUnset: boolean): SchemaControl {
  const el = h('select', { name: path },
    allowUnset ? h('option', { value: '' }, '(not set)') : null,
    ...choices.map((c, i) => h('option', { value: String(i), selected: c === value }, String(c))))
  return { element: el, read: () => el.value === '' ? undefined : choices[Number(el.value)] }
}

function scalarArray (path: string, s: JsonSchema, value: unknown): SchemaControl {
  const items = s.items ?? {}
  const current = Array.isArray(value) ? value : []
  const choices = choicesOf(items)
  const keep = (list: unknown[]): unknown => list.length === 0 && s.default === undefined ? undefined : list
  if (choices !== null) {
    const boxes = choices.map((c) => h('input', { type: 'checkbox', name: path, value: String(c), checked: current.includes(c) }))
    return {
      element: h('span', { class: 'checkboxes', 'data-name': path }, ...boxes.map((b) => h('label', {}, b, ` ${b.value} `))),
      read: () => keep(choices.filter((_, i) => boxes[i].checked))
    }
  }
  const numeric = typeOf(items) === 'integer' || typeOf(items) === 'number'
  const el = h('textarea', { name: path, rows: String(Math.max(2, Math.min(current.length + 1, 6))), placeholder: 'one per line' })
  el.value = current.map(String).join('\n')
  return { element: el, read: () => keep(lines(el.value).map((l) => numeric && l !== '' && Number.isFinite(Number(l)) ? Number(l) : l)) }
}

function mapLines (path: string, s: JsonSchema, value: unknown): SchemaControl {
  const el = h('textarea', { name: path, rows: '2', placeholder: 'name: value per line' })
  el.value = Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`).join('\n')
  return {
    element: el,
    read: () => {
      const out: Record<string, string> = {}
      for (const line of lines(el.value)) {
        const i = line.indexOf(':')
        out[(i < 0 ? line : line.slice(0, i)).trim()] = i < 0 ? '' : line.slice(i + 1).trim()
      }
      return Object.keys(out).length === 0 && s.default === undefined ? undefined : out
    }
  }
}

function json (path: string, value: unknown): SchemaControl {
  const el = h('textarea', { name: path, rows: '3', placeholder: 'JSON' })
  el.value = value === undefined ? '' : JSON.stringify(value, null, 2)
  return {
    element: el,
    read: () => {
      if (el.value.trim() === '') return undefined
      try { return JSON.parse(el.value) } catch { throw new Error(`${path}: not valid JSON`) }
    }
  }
}

function input (path: string, s: JsonSchema, value: unknown): SchemaControl {
  const t = typeOf(s)
  if (t === 'integer' || t === 'number') {
    const el = h('input', {
      type: 'number', name: path, step: t === 'integer' ? '1' : 'any',
      min: s.minimum === undefined ? undefined : String(s.minimum), max: s.maximum === undefined ? undefined : String(s.maximum),
      value: typeof value === 'number' ? String(value) : ''
    })
    return { element: el, read: () => el.value.trim() === '' ? undefined : Number(el.value) }
  }
  const el = h('input', { type: 'text', name: path, value: typeof value === 'string' ? value : '', minlength: s.minLength === undefined ? undefined : String(s.minLength) })
  return { element: el, read: () => el.value === '' ? undefined : el.value }
}

/** One field: its control, bound to its path for the API's errors. */
export function schemaControl (path: string, s: JsonSchema, value: unknown, required: boolean, errors: FieldErrors): SchemaControl {
  const t = typeOf(s)
  const choices = choicesOf(s)
  let control: SchemaControl
  if (t === 'object' && s.properties !== undefined) return objectFieldset(path, s, value, required, errors)
  if (choices !== null) control = select(path, choices, value, !required || value === undefined)
  else if (t === 'boolean' && s.default !== undefined) {
    const el = h('input', { type: 'checkbox', name: path, checked: value === true })
    control = { element: el, read: () => el.checked }
  } else if (t === 'boolean') control = select(path, [true, false], value, true)
  else if (t === 'array' && s.items !== undefined && ['string', 'integer', 'number'].includes(typeOf(s.items) ?? '')) control = scalarArray(path, s, value)
  else if (t === 'object') control = mapLines(path, s, value)
  else if (t === 'string' || t === 'integer' || t === 'number') control = input(path, s, value)
  else control = json(path, value)
  errors.bind(path, control.element)
  const key = path.slice(path.lastIndexOf('.') + 1)
  const mark = required && s.default === undefined ? h('abbr', { class: 'required', title: 'required' }, '*') : null
  return {
    element: h('label', { class: 'schema-field', 'data-field': path },
      h('span', { class: 'field-name' }, key, mark), ' ', control.element,
      s.description !== undefined ? h('small', { class: 'help' }, s.description) : null),
    read: control.read
  }
}

/** An object with properties: a fieldset of its fields, read as the object of the fields given. */
export function objectFieldset (path: string, s: JsonSchema, value: unknown, required: boolean, errors: FieldErrors): SchemaControl {
  const current = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const req = new Set(s.required ?? [])
  const fields = Object.entries(s.properties ?? {}).map(([k, sub]) => ({ k, c: schemaControl(`${path}.${k}`, sub, current[k] ?? sub.default, req.has(k), errors) }))
  const legend = path.slice(path.lastIndexOf('.') + 1)
  const element = h('fieldset', { class: 'schema-object', 'data-field': path },
    h('legend', {}, legend), s.description !== undefined && path.includes('.') ? h('small', { class: 'help' }, s.description) : null,
    ...fields.map((f) => f.c.element))
  errors.bind(path, element)
  return {
    element,
    read: () => {
      const out: Record<string, unknown> = {}
      for (const { k, c } of fields) {
        const v = c.read()
        if (v !== undefined) out[k] = v
      }
      return Object.keys(out).length === 0 && !required && s.default === undefined ? undefined : out
    }
  }
}
