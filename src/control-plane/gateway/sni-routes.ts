import type { AdminContext, AdminResult, AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { allSniResponses, sniResponse } from './certificate-snis.js'
import { deleteSni, requireCertificate, requireSni, sniScope, underCertificate, writeSni } from './sni-writes.js'

// Kong's SNI endpoints, per runtime group:
//   /runtime-groups/:rg/snis[/:sni]
// with list, create, get, patch, put and delete. An SNI is addressed by id or by its name; it
// names its certificate as `certificate: { id }` (stored inside that certificate, certificate-snis.ts).
// Kong's nested /runtime-groups/:rg/certificates/:cert/snis lists and creates one certificate's.

const TAG = 'Gateway entities'

export function sniRoutes ({ db }: ControlPlaneDeps): AdminRoute[] {
  const base = '/runtime-groups/:rg/snis'
  const item = `${base}/:sni`
  const nested = '/runtime-groups/:rg/certificates/:cert/snis'
  const write = (mode: 'create' | 'replace' | 'patch') => async (ctx: AdminContext): Promise<AdminResult> => {
    const body = await ctx.json()
    const out = await db.transaction(async (tx) => {
      const scope = await sniScope(tx, ctx.params.rg, true)
      const { created, sni, certificateId } = await writeSni(tx, scope, mode, ctx.params.sni, body)
      return { created, body: sniResponse(sni, certificateId) }
    })
    return { status: out.created ? 201 : 200, body: out.body }
  }
  return [
    {
      method: 'GET', path: base, tag: TAG, summary: 'List SNIs (every certificate\'s)',
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        const scope = await sniScope(db, ctx.params.rg, false)
        return { status: 200, body: pageResult(page, allSniResponses(scope.entities).slice(page.offset, page.offset + page.size + 1)) }
      }
    },
    { method: 'POST', path: base, tag: TAG, summary: 'Create an SNI of a certificate (409 when the group has that name already)', handler: write('create') },
    {
      method: 'GET', path: item, tag: TAG, summary: 'Get an SNI by id or name',
      handler: async (ctx) => {
        const found = requireSni(await sniScope(db, ctx.params.rg, false), ctx.params.sni)
        return { status: 200, body: sniResponse(found.sni, found.certificate.id) }
      }
    },
    { method: 'PATCH', path: item, tag: TAG, summary: 'Update fields of an SNI (a new certificate moves it)', handler: write('patch') },
    { method: 'PUT', path: item, tag: TAG, summary: 'Create or replace an SNI by id or name', handler: write('replace') },
    {
      method: 'GET', path: nested, tag: TAG, summary: 'List the SNIs of a certificate (by id or SNI name)',
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        const certificate = requireCertificate(await sniScope(db, ctx.params.rg, false), ctx.params.cert)
        return { status: 200, body: pageResult(page, allSniResponses([certificate]).slice(page.offset, page.offset + page.size + 1)) }
      }
    },
    {
      method: 'POST', path: nested, tag: TAG, summary: 'Create an SNI of a certificate (by id or SNI name)',
      handler: async (ctx) => {
        const body = await ctx.json()
        const answer = await db.transaction(async (tx) => {
          const scope = await sniScope(tx, ctx.params.rg, true)
          const { sni, certificateId } = await writeSni(tx, scope, 'create', undefined, underCertificate(body, requireCertificate(scope, ctx.params.cert)))
          return sniResponse(sni, certificateId)
        })
        return { status: 201, body: answer }
      }
    },
    {
      method: 'DELETE', path: item, tag: TAG, summary: 'Delete an SNI',
      handler: async (ctx) => {
        await db.transaction(async (tx) => {
          await deleteSni(tx, await sniScope(tx, ctx.params.rg, true), ctx.params.sni)
        })
        return { status: 204 }
      }
    }
  ]
}
