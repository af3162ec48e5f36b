// Plugin reference tables, rendered from the plugins' config schemas (TypeBox, i.e. JSON Schema):
// the schema is the source of truth for names, types, defaults, bounds and descriptions, so the
// pages cannot drift from what the Admin API and the nodes validate. Pure functions of the specs.

import type { PluginSpec } from '../../src/plugins/spec.js'
import { cell, codeCell, table } from './markdown.js'

/** A JSON Schema node, as far as the plugin schemas use it. */
interface JsonSchema {
  type?: string | string[]
  description?: string
  default?: unknown
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  properties?: Record<string, JsonSchema>
  patternProperties?: Record<string, JsonSchema>
  required?: string[]
}

/** One row of a plugin's field table; nested object fields are dotted (`queue.max_batch_size`). */
export interface PluginField {
  name: string
  type: string
  /** JSON of the default, or undefined when the field has none. */
  default: string | undefined
  /** Markdown fragments (values already in code spans). */
  bounds: string[]
  /** Must be given: listed as required and without a default to fill it in. */
  required: boolean
  description: string
}

/** Every field of the plugin's config, depth first, parents before their fields. */
export function pluginFields (spec: PluginSpec): PluginField[] {
  // JSON round trip: TypeBox marks schemas with symbol keys that are not part of the document.
  const root = JSON.parse(JSON.stringify(spec.schema)) as JsonSchema
  return objectFields(root, '')
}

function objectFields (object: JsonSchema, prefix: string): PluginField[] {
  const required = new Set(object.required ?? [])
  const out: PluginField[] = []
  for (const [key, schema] of Object.entries(object.properties ?? {})) {
    const name = prefix + key
    out.push({
      name,
      type: typeName(schema),
      default: schema.default === undefined ? undefined : JSON.stringify(schema.default),
      bounds: bounds(schema),
      required: required.has(key) && schema.default === undefined,
      description: schema.description ?? ''
    })
    if (schema.properties !== undefined) out.push(...objectFields(schema, name + '.'))
  }
  return out
}

function constType (value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

export function typeName (schema: JsonSchema | undefined): string {
  if (schema === undefined) return 'any'
  if (schema.anyOf !== undefined) {
    const types = [...new Set(schema.anyOf.map((s) => s.const !== undefined ? constType(s.const) : typeName(s)))]
    return types.join(' or ')
  }
  if (schema.const !== undefined) return constType(schema.const)
  if (schema.type === 'array') return schema.items === undefined ? 'array' : `array of ${typeName(schema.items)}`
  if (schema.type === 'object' && schema.properties === undefined && schema.patternProperties !== undefined) {
    const values = Object.values(schema.patternProperties)
    return `map of string → ${values.length === 1 ? typeName(values[0]) : 'any'}`
  }
  if (Array.isArray(schema.type)) return schema.type.join(' or ')
  return schema.type ?? 'any'
}

function range (min: number | undefined, max: number | undefined, what = ''): string | undefined {
  const lead = what === '' ? '' : `${what} `
  if (min !== undefined && max !== undefined) return min === max ? `${lead}exactly ${min}` : `${lead}${min}–${max}`
  if (min !== undefined) return `${lead}≥ ${min}`
  if (max !== undefined) return `${lead}≤ ${max}`
  return undefined
}

function values (list: readonly unknown[]): string {
  return list.map((v) => codeCell(JSON.stringify(v))).join(', ')
}

/** The constraints of one schema node, in words; nested item/value constraints are prefixed. */
export function bounds (schema: JsonSchema): string[] {
  const out: string[] = []
  if (schema.enum !== undefined) out.push(`one of ${values(schema.enum)}`)
  if (schema.const !== undefined) out.push(`exactly ${values([schema.const])}`)
  if (schema.anyOf !== undefined && schema.anyOf.every((s) => s.const !== undefined)) out.push(`one of ${values(schema.anyOf.map((s) => s.const))}`)
  const numbers = range(schema.minimum, schema.maximum)
  if (numbers !== undefined) out.push(numbers)
  if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`)
  if (schema.exclusiveMaximum !== undefined) out.push(`< ${schema.exclusiveMaximum}`)
  const length = range(schema.minLength, schema.maxLength, 'length')
  if (length !== undefined) out.push(length)
  if (schema.pattern !== undefined) out.push(`pattern ${codeCell(schema.pattern)}`)
  if (schema.format !== undefined) out.push(`format ${codeCell(schema.format)}`)
  if (schema.type === 'array') {
    const items = range(schema.minItems, schema.maxItems)
    if (items !== undefined) out.push(`${items} items`)
    if (schema.uniqueItems === true) out.push('unique items')
    if (schema.items !== undefined) out.push(...bounds(schema.items).map((b) => `each: ${b}`))
  }
  if (schema.patternProperties !== undefined) {
    for (const value of Object.values(schema.patternProperties)) out.push(...bounds(value).map((b) => `each value: ${b}`))
  }
  return out
}

/** The generated part of `docs/plugins/<name>.md`: identity line and the field table. */
export function renderPluginFields (spec: PluginSpec): string {
  const rows = pluginFields(spec).map((f) => [
    codeCell(f.name),
    cell(f.type),
    f.default === undefined ? '' : codeCell(f.default),
    f.bounds.join('; '),
    f.required ? 'yes' : '',
    cell(f.description)
  ])
  return [
    `<!-- Generated by \`npm run docs\` from src/plugins/${spec.name}/schema.ts: edit the schema, not this table. -->`,
    `Version \`${spec.version}\`, priority \`${spec.priority}\` (higher runs first). The same schema is served as JSON Schema at \`GET /schemas/plugins/${spec.name}\`.`,
    '',
    table(['field', 'type', 'default', 'bounds', 'required', 'description'], rows)
  ].join('\n')
}

/** The generated table of `docs/plugins/README.md`: every bundled plugin in execution order. */
export function renderPluginList (specs: readonly PluginSpec[]): string {
  const rows = [...specs].sort((a, b) => b.priority - a.priority).map((s) => [
    `[\`${s.name}\`](${s.name}.md)`,
    String(s.priority),
    s.version,
    cell(s.description)
  ])
  return [
    '<!-- Generated by `npm run docs` from src/plugins/schemas.ts (PLUGIN_SPECS): edit the specs, not this table. -->',
    table(['plugin', 'priority', 'version', 'what it does'], rows)
  ].join('\n')
}
