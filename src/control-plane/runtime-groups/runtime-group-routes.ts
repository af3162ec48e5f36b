import { GatewayError } from '../../errors.js'
import type { AdminRoute } from '../admin-api/admin-route.js'
import type { ControlPlaneDeps } from '../deps.js'
import type { DbExecutor } from '../store/db.js'
import { isUuid, newId, nowSeconds } from '../shared/ids.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { invalid, readRuntimeGroupInput, type RuntimeGroupInput } from './runtime-group-input.js'
import {
  deleteRuntimeGroup, findRuntimeGroup, hasServiceVersions, insertRuntimeGroup, listRuntimeGroups,
  requireRuntimeGroup, updateRuntimeGroup, type RuntimeGroup
} from './runtime-group-store.js'

const TAG = 'Runtime groups'

async function assertNameFree (tx: DbExecutor, name: string, selfId: string | null): Promise<void> {
  const other = await findRuntimeGroup(tx, name)
  if (other !== null && other.id !== selfId && other.name === name) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `a runtime group named "${name}" already exists`, { fields: [{ path: 'name', message: 'already exists' }] })
  }
}

async function create (tx: DbExecutor, input: RuntimeGroupInput): Promise<RuntimeGroup> {
  const name = input.name as string
  await assertNameFree(tx, name, null)
  if (input.id !== undefined && (await findRuntimeGroup(tx, input.id))?.id === input.id) {
    throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `a runtime group with id "${input.id}" already exists`, { fields: [{ path: 'id', message: 'already exists' }] })
  }
  const now = nowSeconds()
  const group: RuntimeGroup = {
    id: input.id ?? newId(), name, description: input.description ?? null, labels: input.labels ?? {}, public_url: input.public_url ?? null, config_version: 0, created_at: now, updated_at: now
  }
  await insertRuntimeGroup(tx, group)
  return group
}

async function update (tx: DbExecutor, current: RuntimeGroup, input: RuntimeGroupInput, replace: boolean): Promise<RuntimeGroup> {
  if (input.id !== undefined && input.id !== current.id) throw invalid([{ path: 'id', message: 'cannot be changed' }])
  const next: RuntimeGroup = replace
    ? { ...current, name: input.name ?? current.name, description: input.description ?? null, labels: input.labels ?? {}, public_url: input.public_url ?? null }
    : { ...current, ...input, id: current.id }
  if (next.name !== current.name) await assertNameFree(tx, next.name, current.id)
  next.updated_at = nowSeconds()
  await updateRuntimeGroup(tx, next)
  return next
}

/** `/runtime-groups` and `/runtime-groups/:rg`, the group addressed by id or name. */
export function runtimeGroupRoutes ({ db }: ControlPlaneDeps): AdminRoute[] {
  return [
    {
      method: 'GET', path: '/runtime-groups', tag: TAG, summary: 'List runtime groups',
      handler: async (ctx) => {
        const page = readPage(ctx.query)
        return { status: 200, body: pageResult(page, await listRuntimeGroups(db, page)) }
      }
    },
    {
      method: 'POST', path: '/runtime-groups', tag: TAG, summary: 'Create a runtime group',
      handler: async (ctx) => {
        const input = readRuntimeGroupInput(await ctx.json(), false)
        return { status: 201, body: await db.transaction((tx) => create(tx, input)) }
      }
    },
    {
      method: 'GET', path: '/runtime-groups/:rg', tag: TAG, summary: 'Get a runtime group by id or name',
      handler: async (ctx) => ({ status: 200, body: await requireRuntimeGroup(db, ctx.params.rg) })
    },
    {
      method: 'PATCH', path: '/runtime-groups/:rg', tag: TAG, summary: 'Update fields of a runtime group',
      handler: async (ctx) => {
        const input = readRuntimeGroupInput(await ctx.json(), true)
        return { status: 200, body: await db.transaction(async (tx) => update(tx, await requireRuntimeGroup(tx, ctx.params.rg), input, false)) }
      }
    },
    {
      method: 'PUT', path: '/runtime-groups/:rg', tag: TAG, summary: 'Create or replace a runtime group by id or name',
      handler: async (ctx) => {
        const ref = ctx.params.rg
        const body = await ctx.json()
        const input = readRuntimeGroupInput(body, true)
        return await db.transaction(async (tx) => {
          const current = await findRuntimeGroup(tx, ref)
          if (current !== null) return { status: 200, body: await update(tx, current, input, true) }
          if (isUuid(ref)) {
            if (input.id !== undefined && input.id !== ref.toLowerCase()) throw invalid([{ path: 'id', message: 'must match the id in the URL' }])
            if (input.name === undefined) throw invalid([{ path: 'name', message: 'is required' }])
            return { status: 201, body: await create(tx, { ...input, id: ref.toLowerCase() }) }
          }
          if (input.name !== undefined && input.name !== ref) throw invalid([{ path: 'name', message: 'must match the name in the URL' }])
          const checked = readRuntimeGroupInput({ ...(body as object), name: ref }, false)
          return { status: 201, body: await create(tx, checked) }
        })
      }
    },
    {
      method: 'DELETE', path: '/runtime-groups/:rg', tag: TAG, summary: 'Delete a runtime group and its gateway entities',
      handler: async (ctx) => {
        await db.transaction(async (tx) => {
          const group = await requireRuntimeGroup(tx, ctx.params.rg)
          if (await hasServiceVersions(tx, group.id)) {
            throw new GatewayError('ATRIUM_ERR_ADMIN_CONFLICT', `runtime group "${group.name}" still has service versions; delete or move them first`)
          }
          await deleteRuntimeGroup(tx, group.id)
        })
        return { status: 204 }
      }
    }
  ]
}
