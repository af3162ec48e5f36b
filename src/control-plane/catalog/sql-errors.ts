import { GatewayError } from '../../errors.js'

// Both stores report constraint violations with their own codes; a unique or foreign-key violation
// that slipped past a pre-check (two writers racing) must still answer 409, never 500.

function codeOf (err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
}

export function isUniqueViolation (err: unknown): boolean {
  const code = codeOf(err)
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

export function isForeignKeyViolation (err: unknown): boolean {
  const code = codeOf(err)
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
}

/** Runs a write; a constraint violation becomes a 409 with `message`. */
export async function mapConstraintErrors<T> (write: () => Promise<T>, message: string): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (isUniqueViolation(err) || isForeignKeyViolation(err)) {
      throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', message, { cause: err })
    }
    throw err
  }
}
