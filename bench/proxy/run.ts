// Proxy benchmark: requests/s and latency of Atrium next to baselines, same load generator, same run.
//   (a) upstream direct  (b) minimal node:http + undici Pool.stream proxy  (c) fastify + @fastify/http-proxy
//   (d) nginx reverse proxy with upstream keep-alive (when /usr/sbin/nginx exists)
//   (e) Atrium, one route  (f) Atrium, 10k routes (prefix/host/wildcard/regex; the request hits one)
//   (g) Atrium, one route, --metrics off (the cost of per-request metrics is (e) next to (g))
//   (h) Atrium, the service balanced over a Kong upstream of 1 target  (i) … of 3 targets (round-robin;
//       the upstream listens on 3 ports, so only the balancing differs)  (j) … of 3 targets with active
//       health checks probing every target each second and passive checks counting every response
// Each proxy runs in its own child process pinned to core 0 (taskset); the upstream and the load
// generator (wrk, else autocannon) share core 1. 3 s warm-up, then 3 interleaved rounds of 10 s per
// scenario, best round kept (the machine is shared; other load only slows a round down).
// Writes the table into bench/RESULTS.md between the proxy markers. Stops by itself (~4 minutes).
// Run: npx tsc -p tsconfig.json && node dist/bench/proxy/run.js

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChildGateway, startGatewayOnFile, type ChildGateway } from '../../test/support/child-gateway.js'
import type { ConfigInput } from '../../test/support/gateway.js'
import { startNginx } from '../support/nginx.js'
import { manyRoutes } from './routes.js'
import {
  CONNECTIONS, DURATION_S, LOAD_CORE, PROXY_CORE, ROUNDS, TASKSET, WARMUP_S, WRK, measureAll, pairedRatios, pin, ratio, rowOf, times,
  spawnServer, stop, scenarioTable, writeSection, type Row, type Target
} from '../support/load.js'

const READING = 'Reading the figures: the table is the run of 2026-12-04, after the rest of issue 15 (on this plain-HTTP path: the upgrade and pipelining checks, a response head written with its first body byte, the client body and send timers, a pool connection cap), 6 rounds of 5 s each. ' +
  'The machine was very noisy: per-round req/s of (e) went from 7832 to 17198 and of (b) from 11367 to 17231, so medians of paired rounds carry ±0.15; best rounds agree with the earlier runs. ' +
  'Best rounds: Atrium / minimal proxy 1.00× req/s and 1.01× per core, 10k / 1 route 0.93× and 0.91×, metrics on / off 0.96× and 0.96×, (j) / (i) 0.86×. ' +
  'Earlier runs: 2026-12-03 (second run, after the DNS targets): Atrium / minimal proxy 1.05× req/s and 0.94× per core, (j) / (i) median 0.92×, best rounds 1.06×, and a paired A/B of (i) and (j) alone 1.06× median; ' +
  '2026-12-02 (issue 12\'s UpstreamCall): Atrium / minimal proxy 1.03× and 0.93×, 10k routes / 1 route 0.98× and 1.02×, metrics on / off 0.93× and 1.03×. ' +
  'TLS, HTTP/2 and WebSockets are in their own section (npm run bench:tls).'

const START = '<!-- proxy:start -->'
const END = '<!-- proxy:end -->'
const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url))

