import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { after, before, beforeEach, describe, type TestContext } from 'node:test'
import pg from 'pg'
import type { Db } from '../../src/control-plane/store/db.js'
import { openDb } from '../../src/control-plane/store/open-db.js'

// The store backends every control-plane test runs against, and the one runner that runs a suite
// against each of them (as hono runs one router suite against every router). A test file never
// loops over backends itself: it calls describeStores, whose describe blocks are named after the
// backend. To add a backend, add a StoreBackend to STORE_BACKENDS: every suite then runs on it.
//
// Isolation: a suite has one database per backend, created and migrated once (before), emptied of
// every row before each test (beforeEach: all tables but schema_migrations) and dropped at the end.
// Tests of one file run one after the other, so a test sees an empty, migrated store, as if new,
// without paying for a new PostgreSQL database each time. A test that needs a database of its own
// (migrations, two stores) asks for store.fresh(t).
//
// PostgreSQL comes from ATRIUM_TEST_POSTGRES_URL (scripts/run-tests.mjs starts a throwaway server and
// sets it); when it is missing, the PostgreSQL suites fail naming it, never skip.

export type StoreKind = 'sqlite' | 'postgres'

export interface TestStore {
  kind: StoreKind
  /** A `--db` URL for a fresh, empty database of this kind. */
  url: string
  drop: () => Promise<void>
}

/** One store implementation: how to make a new, empty database (no schema) of it. */
export interface StoreBackend {
  kind: StoreKind
  create: () => Promise<TestStore>
}

const sqlite: StoreBackend = {
  kind: 'sqlite',
  async create () {
    const dir = mkdtempSync(join(tmpdir(), 'atrium-store-'))
    return { kind: 'sqlite', url: `sqlite:${join(dir, 'atrium.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
}

function postgresAdminUrl (): string {
  const admin = process.env.ATRIUM_TEST_POSTGRES_URL
  if (admin === undefined || admin === '') {
    throw new Error('ATRIUM_TEST_POSTGRES_URL is not set: run the tests with `npm test` or scripts/run-tests.mjs (it starts a throwaway PostgreSQL), or point it at a server')
  }
  return admin
}

async function adminQuery (admin: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

const postgres: StoreBackend = {
  kind: 'postgres',
  async create () {
    const admin = postgresAdminUrl()
    const name = `atrium_test_${randomBytes(6).toString('hex')}`
    await adminQuery(admin, `CREATE DATABASE ${name}`)
    const url = new URL(admin)
    url.pathname = `/${name}`
    return { kind: 'postgres', url: url.toString(), drop: async () => { await adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) } }
  }
}

export const STORE_BACKENDS: readonly StoreBackend[] = [sqlite, postgres]

/** A new, empty database of `kind`, for a test that is about one backend only (replicas on PostgreSQL, …). */
export async function createTestStore (kind: StoreKind): Promise<TestStore> {
  const backend = STORE_BACKENDS.find((b) => b.kind === kind)
  if (backend === undefined) throw new Error(`no store backend "${kind}"`)
  return await backend.create()
}

/** What a suite's tests get: the backend's suite database, emptied before each test. */
export interface SuiteStore {
  readonly kind: StoreKind
  /** `--db` URL of the suite database (migrated; empty at the start of each test). */
  readonly url: string
  /** The suite database opened through the store interface, for tests that call the stores directly. */
  readonly db: Db
  /** Another new, empty database (no schema) of this backend, dropped after `t`. */
  fresh: (t: TestContext) => Promise<TestStore>
}

/**
 * Deletes every row but the migration records; the schema stays. DELETE, not TRUNCATE: on tables
 * this small it is an order of magnitude faster on PostgreSQL. Every foreign key cascades on
 * delete, so the order does not matter.
 */
async function emptyTables (db: Db): Promise<void> {
  const tables = db.dialect === 'postgres'
    ? await db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'")
    : await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' AND name NOT LIKE 'sqlite_%'")
  await db.transaction(async (tx) => { for (const t of tables) await tx.query(`DELETE FROM "${t.name}"`) })
}

/**
 * The shared suite runner: registers `define`'s tests once per backend of STORE_BACKENDS, in a
 * describe block named after the backend, each test on an empty, migrated suite database.
 */
export function describeStores (define: (store: SuiteStore) => void): void {
  for (const backend of STORE_BACKENDS) {
    describe(backend.kind, () => {
      let opened: { store: TestStore, db: Db } | null = null
      const current = (): { store: TestStore, db: Db } => {
        if (opened === null) throw new Error(`the ${backend.kind} suite database is not open (used outside a test?)`)
        return opened
      }
      const suite: SuiteStore = {
        kind: backend.kind,
        get url () { return current().store.url },
        get db () { return current().db },
        async fresh (t) {
          const store = await backend.create()
          t.after(() => store.drop())
          return store
        }
      }
      before(async () => {
        const store = await backend.create()
        try {
          opened = { store, db: (await openDb(store.url)).db }
        } catch (err) {
          await store.drop()
          throw err
        }
      })
      beforeEach(async () => { await emptyTables(current().db) })
      after(async () => {
        if (opened === null) return
        await opened.db.close()
        await opened.store.drop()
        opened = null
      })
      define(suite)
    })
  }
}

/**
 * The database a kit starts a control plane on: a suite's (emptied and dropped by the suite), or for
 * a test about one backend only, a new one of `kind` that the kit drops.
 */
export async function storeFor (target: SuiteStore | StoreKind): Promise<{ url: string, drop: () => Promise<void> }> {
  if (typeof target !== 'string') return { url: target.url, drop: async () => {} }
  return await createTestStore(target)
}
