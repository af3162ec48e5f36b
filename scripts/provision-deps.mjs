// Makes sure the programs the tests (or the benchmarks) need are on this machine before they run, so
// that the README's test command (`npm ci && npm test`) and `npm run bench:*` work on a fresh Debian
// machine with nothing done by hand. What npm cannot install comes from Debian's packages: as root they are installed with
// apt-get; otherwise the run stops with one message naming the packages to install and the
// environment variables that point the tests at servers that already run. Nothing is skipped.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

function onPath (name) {
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  return which.status === 0 && which.stdout.trim() !== ''
}

function hasPostgresServer () {
  const base = '/usr/lib/postgresql'
  return existsSync(base) && readdirSync(base).some((v) => existsSync(join(base, v, 'bin', 'initdb')))
}

/**
 * What the tests need. `present` says whether this machine has it (or the tests were pointed at an
 * existing server); `alternative` is what a user without root may set instead.
 */
export const TEST_DEPENDENCIES = [
  {
    what: 'PostgreSQL server binaries (initdb, pg_ctl) for the store tests',
    pkg: 'postgresql',
    present: (env) => Boolean(env.ATRIUM_TEST_POSTGRES_URL) || Boolean(env.ATRIUM_PG_BIN) || hasPostgresServer(),
    alternative: 'or set ATRIUM_TEST_POSTGRES_URL=postgres://user@host:port/db to use a running server'
  },
  {
    what: 'redis-server for the rate-limiting plugin\'s redis policy',
    pkg: 'redis-server',
    present: (env) => Boolean(env.ATRIUM_TEST_REDIS_URL) || Boolean(env.ATRIUM_REDIS_SERVER) || onPath('redis-server'),
    alternative: 'or set ATRIUM_TEST_REDIS_URL=redis://host:port to use a running server'
  },
  {
    what: 'promtool (Debian\'s prometheus package) to check /metrics expositions',
    pkg: 'prometheus',
    present: () => existsSync('/usr/bin/promtool'),
    alternative: null
  },
  {
    what: 'openssl, which makes the certificates of the TLS tests',
    pkg: 'openssl',
    present: () => onPath('openssl'),
    alternative: null
  },
  {
    what: 'Chromium for the Dev Portal and Service Hub UI browser tests',
    pkg: 'chromium',
    present: () => existsSync('/usr/lib/chromium/chromium'),
    alternative: null
  }
]

/** What the benchmarks add: the load generator and the nginx baseline. */
export const BENCH_DEPENDENCIES = [
  {
    what: 'wrk, the load generator of the benchmarks',
    pkg: 'wrk',
    present: () => existsSync('/usr/bin/wrk'),
    alternative: null
  },
  {
    what: 'nginx, the benchmarks\' reverse-proxy baseline',
    pkg: 'nginx-light',
    present: () => existsSync('/usr/sbin/nginx'),
    alternative: null
  },
  {
    what: 'h2load, the HTTP/2 load generator of bench:tls',
    pkg: 'nghttp2-client',
    present: () => existsSync('/usr/bin/h2load'),
    alternative: null
  }
]

/** The dependencies this machine lacks. */
export function missingTestDependencies (env = process.env, deps = TEST_DEPENDENCIES) {
  return deps.filter((d) => !d.present(env))
}

function apt (args) {
  const r = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  })
  return r.status === 0
}

/**
 * Installs what is missing (as root, with apt-get) or throws an Error whose message names every
 * missing package and its alternative. Resolves quietly when nothing is missing.
 */
export function provision ({
  env = process.env,
  deps = TEST_DEPENDENCIES,
  isRoot = process.getuid?.() === 0,
  log = (line) => console.log(line)
} = {}) {
  const missing = missingTestDependencies(env, deps)
  if (missing.length === 0) return
  const pkgs = missing.map((d) => d.pkg)
  if (isRoot && onPath('apt-get')) {
    log(`provision: installing ${pkgs.join(' ')} (apt-get)`)
    if (apt(['update', '-qq']) && apt(['install', '-y', '-qq', '--no-install-recommends', ...pkgs])) {
      const still = missingTestDependencies(env, deps)
      if (still.length === 0) return
      missing.splice(0, missing.length, ...still)
    }
  }
  const lines = missing.map((d) => `  - ${d.what}: apt-get install ${d.pkg}${d.alternative === null ? '' : ` (${d.alternative})`}`)
  const how = isRoot ? 'apt-get could not install them' : 'run as root to have them installed, or install them yourself'
  throw new Error(`this run needs programs this machine does not have (${how}):\n${lines.join('\n')}`)
}

// `node scripts/provision-deps.mjs bench` (the bench:* scripts): provision, or exit 1 saying what is missing.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    provision({ deps: process.argv[2] === 'bench' ? BENCH_DEPENDENCIES : TEST_DEPENDENCIES })
  } catch (err) {
    console.error(`provision: ${err.message}`)
    process.exit(1)
  }
}
