import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Db, DbExecutor, Row } from './db.js'

/** `$1` → `?1`: SQLite's numbered parameters, so one SQL text serves both stores. */
function toSqlite (sql: string): string {
  return sql.replace(/\$(\d+)/g, '?$1')
}

function bindable (params: readonly unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p))
}

/**
 * Embedded store: WAL, foreign keys on, busy timeout (another process may hold the lock briefly).
 * better-sqlite3 is synchronous; transactions are queued so two async handlers never interleave
 * statements inside one BEGIN … COMMIT.
 */
export function openSqliteDb (file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  const statements = new Map<string, Database.Statement>()

  function run<T extends Row> (sql: string, params: readonly unknown[] = []): T[] {
    let stmt = statements.get(sql)
    if (stmt === undefined) {
      stmt = db.prepare(toSqlite(sql))
      statements.set(sql, stmt)
    }
    if (stmt.reader) return stmt.all(...bindable(params)) as T[]
    stmt.run(...bindable(params))
    return []
  }

  const executor: DbExecutor = { query: async (sql, params) => run(sql, params) }
  let queue: Promise<unknown> = Promise.resolve()

  return {
    dialect: 'sqlite',
    query: async (sql, params) => {
      // Outside a transaction a read must still wait for a queued transaction of this process, or
      // it would see its uncommitted writes (same connection).
      await queue.catch(() => {})
      return run(sql, params)
    },
    transaction<T> (fn: (tx: DbExecutor) => Promise<T>): Promise<T> {
      const next = queue.catch(() => {}).then(async () => {
        db.exec('BEGIN IMMEDIATE')
        try {
          const result = await fn(executor)
          db.exec('COMMIT')
          return result
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK')
          throw err
        }
      })
      queue = next
      return next
    },
    async close () {
      await queue.catch(() => {})
      db.close()
    }
  }
}
