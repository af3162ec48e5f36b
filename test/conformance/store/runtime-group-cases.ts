import assert from 'node:assert/strict'
import { GatewayError } from '../../../src/errors.js'
import { isUniqueViolation } from '../../../src/control-plane/catalog/sql-errors.js'
import { insertEntities } from '../../../src/control-plane/gateway/entity-store.js'
import {
  bumpConfigVersion, deleteRuntimeGroup, findRuntimeGroup, hasServiceVersions, listRuntimeGroups, lockRuntimeGroup, requireRuntimeGroup, updateRuntimeGroup
} from '../../../src/control-plane/runtime-groups/runtime-group-store.js'
import { addGroup, addPackage, addVersion, countRows, rejection, storeCase, T0, type StoreCaseGroup } from './store-case.js'

// src/control-plane/runtime-groups/runtime-group-store.ts

export const runtimeGroupCases: StoreCaseGroup = {
  name: 'runtime groups',
  cases: [
    storeCase('a group is found by its id in any case or by its name, with its labels; an unknown one is null or 404', async ({ db }) => {
      const group = await addGroup(db, 'production', { description: 'live', labels: { env: 'prod', team: 'core' } })
      assert.deepEqual(await findRuntimeGroup(db, group.id), group)
      assert.deepEqual(await findRuntimeGroup(db, group.id.toUpperCase()), group)
      assert.deepEqual(await findRuntimeGroup(db, 'production'), group)
      assert.equal(await findRuntimeGroup(db, 'Production'), null, 'names are case-sensitive')
      assert.equal(await findRuntimeGroup(db, '00000000-0000-4000-8000-000000000000'), null)
      const err = await rejection(requireRuntimeGroup(db, 'staging'))
      assert.ok(err instanceof GatewayError && err.code === 'ATRIUM_ERR_ADMIN_NOT_FOUND')
    }),

    storeCase('a name is unique', async ({ db }) => {
      await addGroup(db, 'dev')
      assert.ok(isUniqueViolation(await rejection(addGroup(db, 'dev'))))
    }),

    storeCase('groups list in name order, a page of size + 1 rows at an offset', async ({ db }) => {
      for (const name of ['c', 'a', 'd', 'b']) await addGroup(db, name)
      assert.deepEqual((await listRuntimeGroups(db, { size: 2, offset: 0 })).map((g) => g.name), ['a', 'b', 'c'])
      assert.deepEqual((await listRuntimeGroups(db, { size: 2, offset: 2 })).map((g) => g.name), ['c', 'd'])
      assert.deepEqual(await listRuntimeGroups(db, { size: 2, offset: 4 }), [])
    }),

    storeCase('an update changes name, description, labels and updated_at, never config_version or created_at', async ({ db }) => {
      const group = await addGroup(db, 'stage', { config_version: 7 })
      await updateRuntimeGroup(db, { ...group, name: 'staging', description: 'pre-prod', labels: { a: 'b' }, config_version: 99, created_at: 1, updated_at: T0 + 60 })
      assert.deepEqual(await findRuntimeGroup(db, group.id), { ...group, name: 'staging', description: 'pre-prod', labels: { a: 'b' }, updated_at: T0 + 60 })
    }),

    storeCase('config versions bumped by concurrent transactions under the group lock are 1…N, each with its config_changes row', async ({ db }) => {
      const group = await addGroup(db, 'busy')
      const versions = await Promise.all(Array.from({ length: 15 }, async (_, i) => await db.transaction(async (tx) => {
        const locked = await lockRuntimeGroup(tx, 'busy')
        return await bumpConfigVersion(tx, locked.id, `change ${i}`)
      })))
      assert.deepEqual([...versions].sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => i + 1))
      assert.equal((await findRuntimeGroup(db, group.id))?.config_version, 15)
      const changes = await db.query<{ config_version: unknown, summary: string }>('SELECT config_version, summary FROM config_changes WHERE runtime_group_id = $1 ORDER BY config_version', [group.id])
      assert.deepEqual(changes.map((c) => Number(c.config_version)), Array.from({ length: 15 }, (_, i) => i + 1))
      assert.equal(new Set(changes.map((c) => c.summary)).size, 15)
      const err = await rejection(db.transaction(async (tx) => await lockRuntimeGroup(tx, 'gone')))
      assert.ok(err instanceof GatewayError && err.code === 'ATRIUM_ERR_ADMIN_NOT_FOUND')
    }),

    storeCase('deleting a group deletes its config changes and gateway entities, and leaves other groups alone', async ({ db }) => {
      const doomed = await addGroup(db, 'tmp')
      const kept = await addGroup(db, 'kept')
      for (const g of [doomed, kept]) {
        await bumpConfigVersion(db, g.id, 'one')
        await insertEntities(db, g.id, [{ id: `svc-${g.name}`, kind: 'service', name: 'svc', service_id: null, route_id: null, consumer_id: null, body: {}, position: 0, created_at: T0, updated_at: T0 }])
      }
      await deleteRuntimeGroup(db, doomed.id)
      assert.equal(await findRuntimeGroup(db, doomed.id), null)
      assert.deepEqual(await db.query('SELECT runtime_group_id FROM config_changes'), [{ runtime_group_id: kept.id }])
      assert.deepEqual(await db.query('SELECT id FROM gateway_entities'), [{ id: 'svc-kept' }])
    }),

    storeCase('hasServiceVersions says whether a catalog version lives in the group', async ({ db }) => {
      const used = await addGroup(db, 'used')
      const free = await addGroup(db, 'free')
      await addVersion(db, await addPackage(db, 'Payments'), used, 'v1')
      assert.equal(await hasServiceVersions(db, used.id), true)
      assert.equal(await hasServiceVersions(db, free.id), false)
      assert.equal(await countRows(db, 'service_versions'), 1)
    })
  ]
}
