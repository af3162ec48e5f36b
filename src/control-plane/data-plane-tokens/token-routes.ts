import { GatewayError, type FieldError } from '../../errors.js'
import type { AdminContext, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { isUuid } from '../shared/ids.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { requireRuntimeGroup, type RuntimeGroup } from '../runtime-groups/index.js'
import { issueDataPlaneToken } from './issue-token.js'
import { deleteToken, listTokens, type DataPlaneToken } from './token-store.js'

// `/runtime-groups/:rg/data-plane-tokens`: a token joins a data-plane node to this group (and only
// this group). The secret is in the POST response only; lists show metadata.

const TAG = 'Hybrid mode'
const MAX_NAME = 200
const MAX_DESCRIPTION = 1000

interface TokenInput { name: string | null, description: string | null }

function invalid (fields: FieldError[]): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_INVALID', fields.map((f) => `${f.path || 'body'}: ${f.message}`).join('; '), { fields })
}

/** The optional body `{ name?, description? }`; an empty body (with or without a Content-Type) is `{}`. */
async function readTokenInput (ctx: AdminContext): Promise<TokenInput> {
  const { text, mediaType } = await ctx.text()
  if (text.trim() === '') return { name: null, description: null }
  if (mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_UNSUPPORTED_MEDIA_TYPE', `expected Content-Type: application/json, got "${mediaType || '(none)'}"`)
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (err) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_BAD_JSON', `request body is not valid JSON: ${(err as Error).message}`)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid([{ path: '', message: 'must be a JSON object' }])
  const b = body as Record<string, unknown>
  const errors: FieldError[] = []
  for (const key of Object.keys(b)) if (key !== 'name' && key !== 'description') errors.push({ path: key, message: 'unknown field' })
  const text1 = (key: string, max: number): string | null => {
    const v = b[key]
    if (v === undefined || v === null) return null
    if (typeof v !== 'string' || v.length > max || v.includes('\0')) {
      errors.push({ path: key, message: `must be a string of at most ${max} characters` })
      return null
    }
    return v
  }
  const input = { name: text1('name', MAX_NAME), description: text1('description', MAX_DESCRIPTION) }
  if (errors.length > 0) throw invalid(errors)
  return input
}

function toResponse (token: DataPlaneToken, group: RuntimeGroup): Record<string, unknown> {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    runtime_group: { id: group.id, name: group.name },
    created_at: token.created_at,
    last_used_at: token.last_used_at
  }
}

export function dataPlaneTokenRoutes ({ db, dataPlanes }: ControlPlaneDeps): AdminRoute[] {
  const base = '/runtime-groups/:rg/data-plane-tokens'
  return [
    {
      method: 'POST', path: base, tag: TAG, bodyLimit: 16 * 1024,
      summary: 'Issue a data-plane token for the group (optional body {name, description}); the token is shown only in this response',
      handler: async (ctx) => {
        const input = await readTokenInput(ctx)
        const { token, group, secret } = await issueDataPlaneToken(db, ctx.params.rg, input)
        return { status: 201, body: { ...toResponse(token, group), token: secret } }
      }
    },
    {
      method: 'GET', path: base, tag: TAG, summary: 'List the group\'s data-plane tokens (never their secrets)',
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        const group = await requireRuntimeGroup(db, ctx.params.rg)
        const rows = await listTokens(db, group.id, page)
        return { status: 200, body: pageResult(page, rows.map((t) => toResponse(t, group))) }
      }
    },
    {
      method: 'DELETE', path: `${base}/:id`, tag: TAG, summary: 'Revoke a data-plane token and disconnect its nodes at once',
      handler: async (ctx) => {
        const id = ctx.params.id
        const deleted = await db.transaction(async (tx) => {
          const group = await requireRuntimeGroup(tx, ctx.params.rg)
          return isUuid(id) && await deleteToken(tx, group.id, id)
        })
        if (!deleted) throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no data-plane token with id "${id}" in this runtime group`)
        dataPlanes?.disconnectToken(id.toLowerCase())
        return { status: 204 }
      }
    }
  ]
}
