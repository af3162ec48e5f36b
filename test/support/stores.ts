import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export interface TestStore {
  kind: 'sqlite' | 'postgres'
  /** A `--db` URL for a fresh, empty database of this kind. */
  url: string
  drop: () => Promise<void>
}

/**
 * The stores every control-plane test runs against. PostgreSQL comes from ATRIUM_TEST_POSTGRES_URL
 * (set by scripts/run-tests.mjs, which starts a throwaway server); its absence is an error, never a
 * silent skip.
 */
export const STORE_KINDS: Array<'sqlite' | 'postgres'> = ['sqlite', 'postgres']

export async function createTestStore (kind: 'sqlite' | 'postgres'): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'atrium-store-'))
    return { kind, url: `sqlite:${join(dir, 'atrium.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const admin = process.env.ATRIUM_TEST_POSTGRES_URL
  if (admin === undefined || admin === '') {
    throw new Error('ATRIUM_TEST_POSTGRES_URL is not set: run the tests with `npm test` (it starts a throwaway PostgreSQL)')
  }
  const name = `atrium_test_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    kind,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    }
  }
}