async function main (): Promise<void> {
  const node = process.execPath
  const upstream = await spawnServer([...pin(LOAD_CORE), node, here('./upstream.js'), '3'])
  const { config: bigConfig, target } = manyRoutes(10_000, upstream.port)
  const oneRoute: ConfigInput = { services: [{ host: '127.0.0.1', port: upstream.port }], routes: [{ paths: ['/'], strip_path: false }] }
  const path = target.path
  const host = target.host
  const targets: Target[] = []
  const skipped: Row[] = []
  const dir = mkdtempSync(join(os.tmpdir(), 'atrium-bench-'))
  try {
    targets.push({ name: '(a) upstream direct', url: `http://127.0.0.1:${upstream.port}${path}`, pid: upstream.child.pid as number, stop: async () => {} })
    for (const [name, script] of [['(b) minimal node:http + undici Pool.stream', './minimal-proxy.js'], ['(c) fastify 5 + @fastify/http-proxy 11', './fastify-proxy.js']]) {
      const proxy = await spawnServer([...pin(PROXY_CORE), node, here(script), String(upstream.port)])
      targets.push({ name, url: `http://127.0.0.1:${proxy.port}${path}`, pid: proxy.child.pid as number, stop: () => stop(proxy.child) })
    }
    if (existsSync('/usr/sbin/nginx')) {
      const nginx = await startNginx(dir, (port) => `
  upstream bench_upstream { server 127.0.0.1:${upstream.port}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`)
      targets.push({ name: '(d) nginx, upstream keep-alive', url: `http://127.0.0.1:${nginx.port}${path}`, pid: nginx.child.pid as number, stop: () => stop(nginx.child) })
    } else {
      skipped.push({ name: '(d) nginx', result: null, cpuUs: NaN, note: 'skipped: /usr/sbin/nginx not installed' })
    }
    const cpuProf = process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${process.cwd()}/bench-profiles`] : []
    const one: ChildGateway = await startChildGateway(oneRoute, { prefix: pin(PROXY_CORE), nodeArgs: cpuProf })
    targets.push({ name: '(e) Atrium, 1 route', url: `${one.url}${path}`, pid: one.pid, stop: () => one.stop() })
    writeFileSync(join(dir, 'routes.json'), JSON.stringify(bigConfig))
    const many: ChildGateway = await startChildGateway(`@${join(dir, 'routes.json')}`, { prefix: pin(PROXY_CORE), nodeArgs: cpuProf })
    targets.push({ name: '(f) Atrium, 10k routes', url: `${many.url}${path}`, pid: many.pid, stop: () => many.stop() })
    const quiet: ChildGateway = await startChildGateway(oneRoute, { prefix: pin(PROXY_CORE), nodeArgs: cpuProf, args: ['--metrics', 'off'] })
    targets.push({ name: '(g) Atrium, 1 route, metrics off', url: `${quiet.url}${path}`, pid: quiet.pid, stop: () => quiet.stop() })
    const checked = {
      active: { http_path: '/', healthy: { interval: 1, successes: 1 }, unhealthy: { interval: 1, http_failures: 3, tcp_failures: 3, timeouts: 3 } },
      passive: { healthy: { successes: 5 }, unhealthy: { http_failures: 5, tcp_failures: 5, timeouts: 5 } }
    }
    const balancedScenarios = [['(h) Atrium, upstream of 1 target', 1, undefined], ['(i) Atrium, upstream of 3 targets', 3, undefined], ['(j) Atrium, 3 targets, health checks on', 3, checked]] as const
    for (const [name, count, healthchecks] of balancedScenarios) {
      const file = join(dir, `upstream-${name.slice(1, 2)}.json`)
      writeFileSync(file, JSON.stringify({
        _format_version: '3.0',
        upstreams: [{ name: 'bench.upstream', healthchecks, targets: upstream.ports.slice(0, count).map((port) => ({ target: `127.0.0.1:${port}` })) }],
        services: [{ name: 'bench', host: 'bench.upstream', routes: [{ paths: ['/'], strip_path: false }] }]
      }))
      const balanced = await startGatewayOnFile(file, { prefix: pin(PROXY_CORE), nodeArgs: cpuProf })
      targets.push({ name, url: `${balanced.url}${path}`, pid: balanced.pid, stop: () => balanced.stop() })
    }

    const rows = await measureAll(targets, { Host: host })
    writeResults([...rows, ...skipped].sort((x, y) => x.name.localeCompare(y.name)), `${path} (Host: ${host})`)
  } finally {
    for (const t of targets) await t.stop()
    await stop(upstream.child)
    rmSync(dir, { recursive: true, force: true })
  }
}

function writeResults (rows: Row[], request: string): void {
  const row = (prefix: string): Row | undefined => rowOf(rows, prefix)
  const rps = (prefix: string): number => row(prefix)?.result?.rps ?? NaN
  const perCore = (prefix: string): number => 1e6 / (row(prefix)?.cpuUs ?? NaN)
  const line = (label: string, a: string, b: string, target: string): string => {
    const paired = pairedRatios(row(a), row(b))
    return `| ${label} | ${times(paired.rps)} | ${times(paired.perCore)} | ${ratio(rps(a), rps(b))} | ${ratio(perCore(a), perCore(b))} | ${target} |`
  }
  const cpus = os.cpus()
  const lines = [
    START,
    '## Proxy',
    '',
    `Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    `Load: ${WRK !== null ? 'wrk 1 thread' : 'autocannon'}, ${CONNECTIONS} keep-alive connections, ${WARMUP_S} s warm-up then ${ROUNDS} interleaved rounds of ${DURATION_S} s per scenario (best round kept; errors summed), GET \`${request}\` with a 34-byte JSON upstream response.`,
    `Each proxy in its own process${TASKSET ? ' pinned to core 0 (taskset); upstream and load generator on core 1' : ' (no taskset: not pinned)'}.`,
    '',
    'CPU µs/request: CPU time (user + system, /proc/<pid>/stat) of the proxy process per request served, lowest',
    'of the rounds; req/s per core = 1e6 / that, the throughput one uncontended core would give. On this shared',
    'machine (other engineers run tests concurrently) wall-clock req/s varies by ±30 % between rounds of the same',
    'target (CPU per request varies less, ±10 %). For (a) the CPU is the upstream\'s own.',
    '',
    ...scenarioTable(rows),
    '',
    `Ratios: the median over the ${ROUNDS} rounds of the ratio measured within one round (a round runs every scenario back to back, so the pair shares the machine's passing load), ` +
      'and the ratio of the two best rounds (req/s) and lowest CPU rounds (per core).',
    '',
    '| ratio | req/s (median of paired rounds) | req/s per core (median of paired rounds) | req/s (best rounds) | req/s per core (lowest CPU rounds) | target |',
    '|---|---:|---:|---:|---:|---:|',
    line('Atrium 1 route / minimal proxy (b)', '(e)', '(b)', '≥ 0.9'),
    line('Atrium 1 route / fastify (c)', '(e)', '(c)', '≥ 1.6'),
    line('Atrium 10k routes / 1 route', '(f)', '(e)', '≥ 0.95'),
    line('Atrium 1 route metrics on (e) / off (g)', '(e)', '(g)', '≥ 0.95'),
    line('Atrium 1 route / nginx (d)', '(e)', '(d)', '–'),
    line('Atrium upstream of 3 targets (i) / 1 target (h)', '(i)', '(h)', '≥ 0.97'),
    line('Atrium upstream of 1 target (h) / plain service (e)', '(h)', '(e)', '–'),
    line('Atrium 3 targets, health checks on (j) / off (i)', '(j)', '(i)', '≥ 0.97'),
    '',
    READING,
    END
  ]
  const section = lines.join('\n')
  writeSection(START, END, section)
  console.log(section)
}

await main()
process.exit(0)
