import assert from 'node:assert/strict'
import { GatewayError } from '../../../src/errors.js'
import { isForeignKeyViolation, isUniqueViolation, mapConstraintErrors } from '../../../src/control-plane/catalog/sql-errors.js'
import { insertToken } from '../../../src/control-plane/data-plane-tokens/token-store.js'
import { lockRuntimeGroup } from '../../../src/control-plane/runtime-groups/runtime-group-store.js'
import { newId } from '../../../src/control-plane/shared/ids.js'
import { addGroup, countRows, rejection, storeCase, T0, type StoreCaseGroup } from './store-case.js'

// The Db seam itself (src/control-plane/store/db.ts): one SQL text, PostgreSQL-style, behaves the
// same on both stores.

const tick = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

export const dbCases: StoreCaseGroup = {
  name: 'Db',
  cases: [
    storeCase('a $n placeholder may appear several times, undefined binds as NULL, and BIGINT reads back as an exact number', async ({ db }) => {
      const big = 2 ** 53 - 1
      await db.query('INSERT INTO runtime_groups (id, name, description, labels, config_version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)',
        ['g1', 'one', undefined, '{}', big, T0])
      const rows = await db.query<{ id: string, description: unknown, config_version: unknown, created_at: unknown }>(
        'SELECT id, description, config_version, created_at FROM runtime_groups WHERE id = $1 OR name = $1', ['g1'])
      assert.deepEqual(rows, [{ id: 'g1', description: null, config_version: big, created_at: T0 }])
      assert.deepEqual(await db.query('SELECT id FROM runtime_groups WHERE name = $1 AND id = $1', ['g1']), [])
    }),

    storeCase('text round-trips exactly: Unicode beyond the BMP, quotes, backslashes, newlines and a MiB of it', async ({ db }) => {
      const texts = ['naïve café ☕ 😀 𝄞', 'it\'s "quoted" \\ back\\slash %_ \n\t\r', 'x'.repeat(1024 * 1024)]
      for (const [i, text] of texts.entries()) await addGroup(db, `t${i}`, { description: text })
      const rows = await db.query<{ description: string }>('SELECT description FROM runtime_groups ORDER BY name')
      assert.deepEqual(rows.map((r) => r.description), texts)
    }),

    storeCase('a transaction commits when its function resolves and answers its result; when it throws, nothing it wrote stays', async ({ db }) => {
      const result = await db.transaction(async (tx) => {
        await addGroup(tx, 'kept')
        return 42
      })
      assert.equal(result, 42)
      const err = await rejection(db.transaction(async (tx) => {
        await addGroup(tx, 'lost-1')
        await tx.query('UPDATE runtime_groups SET description = $1 WHERE name = $2', ['changed', 'kept'])
        await addGroup(tx, 'lost-2')
        throw new Error('changed my mind')
      }))
      assert.match(String(err), /changed my mind/)
      assert.deepEqual(await db.query('SELECT name, description FROM runtime_groups ORDER BY name'), [{ name: 'kept', description: null }])
    }),

    storeCase('a failed statement inside a transaction rolls the whole transaction back', async ({ db }) => {
      await addGroup(db, 'taken')
      const err = await rejection(db.transaction(async (tx) => {
        await addGroup(tx, 'first')
        await addGroup(tx, 'taken')
      }))
      assert.ok(isUniqueViolation(err), String(err))
      assert.deepEqual((await db.query<{ name: string }>('SELECT name FROM runtime_groups')).map((r) => r.name), ['taken'])
    }),

    storeCase('a read outside a transaction never sees what an open transaction wrote', async ({ db }) => {
      let release = (): void => {}
      const gate = new Promise<void>((resolve) => { release = resolve })
      let committed = false
      const writer = db.transaction(async (tx) => {
        await addGroup(tx, 'pending')
        await gate
      }).then(() => { committed = true })
      await tick()
      const read = db.query('SELECT name FROM runtime_groups').then((rows) => ({ rows, committed }))
      for (let i = 0; i < 5; i++) await tick()
      release()
      await writer
      const seen = await read
      // PostgreSQL answers at once (without the row); SQLite waits for the writer of its connection.
      assert.ok(seen.rows.length === 0 || seen.committed, `read ${JSON.stringify(seen.rows)} before the commit`)
    }),

    storeCase('transactions that lock the same runtime group run one after the other: no update is lost', async ({ db }) => {
      const group = await addGroup(db, 'counted')
      await Promise.all(Array.from({ length: 20 }, async () => await db.transaction(async (tx) => {
        const locked = await lockRuntimeGroup(tx, group.id)
        await tick() // read-modify-write with a pause: without the lock, another writer would slip in here
        await tx.query('UPDATE runtime_groups SET config_version = $2 WHERE id = $1', [group.id, locked.config_version + 1])
      })))
      assert.deepEqual(await db.query('SELECT config_version FROM runtime_groups WHERE id = $1', [group.id]), [{ config_version: 20 }])
    }),

    storeCase('unique and foreign-key violations are recognised on either store and mapped to 409', async ({ db }) => {
      await addGroup(db, 'dup')
      const unique = await rejection(addGroup(db, 'dup'))
      assert.equal(isUniqueViolation(unique), true, String(unique))
      assert.equal(isForeignKeyViolation(unique), false)
      const orphan = await rejection(insertToken(db, { id: newId(), runtime_group_id: newId(), name: null, description: null, created_at: T0, last_used_at: null }, 'h'.repeat(64)))
      assert.equal(isForeignKeyViolation(orphan), true, String(orphan))
      assert.equal(isUniqueViolation(orphan), false)
      const mapped = await rejection(mapConstraintErrors(async () => await addGroup(db, 'dup'), 'the name is taken'))
      assert.ok(mapped instanceof GatewayError)
      assert.deepEqual([mapped.code, mapped.statusCode, mapped.message], ['ATRIUM_ERR_ADMIN_CONFLICT', 409, 'the name is taken'])
      const other = await rejection(mapConstraintErrors(async () => await db.query('SELECT nope FROM runtime_groups'), 'unused'))
      assert.ok(!(other instanceof GatewayError), 'other SQL errors pass through')
      assert.equal(await countRows(db, 'runtime_groups'), 1)
    })
  ]
}
