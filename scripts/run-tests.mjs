// Runs every compiled *.test.js under dist/test with node's test runner.
// Node 20's `node --test` has no glob support and silently runs nothing when given a folder of .ts
// files, so the files are listed explicitly and the run fails when none is found.
// Store tests run against SQLite and PostgreSQL: unless ATRIUM_TEST_POSTGRES_URL points at a server,
// a throwaway PostgreSQL is started for the run and stopped after it. Likewise the rate-limiting
// tests' Redis: unless ATRIUM_TEST_REDIS_URL is set, a throwaway redis-server is started.
// First of all, the programs the tests need that npm cannot install are provisioned (see
// provision-deps.mjs): on a fresh machine this command alone sets everything up.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { provision } from './provision-deps.mjs'
import { startThrowawayPostgres } from './throwaway-postgres.mjs'
import { startThrowawayRedis } from './throwaway-redis.mjs'

function find (dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) find(p, out)
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}

const filter = process.argv[2]
const files = find('dist/test', []).filter((f) => !filter || f.includes(filter)).sort()
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test')
  process.exit(1)
}

try {
  provision()
} catch (err) {
  console.error(`run-tests: ${err.message}`)
  process.exit(1)
}

let pg = null
const env = { ...process.env }
if (!env.ATRIUM_TEST_POSTGRES_URL) {
  pg = await startThrowawayPostgres()
  env.ATRIUM_TEST_POSTGRES_URL = pg.url
  console.log(`run-tests: throwaway PostgreSQL at ${pg.url}`)
}
let redis = null
if (!env.ATRIUM_TEST_REDIS_URL) {
  try {
    redis = await startThrowawayRedis()
  } catch (err) {
    pg?.stop()
    throw err
  }
  env.ATRIUM_TEST_REDIS_URL = redis.url
  console.log(`run-tests: throwaway Redis at ${redis.url}`)
}
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { stdio: 'inherit', env })
const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c ?? 1)))
pg?.stop()
redis?.stop()
process.exit(code)
