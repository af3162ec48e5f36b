import type { AdminContext, AdminResult, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import type { Db } from '../store/db.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { CREDENTIAL_KINDS, credentialResponse, credentialsOf, type CredentialKindInfo, type StoredCredential } from './credential-kinds.js'
import { newCredential, patchedCredential, readCredentialBody, type CredentialBody } from './credential-input.js'
import { consumerScope, deleteCredential, requireCredential, writeCredential } from './credential-writes.js'

// Kong's consumer credential endpoints, per runtime group:
//   /runtime-groups/:rg/consumers/:consumer/{key-auth,basic-auth,jwt,acls}[/:cred]
// with list, create, get, patch and delete. A credential is addressed by id or by what identifies
// it in Kong (a key-auth key, a basic-auth username, a JWT key, an ACL group). Responses never
// hold a password or its hash; a key-auth key is answered only by the request that set it.

const TAG = 'Consumer credentials'

function respond (info: CredentialKindInfo, c: StoredCredential, consumerId: string, body: CredentialBody | null): Record<string, unknown> {
  const out = credentialResponse(info, c, consumerId)
  if (body?.plaintextKey != null) out.key = body.plaintextKey
  return out
}

/** Stored field → request field, for errors about a secret the request gave in plaintext. */
function renames (body: CredentialBody, raw: unknown): Record<string, string> {
  const given = (raw ?? {}) as Record<string, unknown>
  const out: Record<string, string> = {}
  if (body.plaintextKey !== null && given.key_hash === undefined) out.key_hash = 'key'
  if (typeof given.password === 'string') out.password_hash = 'password'
  return out
}

function kindRoutes (db: Db, info: CredentialKindInfo): AdminRoute[] {
  const base = `/runtime-groups/:rg/consumers/:consumer/${info.segment}`
  const item = `${base}/:cred`
  const write = (create: boolean) => async (ctx: AdminContext): Promise<AdminResult> => {
    const raw = await ctx.json()
    const body = await readCredentialBody(info, raw, create) // hashing happens before the group is locked
    const out = await db.transaction(async (tx) => {
      const scope = await consumerScope(tx, ctx.params.rg, ctx.params.consumer, true)
      const credential = create ? newCredential(body.fields) : patchedCredential(info, requireCredential(scope, info, ctx.params.cred), body.fields)
      await writeCredential(tx, scope, info, credential, create ? 'create' : 'update', renames(body, raw))
      return respond(info, credential, scope.consumer.id, body)
    })
    return { status: create ? 201 : 200, body: out }
  }
  return [
    {
      method: 'GET', path: base, tag: TAG, summary: `List a consumer's ${info.label}s`,
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        const scope = await consumerScope(db, ctx.params.rg, ctx.params.consumer, false)
        const rows = credentialsOf(scope.consumer.body, info).slice(page.offset, page.offset + page.size + 1)
        return { status: 200, body: pageResult(page, rows.map((c) => respond(info, c, scope.consumer.id, null))) }
      }
    },
    { method: 'POST', path: base, tag: TAG, summary: `Create a ${info.label} for a consumer${info.kind === 'key-auth' ? ' (a key is generated when none is given; the key is answered only here)' : ''}`, handler: write(true) },
    {
      method: 'GET', path: item, tag: TAG, summary: `Get a consumer's ${info.label} by id or ${info.kind === 'key-auth' ? 'key' : info.unique}`,
      handler: async (ctx) => {
        const scope = await consumerScope(db, ctx.params.rg, ctx.params.consumer, false)
        return { status: 200, body: respond(info, requireCredential(scope, info, ctx.params.cred), scope.consumer.id, null) }
      }
    },
    { method: 'PATCH', path: item, tag: TAG, summary: `Update fields of a consumer's ${info.label}`, handler: write(false) },
    {
      method: 'DELETE', path: item, tag: TAG, summary: `Delete a consumer's ${info.label}`,
      handler: async (ctx) => {
        await db.transaction(async (tx) => {
          const scope = await consumerScope(tx, ctx.params.rg, ctx.params.consumer, true)
          await deleteCredential(tx, scope, info, ctx.params.cred)
        })
        return { status: 204 }
      }
    }
  ]
}

export function credentialRoutes ({ db }: ControlPlaneDeps): AdminRoute[] {
  return Object.values(CREDENTIAL_KINDS).flatMap((info) => kindRoutes(db, info))
}
