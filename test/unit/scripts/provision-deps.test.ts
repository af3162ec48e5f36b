import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

interface Dependency { what: string, pkg: string, present: (env: NodeJS.ProcessEnv) => boolean, alternative: string | null }
interface Provisioner {
  TEST_DEPENDENCIES: Dependency[]
  BENCH_DEPENDENCIES: Dependency[]
  missingTestDependencies: (env: NodeJS.ProcessEnv, deps?: Dependency[]) => Dependency[]
  provision: (options: { env?: NodeJS.ProcessEnv, deps?: Dependency[], isRoot?: boolean, log?: (line: string) => void }) => void
}

// The script is plain JavaScript run before the TypeScript build's tests; loaded by path from the repo root.
const load = async (): Promise<Provisioner> => await import(pathToFileURL(resolve(process.cwd(), 'scripts/provision-deps.mjs')).href) as Provisioner

test('the test runner provisions PostgreSQL, redis-server, promtool, openssl and Chromium', async () => {
  const { TEST_DEPENDENCIES } = await load()
  assert.deepEqual(TEST_DEPENDENCIES.map((d) => d.pkg), ['postgresql', 'redis-server', 'prometheus', 'openssl', 'chromium'])
})

test('the benchmarks provision wrk, nginx and h2load', async () => {
  const { BENCH_DEPENDENCIES } = await load()
  assert.deepEqual(BENCH_DEPENDENCIES.map((d) => d.pkg), ['wrk', 'nginx-light', 'nghttp2-client'])
})

test('a server URL in the environment stands in for the PostgreSQL and Redis packages', async () => {
  const { TEST_DEPENDENCIES } = await load()
  const env = { ATRIUM_TEST_POSTGRES_URL: 'postgres://u@127.0.0.1:1/db', ATRIUM_TEST_REDIS_URL: 'redis://127.0.0.1:1' }
  const byPkg = new Map(TEST_DEPENDENCIES.map((d) => [d.pkg, d]))
  assert.equal(byPkg.get('postgresql')?.present(env), true)
  assert.equal(byPkg.get('redis-server')?.present(env), true)
})

test('without root, a missing program stops the run with one message naming the package and the alternative', async () => {
  const { provision } = await load()
  const deps: Dependency[] = [
    { what: 'a server', pkg: 'no-such-package', present: () => false, alternative: 'or set ATRIUM_TEST_X_URL' },
    { what: 'a tool', pkg: 'present-package', present: () => true, alternative: null }
  ]
  const lines: string[] = []
  assert.throws(() => provision({ env: {}, deps, isRoot: false, log: (l) => lines.push(l) }), (err: Error) => {
    assert.match(err.message, /apt-get install no-such-package \(or set ATRIUM_TEST_X_URL\)/)
    assert.doesNotMatch(err.message, /present-package/)
    assert.match(err.message, /run as root/)
    return true
  })
  assert.deepEqual(lines, [], 'nothing is installed without root')
})

test('nothing is done when every program is there', async () => {
  const { provision } = await load()
  const lines: string[] = []
  provision({ env: {}, deps: [{ what: 'a tool', pkg: 'p', present: () => true, alternative: null }], isRoot: true, log: (l) => lines.push(l) })
  assert.deepEqual(lines, [])
})
