import type { Db, DbExecutor } from '../store/db.js'

/**
 * The Db the Admin API writes through: calls `afterCommit` after every committed transaction. The
 * sync server then polls config versions at once, so a change reaches nodes without waiting for
 * the poll tick; which groups changed is read from the store, not guessed from SQL, so every
 * writer (gateway entities, declarative config, catalog implementations) is covered without
 * touching it.
 */
export function withAfterCommit (db: Db, afterCommit: () => void): Db {
  return {
    dialect: db.dialect,
    query: (sql, params) => db.query(sql, params),
    async transaction<T> (fn: (tx: DbExecutor) => Promise<T>): Promise<T> {
      const result = await db.transaction(fn)
      afterCommit()
      return result
    },
    close: () => db.close()
  }
}
