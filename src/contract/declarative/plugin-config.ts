// A plugin's `config` against its schema (src/plugins/<name>/schema.ts): nulls mean "not set" (Kong
// exports write them), then Ajv with useDefaults fills every default on a copy, then the plugin's
// cross-field check. The result's keys are sorted at every level, so the normalised config's JSON
// is canonical as built (config-hash.ts). Validators are compiled once per plugin, on first use.

import { Ajv, type ValidateFunction } from 'ajv'
import { pluginSpec } from '../../plugins/schemas.js'
import type { PluginSpec } from '../../plugins/spec.js'
import { convertError } from './validate-shape.js'
import { isObject } from './paths.js'

export interface PluginConfigResult {
  /** The config with nulls dropped, defaults applied and keys sorted (meaningful only when `issues` is empty). */
  config: Record<string, unknown>
  /** Problems, `path` relative to the config (`''` is the config itself, `minute`, `add.headers[0]`). */
  issues: Array<{ path: string, message: string }>
}

let ajv: Ajv | undefined
const validators = new Map<string, ValidateFunction>()

function validatorOf (spec: PluginSpec): ValidateFunction {
  let validate = validators.get(spec.name)
  if (validate === undefined) {
    ajv ??= new Ajv({ allErrors: true, strict: false, verbose: true, useDefaults: true })
    validate = ajv.compile(spec.schema)
    validators.set(spec.name, validate)
  }
  return validate
}

/** Validates `raw` (a plugin entry's `config`; undefined when absent) for the plugin `spec`. */
export function validatePluginConfig (spec: PluginSpec, raw: unknown): PluginConfigResult {
  const bare = withoutNullsDeep(raw ?? {}) as Record<string, unknown>
  const copy = isObject(bare) && spec.shorthands !== undefined ? spec.shorthands(bare) : bare
  const validate = validatorOf(spec)
  if (!validate(copy)) {
    const issues: PluginConfigResult['issues'] = []
    for (const err of validate.errors ?? []) {
      const converted = convertError(err, copy)
      if (converted !== null) issues.push(converted)
    }
    return { config: copy, issues }
  }
  const issues = spec.check?.(copy as never) ?? []
  return { config: sortKeysDeep(copy) as Record<string, unknown>, issues }
}

/**
 * The normalised config of a bundled plugin (defaults filled in, keys sorted), for a config the
 * contract already accepted (the control plane stores plugins this way). Throws when the name is
 * not bundled or the config is invalid.
 */
export function pluginConfigWithDefaults (name: string, raw: unknown): Record<string, unknown> {
  const spec = pluginSpec(name)
  if (spec === undefined) throw new Error(`unknown plugin "${name}"`)
  const result = validatePluginConfig(spec, raw)
  if (result.issues.length > 0) {
    const first = result.issues[0]
    throw new Error(`invalid config for plugin "${name}": ${first.path === '' ? 'config' : first.path}: ${first.message}`)
  }
  return result.config
}

function withoutNullsDeep (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullsDeep)
  if (!isObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== null) setOwn(out, k, withoutNullsDeep(v))
  return out
}

/** A copy with object keys in code-unit order at every level (the order canonicalJson uses). */
export function sortKeysDeep (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep)
  if (!isObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value).sort()) setOwn(out, k, sortKeysDeep(value[k]))
  return out
}

/** `obj[key] = value` as an own property even for `__proto__` (a JSON key like any other here). */
function setOwn (obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  else obj[key] = value
}
