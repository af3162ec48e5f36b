import assert from 'node:assert/strict'
import { isUniqueViolation } from '../../../src/control-plane/catalog/sql-errors.js'
import {
  deleteAllEntities, deleteEntities, findEntity, insertEntities, listEntities, loadEntities, loadEntitiesById, readRevisions, referencing, updateEntity
} from '../../../src/control-plane/gateway/entity-store.js'
import type { EntityKind, StoredEntity } from '../../../src/control-plane/gateway/entity-types.js'
import { addGroup, rejection, storeCase, T0, type StoreCaseGroup } from './store-case.js'

// src/control-plane/gateway/entity-store.ts: bulk writes in batches of 500 rows, revisions, references.

function uuid (n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

function entity (kind: EntityKind, n: number, fields: Partial<StoredEntity> = {}): StoredEntity {
  return {
    id: uuid(n), kind, name: kind === 'plugin' ? null : `${kind}-${n}`, service_id: null, route_id: null, consumer_id: null,
    body: { n, nested: { list: [1, 'two', null], ok: true } }, position: n, created_at: T0, updated_at: T0, ...fields
  }
}

export const gatewayEntityCases: StoreCaseGroup = {
  name: 'gateway entities',
  cases: [
    storeCase('more than a batch of entities is inserted and loaded back by kind, then position, bodies intact', async ({ db }) => {
      const group = await addGroup(db, 'big')
      const services = Array.from({ length: 1201 }, (_, i) => entity('service', 1201 - i, { position: i }))
      const routes = Array.from({ length: 3 }, (_, i) => entity('route', 5000 + i, { position: i, service_id: services[i].id }))
      await insertEntities(db, group.id, [...routes, ...services])
      const loaded = await loadEntities(db, group.id)
      assert.equal(loaded.length, 1204)
      assert.deepEqual(loaded.slice(0, 3), routes, 'route sorts before service, by position')
      assert.deepEqual(loaded.slice(3), services)
    }),

    storeCase('an entity is found by id in any case or by name; plugins by id only; other groups do not see it', async ({ db }) => {
      const group = await addGroup(db, 'g')
      const other = await addGroup(db, 'other')
      const svc = entity('service', 1)
      const plugin = entity('plugin', 2, { name: 'cors', service_id: svc.id })
      await insertEntities(db, group.id, [svc, plugin])
      assert.deepEqual(await findEntity(db, group.id, 'service', svc.id.toUpperCase()), svc)
      assert.deepEqual(await findEntity(db, group.id, 'service', 'service-1'), svc)
      assert.deepEqual(await findEntity(db, group.id, 'plugin', plugin.id), plugin)
      assert.equal(await findEntity(db, group.id, 'plugin', 'cors'), null)
      assert.equal(await findEntity(db, group.id, 'route', svc.id), null)
      assert.equal(await findEntity(db, other.id, 'service', svc.id), null)
    }),

    storeCase('a list is one page in position order, optionally of one service\'s entities', async ({ db }) => {
      const group = await addGroup(db, 'g')
      const [a, b] = [entity('service', 1), entity('service', 2)]
      const routes = [entity('route', 10, { position: 2, service_id: a.id }), entity('route', 11, { position: 0, service_id: b.id }), entity('route', 12, { position: 1, service_id: a.id })]
      await insertEntities(db, group.id, [a, b, ...routes])
      assert.deepEqual((await listEntities(db, group.id, 'route', { size: 2, offset: 0 })).map((e) => e.name), ['route-11', 'route-12', 'route-10'])
      assert.deepEqual((await listEntities(db, group.id, 'route', { size: 2, offset: 2 })).map((e) => e.name), ['route-10'])
      assert.deepEqual((await listEntities(db, group.id, 'route', { size: 10, offset: 0 }, { service_id: a.id })).map((e) => e.name), ['route-12', 'route-10'])
    }),

    storeCase('every insert and update gives the row a new revision, which readRevisions and loadEntitiesById (beyond a batch of ids) return', async ({ db }) => {
      const group = await addGroup(db, 'g')
      const all = Array.from({ length: 600 }, (_, i) => entity('consumer', i))
      await insertEntities(db, group.id, all)
      const before = await readRevisions(db, group.id)
      assert.equal(before.length, 600)
      assert.equal(new Set(before.map((r) => r.revision)).size, 600, 'distinct revisions')
      await updateEntity(db, group.id, { ...all[5], name: 'renamed', body: { changed: true }, updated_at: T0 + 1 })
      const after = await readRevisions(db, group.id)
      const changed = after.filter((r, i) => r.revision !== before[i].revision).map((r) => r.id)
      assert.deepEqual(changed, [all[5].id])
      const byId = await loadEntitiesById(db, group.id, all.map((e) => e.id))
      assert.equal(byId.length, 600)
      const five = byId.find((r) => r.entity.id === all[5].id)
      assert.deepEqual(five?.entity, { ...all[5], name: 'renamed', body: { changed: true }, updated_at: T0 + 1 })
      assert.equal(five?.revision, after[5].revision)
    }),

    storeCase('deletes by id beyond a batch, finds who references a service, and deletes a whole group\'s entities', async ({ db }) => {
      const group = await addGroup(db, 'g')
      const other = await addGroup(db, 'other')
      const svc = entity('service', 1)
      const consumers = Array.from({ length: 700 }, (_, i) => entity('consumer', 100 + i))
      const users = [entity('route', 2, { service_id: svc.id }), entity('plugin', 3, { service_id: svc.id })]
      await insertEntities(db, group.id, [svc, ...users, ...consumers])
      await insertEntities(db, other.id, [svc])
      assert.deepEqual((await referencing(db, group.id, 'service_id', [svc.id])).map((e) => e.id).sort(), users.map((e) => e.id).sort())
      assert.deepEqual(await referencing(db, group.id, 'service_id', []), [])
      await deleteEntities(db, group.id, consumers.slice(0, 650).map((e) => e.id))
      assert.equal((await loadEntities(db, group.id)).length, 3 + 50)
      await deleteAllEntities(db, group.id)
      assert.deepEqual(await loadEntities(db, group.id), [])
      assert.deepEqual(await loadEntities(db, other.id), [svc], 'the other group keeps its copy')
    }),

    storeCase('a name is unique per group and kind; the same id and name may exist in another group', async ({ db }) => {
      const group = await addGroup(db, 'g')
      const other = await addGroup(db, 'other')
      await insertEntities(db, group.id, [entity('service', 1), entity('route', 2, { name: 'service-1' })])
      assert.ok(isUniqueViolation(await rejection(insertEntities(db, group.id, [entity('service', 3, { name: 'service-1' })]))))
      assert.ok(isUniqueViolation(await rejection(insertEntities(db, group.id, [entity('consumer', 1)]))), 'an id is unique in its group')
      await insertEntities(db, other.id, [entity('service', 1)])
      assert.equal((await loadEntities(db, other.id)).length, 1)
    })
  ]
}
