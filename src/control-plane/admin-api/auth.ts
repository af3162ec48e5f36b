import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { GatewayError } from '../../errors.js'
import type { AdminRole } from './admin-route.js'

/** Tokens are kept only as SHA-256 digests; a lookup compares digests, not secrets. */
export interface AdminAuth {
  enabled: boolean
  /** The role of `Authorization: Bearer …`, or null when unknown/missing. */
  roleOf: (authorization: string | undefined) => AdminRole | null
}

function digest (token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/**
 * Parses `role:token` pairs separated by commas or new lines (`admin:s3cret,viewer:l00k`).
 * Throws a usage error naming the bad entry.
 */
export function parseAdminTokens (text: string, source: string): Map<string, AdminRole> {
  const tokens = new Map<string, AdminRole>()
  for (const raw of text.split(/[,\n]/)) {
    const entry = raw.trim()
    if (entry === '' || entry.startsWith('#')) continue
    const colon = entry.indexOf(':')
    const role = entry.slice(0, colon)
    const token = entry.slice(colon + 1)
    if (colon < 0 || (role !== 'admin' && role !== 'viewer') || token.length < 8) {
      throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `${source}: expected role:token with role admin or viewer and a token of at least 8 characters, got "${entry.slice(0, 20)}…"`)
    }
    tokens.set(digest(token), role)
  }
  return tokens
}

/**
 * `internalAdminToken`: a secret a process holds for its own calls (`atrium start` seeding its store
 * through the Admin API). It is accepted only when tokens are configured: it never turns auth on.
 */
export function createAdminAuth (options: { tokens?: string, tokenFile?: string, internalAdminToken?: string }): AdminAuth {
  const tokens = new Map<string, AdminRole>()
  if (options.tokens !== undefined && options.tokens.trim() !== '') {
    for (const [k, v] of parseAdminTokens(options.tokens, 'ATRIUM_ADMIN_TOKENS')) tokens.set(k, v)
  }
  if (options.tokenFile !== undefined) {
    for (const [k, v] of parseAdminTokens(readFileSync(options.tokenFile, 'utf8'), options.tokenFile)) tokens.set(k, v)
  }
  if (tokens.size > 0 && options.internalAdminToken !== undefined) tokens.set(digest(options.internalAdminToken), 'admin')
  return {
    enabled: tokens.size > 0,
    roleOf (authorization) {
      if (authorization === undefined) return null
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
      return m === null ? null : tokens.get(digest(m[1])) ?? null
    }
  }
}
