// The SQL seam shared by both stores. Statements are written once, PostgreSQL-style (`$1`
// placeholders, TEXT for JSON, BIGINT seconds for timestamps); the SQLite adapter rewrites the
// placeholders. Every write the Admin API makes runs inside one `transaction`, so a rejected or
// failed request changes nothing.

export type Row = Record<string, unknown>

export interface DbExecutor {
  query<T extends Row = Row> (sql: string, params?: readonly unknown[]): Promise<T[]>
}

export interface Db extends DbExecutor {
  readonly dialect: 'sqlite' | 'postgres'
  /**
   * Runs `fn` in one transaction; commits when it resolves, rolls back when it throws.
   * SQLite: transactions are serialised in this process and BEGIN IMMEDIATE across processes (one
   * writer). PostgreSQL: READ COMMITTED; a write first locks the row that owns what it changes
   * (lockRuntimeGroup, the catalog's package lock) so concurrent CPs never lose an update.
   */
  transaction<T> (fn: (tx: DbExecutor) => Promise<T>): Promise<T>
  close (): Promise<void>
}
