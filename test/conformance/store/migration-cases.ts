import assert from 'node:assert/strict'
import { MIGRATIONS, migrate } from '../../../src/control-plane/store/migrations.js'
import type { Db } from '../../../src/control-plane/store/db.js'
import { openDb, parseDbUrl } from '../../../src/control-plane/store/open-db.js'
import { openPostgresDb } from '../../../src/control-plane/store/postgres-db.js'
import { openSqliteDb } from '../../../src/control-plane/store/sqlite-db.js'
import { addPackage, countRows, rejection, storeCase, T0, type StoreCaseGroup } from './store-case.js'

// Forward-only migrations (src/control-plane/store/migrations.ts) on a new database of each store.

export const migrationCases: StoreCaseGroup = {
  name: 'migrations',
  cases: [
    storeCase('a new database gets every migration once, in version order, and opening it again applies none', async (store, t) => {
      const fresh = await store.fresh(t)
      const first = await openDb(fresh.url)
      try {
        assert.deepEqual(first.applied, MIGRATIONS.map((m) => m.version).sort((a, b) => a - b))
        const rows = await first.db.query<{ version: unknown, name: string }>('SELECT version, name FROM schema_migrations ORDER BY version')
        assert.deepEqual(rows.map((r) => [Number(r.version), r.name]), MIGRATIONS.map((m) => [m.version, m.name]))
      } finally {
        await first.db.close()
      }
      const again = await openDb(fresh.url)
      try {
        assert.deepEqual(again.applied, [])
        assert.equal(await countRows(again.db, 'schema_migrations'), MIGRATIONS.length)
      } finally {
        await again.db.close()
      }
    }),

    storeCase('a later migration keeps the rows already stored and gives them the new columns\' defaults', async (store, t) => {
      const fresh = await store.fresh(t)
      const db = openUnmigrated(fresh.url)
      try {
        assert.deepEqual(await migrate(db, MIGRATIONS.filter((m) => m.version <= 2)), [1, 2], 'the database as release 2 left it')
        // Release 2's columns only: the current insert would name later ones (public_url).
        const group = { id: 'g1' }
        await db.query(`INSERT INTO runtime_groups (id, name, description, labels, config_version, created_at, updated_at)
          VALUES ('g1', 'before', NULL, '{}', 0, $1, $1)`, [T0])
        await db.query(`INSERT INTO gateway_entities (id, runtime_group_id, kind, name, body, position, created_at, updated_at)
          VALUES ($1, $2, 'service', 'svc', '{}', 0, $3, $3)`, ['e1', group.id, T0])
        await db.query(`INSERT INTO service_packages (id, name, slug, labels, search_name, created_at, updated_at)
          VALUES ('p1', 'Pkg', 'pkg', '{}', 'pkg', $1, $1)`, [T0])
        assert.deepEqual(await migrate(db), MIGRATIONS.map((m) => m.version).filter((v) => v > 2))
        assert.deepEqual(await db.query('SELECT id, revision FROM gateway_entities'), [{ id: 'e1', revision: '' }])
        const [pkg] = await db.query<{ portal_published: unknown }>('SELECT portal_published FROM service_packages')
        assert.equal(Number(pkg.portal_published), 0)
        await addPackage(db, 'After', { portal_published: true })
        assert.equal(await countRows(db, 'service_packages', 'portal_published = $1', [1]), 1)
      } finally {
        await db.close()
      }
    }),

    storeCase('a migration that fails is rolled back and not recorded', async ({ db }) => {
      const broken = { version: 9_999, name: 'broken', sql: ['CREATE TABLE conformance_extra (x INTEGER)', 'THIS IS NOT SQL'] }
      const err = await rejection(migrate(db, [...MIGRATIONS, broken]))
      assert.match(String(err), /syntax|THIS/i)
      assert.equal(await countRows(db, 'schema_migrations', 'version = $1', [9_999]), 0)
      await assert.rejects(db.query('SELECT COUNT(*) AS n FROM conformance_extra'), 'the table of the failed migration was not kept')
      assert.deepEqual(await migrate(db), [], 'the released migrations are still recorded')
    })
  ]
}

/** The store at `url` opened without migrating (openDb's own choice of implementation). */
function openUnmigrated (url: string): Db {
  const { kind, target } = parseDbUrl(url)
  return kind === 'sqlite' ? openSqliteDb(target) : openPostgresDb(target)
}
