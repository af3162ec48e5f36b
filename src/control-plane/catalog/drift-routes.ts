import { GatewayError, type FieldError } from '../../errors.js'
import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import { readTime, requestedPaths } from '../analytics/index.js'
import { nowSeconds } from '../shared/ids.js'
import { requirePackage } from './package-store.js'
import { versionAddress } from './query-input.js'
import { findSpecDocument } from './spec-store.js'
import { specDrift } from './version-drift.js'
import { requireVersion } from './version-store.js'

// GET /service-packages/{id}/versions/{vid}/drift?from=&to=: the version's spec against the requests
// its implementation served in the window (version-drift.ts), from the paths nodes report
// (analytics_paths). Default window: the last hour.

export function driftRoutes ({ db }: ControlPlaneDeps): AdminRoute[] {
  return [{
    method: 'GET',
    path: '/service-packages/:id/versions/:vid/drift',
    tag: 'Service catalog',
    summary: 'Spec drift of a version over ?from=&to= (epoch seconds or RFC 3339; default the last hour): documented operations never called, ' +
      'requests no operation documents (with counts and example paths), statuses an operation answered that its spec does not declare',
    handler: async (ctx) => {
      const fields: FieldError[] = []
      const to = readTime(ctx.query, 'to', fields) ?? nowSeconds()
      const from = readTime(ctx.query, 'from', fields) ?? to - 3600
      if (fields.length === 0 && from >= to) fields.push({ path: 'from', message: 'must be before to' })
      if (fields.length > 0) throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'the drift window is invalid', { fields })
      const pkg = await requirePackage(db, ctx.params.id)
      const version = await requireVersion(db, pkg.id, versionAddress(ctx.params, ctx.query))
      const text = await findSpecDocument(db, version.id)
      if (text === null) throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `version "${version.version}" has no API spec to compare traffic with`)
      const observed = version.service_id === null ? [] : await requestedPaths(db, version.runtime_group_id, version.service_id, from - (from % 60), to)
      return {
        status: 200,
        body: { version: version.version, runtime_group: { id: version.runtime_group_id, name: version.runtime_group_name }, from, to, ...specDrift(JSON.parse(text) as Record<string, unknown>, observed) }
      }
    }
  }]
}
