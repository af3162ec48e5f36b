// Small schema builders shared by plugin schemas. Messages in `errorMessage` are printed by the
// contract instead of Ajv's (Ajv ignores the keyword: strict mode is off).

import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox'

/** A string that must be one of `values` (JSON Schema `enum`, which gives the clearest error). */
export function StringEnum<T extends string> (values: readonly T[], options: Record<string, unknown> = {}): TUnsafe<T> & TSchema {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options })
}

/** RFC 9110 token: what an HTTP header name may contain. */
export const HEADER_NAME_PATTERN = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"

export function HeaderName (options: Record<string, unknown> = {}): ReturnType<typeof Type.String> {
  return Type.String({ pattern: HEADER_NAME_PATTERN, errorMessage: 'must be a valid header name', ...options })
}

/** An auth challenge's realm (`WWW-Authenticate: Basic realm="…"`): printable, without `"` or `\`. */
export function Realm (options: Record<string, unknown> = {}): ReturnType<typeof Type.String> {
  return Type.String({ pattern: '^[^"\\\\\\u0000-\\u001f\\u007f]*$', errorMessage: 'must be printable text without " or \\', ...options })
}
