import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Db, DbExecutor, Row } from './db.js'

/** `$1` → `@p1`: named parameters, so one SQL text (which may reuse `$1`) serves both stores. */
function toSqlite (sql: string): string {
  return sql.replace(/\$(\d+)/g, '@p$1')
}

function bindable (params: readonly unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {}
  params.forEach((p, i) => { named[`p${i + 1}`] = typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p })
  return named
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
    // better-sqlite3 rejects a named object for a statement without parameters.
    const args = params.length === 0 ? [] : [bindable(params)]
    if (stmt.reader) return stmt.all(...args) as T[]
    stmt.run(...args)
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
