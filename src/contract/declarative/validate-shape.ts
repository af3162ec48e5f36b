// Shape validation with Ajv against schema.ts, compiled once. Ajv's errors are turned into short
// messages on `a[0].b` paths; anything we have no wording for keeps Ajv's own message.

import { Ajv, type ErrorObject } from 'ajv'
import { DeclarativeSchema } from './schema.js'
import { joinPath, pointerToPath } from './paths.js'
import type { Issues } from './types.js'

let compiled: ReturnType<Ajv['compile']> | undefined

function validator (): ReturnType<Ajv['compile']> {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true })
    compiled = ajv.compile(DeclarativeSchema)
  }
  return compiled
}

/** Reports every shape error of `doc`; returns true when there was none. */
export function validateShape (doc: unknown, issues: Issues): boolean {
  const validate = validator()
  if (validate(doc)) return true
  for (const err of validate.errors ?? []) {
    const converted = convertError(err, doc)
    if (converted !== null) issues.error(converted.path, converted.message)
  }
  return false
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  array: 'a list',
  object: 'an object'
}

export function convertError (err: ErrorObject, doc: unknown): { path: string, message: string } | null {
  const path = pointerToPath(err.instancePath, doc)
  const parent = (err.parentSchema ?? {}) as Record<string, unknown>
  const params = err.params as Record<string, unknown>
  switch (err.keyword) {
    case 'additionalProperties':
      return { path: joinPath(path, String(params.additionalProperty)), message: 'unknown field' }
    case 'required':
      return { path: joinPath(path, String(params.missingProperty)), message: 'is required' }
    case 'type':
      return { path, message: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}` }
    case 'minimum':
    case 'maximum':
      return { path, message: rangeMessage(parent) }
    case 'enum':
      return { path, message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` }
    case 'pattern':
      return { path, message: typeof parent.errorMessage === 'string' ? parent.errorMessage : `must match ${String(params.pattern)}` }
    case 'minLength':
      return { path, message: params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} characters` }
    case 'minItems':
      return { path, message: params.limit === 1 ? 'must not be an empty list' : `must have at least ${String(params.limit)} items` }
    default:
      return { path, message: err.message ?? 'is invalid' }
  }
}

function rangeMessage (schema: Record<string, unknown>): string {
  const { minimum, maximum } = schema
  if (typeof minimum === 'number' && typeof maximum === 'number') return `must be between ${minimum} and ${maximum}`
  if (typeof minimum === 'number') return `must be at least ${minimum}`
  return `must be at most ${String(maximum)}`
}
