// Sync benchmark (issue 4, `bench/sync`): time from an Admin API write returning to the change
// being served by data-plane nodes, for 1, 10 and 100 nodes of one runtime group holding 10k routes,
// and the CP's memory with 0 and 100 nodes. See report.ts for what each figure means.
// One real `atrium control-plane` child (SQLite); up to 3 real `atrium data-plane` children; the
// other nodes simulated in this process (sim-node.ts). 127.0.0.1 only. Stops by itself (watchdog).
// Run: npx tsc -p tsconfig.json && npm run bench:sync
// Env: BENCH_SYNC_CHANGES (default 20 per node count), BENCH_SYNC_NODES (default 1,10,100).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startAtrium, type AtriumProcess } from '../../test/support/cli-process.js'
import { httpCall } from '../../test/support/http-client.js'
import { generateConfig, routeCount } from '../admin/generate-config.js'
import { startRealNode, type RealNode } from './real-node.js'
import { dist, machine, section, writeResults, type PhaseFigures } from './report.js'
import { connectSimNode, createValidator, type SimNode } from './sim-node.js'

const CHANGES = Number(process.env.BENCH_SYNC_CHANGES ?? 20)
const NODE_COUNTS = (process.env.BENCH_SYNC_NODES ?? '1,10,100').split(',').map(Number)
const MAX_REAL = 3
const CHANGE_TIMEOUT_MS = 60_000
const DEADLINE_MS = 20 * 60_000
const GROUP = 'bench'

const cleanups: Array<() => Promise<unknown> | unknown> = []

type Call = (method: string, path: string, body?: unknown) => Promise<string>

