import pg from 'pg'
import type { Db, DbExecutor, Row } from './db.js'

// BIGINT (int8) comes back as a string by default; our counters and timestamps fit in a double.
pg.types.setTypeParser(20, (v: string) => Number(v))

/** PostgreSQL store for several CP replicas on one database. */
export function openPostgresDb (connectionString: string): Db {
  const pool = new pg.Pool({ connectionString, max: 10 })
  // An idle client's error (server restart) must not crash the control plane.
  pool.on('error', () => {})

  return {
    dialect: 'postgres',
    async query<T extends Row> (sql: string, params: readonly unknown[] = []) {
      const r = await pool.query(sql, params as unknown[])
      return r.rows as T[]
    },
    async transaction<T> (fn: (tx: DbExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect()
      const tx: DbExecutor = {
        async query<R extends Row> (sql: string, params: readonly unknown[] = []) {
          const r = await client.query(sql, params as unknown[])
          return r.rows as R[]
        }
      }
      try {
        await client.query('BEGIN')
        const result = await fn(tx)
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        client.release()
      }
    },
    async close () {
      await pool.end()
    }
  }
}
