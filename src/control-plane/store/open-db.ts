import { GatewayError } from '../../errors.js'
import type { Db } from './db.js'
import { migrate } from './migrations.js'
import { openPostgresDb } from './postgres-db.js'
import { openSqliteDb } from './sqlite-db.js'

/** `sqlite:PATH` (`sqlite::memory:` for tests) or `postgres://…` / `postgresql://…`. */
export function parseDbUrl (url: string): { kind: 'sqlite' | 'postgres', target: string } {
  if (url.startsWith('sqlite:')) {
    const target = url.slice('sqlite:'.length)
    if (target === '') throw new GatewayError('ATRIUM_ERR_CLI_USAGE', '--db: sqlite:PATH needs a path')
    return { kind: 'sqlite', target }
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', target: url }
  throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `--db: expected sqlite:PATH or postgres://…, got "${url}"`)
}

/** Opens the store and brings its schema up to date; `applied` lists the migrations run now. */
export async function openDb (url: string): Promise<{ db: Db, applied: number[] }> {
  const location = parseDbUrl(url)
  const db = location.kind === 'sqlite' ? openSqliteDb(location.target) : openPostgresDb(location.target)
  try {
    return { db, applied: await migrate(db) }
  } catch (err) {
    await db.close().catch(() => {})
    throw err
  }
}
