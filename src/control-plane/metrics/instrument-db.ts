import type { Db, DbExecutor, Row } from '../store/db.js'
import type { StoreObserver } from './observers.js'

// A Db that times every statement (inside transactions too) by its first keyword, so the label set
// stays bounded whatever the SQL: select, insert, update, delete, or other.

const OPERATIONS = new Set(['select', 'insert', 'update', 'delete'])

export function operationOf (sql: string): string {
  const m = /^\s*([A-Za-z]+)/.exec(sql)
  const word = m === null ? '' : m[1].toLowerCase()
  return OPERATIONS.has(word) ? word : 'other'
}

function timed (ex: DbExecutor, observer: StoreObserver): DbExecutor['query'] {
  return async <T extends Row>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
    const started = process.hrtime.bigint()
    let failed = true
    try {
      const rows = await ex.query<T>(sql, params)
      failed = false
      return rows
    } finally {
      observer.storeQuery(operationOf(sql), Number(process.hrtime.bigint() - started) / 1e9, failed)
    }
  }
}

export function instrumentDb (db: Db, observer: StoreObserver): Db {
  return {
    dialect: db.dialect,
    query: timed(db, observer),
    transaction: (fn) => db.transaction((tx) => fn({ query: timed(tx, observer) })),
    close: () => db.close()
  }
}