function adminClient (port: number): Call {
  return async (method, path, body) => {
    const r = await httpCall(`http://127.0.0.1:${port}${path}`, {
      method, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : { 'content-type': 'application/json' }
    })
    if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${r.body.slice(0, 500)}`)
    return r.body
  }
}

/** VmRSS and VmHWM of a process, in KiB. */
function memoryOf (pid: number): { rss: number, hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN)
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') }
}

async function startUpstream (): Promise<{ server: Server, port: number }> {
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('sync-bench') })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => { server.closeAllConnections(); server.close() })
  return { server, port: (server.address() as { port: number }).port }
}

interface Cluster { cp: AtriumProcess, call: Call, clusterPort: number, token: string }

function benchDocument (upstreamPort: number): Record<string, unknown> {
  const doc = generateConfig()
  // Nodes announce no plugins yet (NODE_PLUGINS is empty until the plugins issue): a group using
  // plugins would get `plugin_set_incompatible` and no config. Routes and services are what matter here.
  doc.plugins = []
  ;(doc.services as unknown[]).push({ name: 'sync-bench', url: `http://127.0.0.1:${upstreamPort}`, routes: [{ name: 'sb-seed', paths: ['/sb/seed/'] }] })
  return doc
}

async function startCluster (dir: string, doc: Record<string, unknown>): Promise<Cluster> {
  const cp = startAtrium(['control-plane', '--db', `sqlite:${join(dir, 'atrium.db')}`, '--admin-listen', '127.0.0.1:0', '--cluster-listen', '127.0.0.1:0'], { ATRIUM_LOG_LEVEL: 'info' })
  cleanups.push(() => cp.stop())
  const adminPort = (await cp.waitForLog((l) => l.msg === 'admin listening', 30_000)).port as number
  const clusterPort = (await cp.waitForLog((l) => l.msg === 'cluster listening', 30_000)).port as number
  const call = adminClient(adminPort)
  await call('POST', '/runtime-groups', { name: GROUP })
  await call('PUT', `/runtime-groups/${GROUP}/config`, doc)
  const { token } = JSON.parse(await call('POST', `/runtime-groups/${GROUP}/data-plane-tokens`, { name: 'bench' })) as { token: string }
  return { cp, call, clusterPort, token }
}

interface Samples { write: number[], serve: number[], receive: number[], ack: number[] }

/** One change: a route added (even i) or moved to a new path (odd i); waits until every node has it. */
async function change (c: Cluster, reals: RealNode[], sims: SimNode[], nodes: number, i: number, samples: Samples): Promise<string> {
  const path = `/sb/n${nodes}-c${i}/`
  for (const s of sims) s.expect(path)
  const acks = sims.map(async (s) => await s.nextAck())
  const t0 = performance.now()
  if (i % 2 === 0) await c.call('POST', `/runtime-groups/${GROUP}/services/sync-bench/routes`, { name: `sb-n${nodes}-c${i}`, paths: [path] })
  else await c.call('PATCH', `/runtime-groups/${GROUP}/routes/sb-n${nodes}-c${i - 1}`, { paths: [path] })
  const tw = performance.now()
  samples.write.push(tw - t0)
  const served = reals.map(async (r) => await r.servedAt(`${path}ok`, CHANGE_TIMEOUT_MS))
  const timeout = sleep(CHANGE_TIMEOUT_MS).then(() => { throw new Error(`change ${i} with ${nodes} nodes: not everywhere within ${CHANGE_TIMEOUT_MS} ms`) })
  const [servedAt, receipts] = await Promise.race([Promise.all([Promise.all(served), Promise.all(acks)]), timeout])
  for (const t of servedAt) samples.serve.push(t - tw)
  for (const r of receipts) { samples.receive.push(r.receivedAt - tw); samples.ack.push(r.ackedAt - tw) }
  return path
}

async function main (): Promise<void> {
  const loadStart = os.loadavg().map((x) => x.toFixed(2)).join(' ')
  const watchdog = setTimeout(() => {
    console.error(`bench:sync: gave up after ${DEADLINE_MS / 1000} s`)
    void Promise.allSettled(cleanups.reverse().map(async (fn) => await fn())).then(() => process.exit(1))
  }, DEADLINE_MS)
  const dir = mkdtempSync(join(os.tmpdir(), 'atrium-bench-sync-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  try {
    const upstream = await startUpstream()
    const doc = benchDocument(upstream.port)
    const c = await startCluster(dir, doc)
    const cpPid = c.cp.child.pid as number
    await sleep(2000)
    const rss0 = memoryOf(cpPid).rss
    const validator = createValidator()
    cleanups.push(() => validator.close())
    const reals: RealNode[] = []
    const sims: SimNode[] = []
    cleanups.push(async () => {
      for (const s of sims) s.close()
      await Promise.all(reals.map(async (r) => { await r.proc.stop(); rmSync(r.cacheDir, { recursive: true, force: true }) }))
    })
    let lastPath = '/sb/seed/'
    const phases: PhaseFigures[] = []
    let rss100 = NaN
    let rss100Peak = NaN
    for (const nodes of NODE_COUNTS) {
      const realTarget = Math.min(MAX_REAL, nodes)
      while (reals.length < realTarget) {
        const r = await startRealNode(c.clusterPort, c.token)
        reals.push(r)
        await r.servedAt(`${lastPath}ok`, CHANGE_TIMEOUT_MS)
      }
      while (sims.length < nodes - realTarget) {
        const batch = Array.from({ length: Math.min(10, nodes - realTarget - sims.length) }, async (_, k) => await connectSimNode(c.clusterPort, c.token, validator, sims.length + k))
        const added = await Promise.all(batch)
        await Promise.all(added.map(async (s) => await s.nextAck()))
        sims.push(...added)
      }
      await sleep(1000)
      const buildsBefore = c.cp.logs.length
      const appliedBefore = reals.map((r) => r.proc.logs.length)
      const samples: Samples = { write: [], serve: [], receive: [], ack: [] }
      for (let i = 0; i < CHANGES; i++) {
        lastPath = await change(c, reals, sims, nodes, i, samples)
        await sleep(250)
      }
      const builds = c.cp.logs.slice(buildsBefore).filter((l) => l.msg === 'snapshot built')
      const validateMs = validator.timings.splice(0)
      const applied = reals.flatMap((r, k) => r.proc.logs.slice(appliedBefore[k]).filter((l) => l.msg === 'snapshot applied'))
      const field = (lines: typeof applied, name: string): number[] => lines.map((l) => l[name] as number)
      phases.push({
        nodes, real: reals.length, sim: sims.length, changes: CHANGES,
        write: dist(samples.write), serve: dist(samples.serve), receive: dist(samples.receive), ack: dist(samples.ack),
        buildMs: dist(field(builds, 'ms')), readMs: dist(field(builds, 'read_ms')),
        decodeMs: dist(field(applied, 'decode_ms')), checkMs: dist(field(applied, 'check_ms')), compileMs: dist(field(applied, 'compile_ms')),
        buildBytes: (builds.at(-1)?.bytes as number | undefined) ?? NaN,
        validateMs: dist(validateMs)
      })
      console.error(JSON.stringify(phases.at(-1)))
      if (nodes === 100) ({ rss: rss100, hwm: rss100Peak } = memoryOf(cpPid))
    }
    const out = section({
      phases, m: machine(loadStart), routes: routeCount(doc), services: (doc.services as unknown[]).length,
      configBytes: Buffer.byteLength(JSON.stringify(doc)), rss0, rss100, rss100Peak
    })
    console.log(out)
    writeResults(out)
  } finally {
    for (const fn of cleanups.reverse()) await fn()
    clearTimeout(watchdog)
  }
}

await main()
