import type { ErrorCode, FieldError } from '../../errors.js'
import type { GatewayConfig } from '../gateway-config.js'

/** An error or warning about one field; `path` is written like `services[0].routes[2].paths[0]`. */
export type FieldIssue = FieldError

export interface DeclarativeOptions {
  /** Used to detect JSON (`.json`) and in messages; nothing is read from disk. */
  filename?: string
}

export type DeclarativeResult =
  | { ok: true, config: GatewayConfig, hash: string, warnings: FieldIssue[] }
  | {
    ok: false
    /** ATRIUM_ERR_CONFIG_READ, ATRIUM_ERR_CONFIG_PARSE or ATRIUM_ERR_CONFIG_INVALID. */
    code: ErrorCode
    errors: FieldIssue[]
    warnings: FieldIssue[]
  }

/** Collects every problem found; checks never stop at the first one. */
export interface Issues {
  errors: FieldIssue[]
  warnings: FieldIssue[]
  error (path: string, message: string): void
  warn (path: string, message: string): void
}

export function createIssues (): Issues {
  const errors: FieldIssue[] = []
  const warnings: FieldIssue[] = []
  const seen = new Set<string>()
  return {
    errors,
    warnings,
    error (path, message) {
      const key = `${path}\u0000${message}`
      if (seen.has(key)) return
      seen.add(key)
      errors.push({ path, message })
    },
    warn (path, message) {
      warnings.push({ path, message })
    }
  }
}

/** Orders issues by path, indexes numerically, so problems of one entity read together. */
export function sortIssues (list: FieldIssue[]): FieldIssue[] {
  const collator = new Intl.Collator('en', { numeric: true })
  return list
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => collator.compare(a.issue.path, b.issue.path) || a.i - b.i)
    .map(({ issue }) => issue)
}
