// Shared by the load benchmarks (bench/proxy, bench/plugins): processes pinned to cores, the load
// generator (wrk, else autocannon), CPU time per request from /proc, interleaved rounds keeping the
// best one, and writing one marked section of bench/RESULTS.md.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import os from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const RESULTS = new URL('../../../bench/RESULTS.md', import.meta.url)

export const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3)
export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10)
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
export const TASKSET = existsSync('/usr/bin/taskset') && os.cpus().length >= 2
export const pin = (core: number): string[] => TASKSET ? ['taskset', '-c', String(core)] : []
export const PROXY_CORE = 0
export const LOAD_CORE = 1

export const children: ChildProcess[] = []
process.on('exit', () => { for (const c of children) if (c.exitCode === null) c.kill('SIGKILL') })

/** Spawns a script that prints `{"port": N}` on its first stdout line. */
export function spawnServer (argv: string[]): Promise<{ child: ChildProcess, port: number, ports: number[] }> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited with ${String(code)}`)))
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', function onData (chunk: string) {
      out += chunk
      const nl = out.indexOf('\n')
      if (nl < 0) return
      child.stdout?.off('data', onData)
      child.stdout?.resume()
      child.removeAllListeners('exit')
      const info = JSON.parse(out.slice(0, nl)) as { port: number, ports?: number[] }
      resolve({ child, port: info.port, ports: info.ports ?? [info.port] })
    })
  })
}

export async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

export async function freePort (): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => s.once('listening', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise((resolve) => s.close(resolve))
  return port
}

export async function waitForPort (port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true) })
      s.on('error', () => resolve(false))
    })
    if (ok) return
    await sleep(50)
  }
  throw new Error(`port ${port} never opened`)
}

export interface Load { rps: number, p50ms: number, p99ms: number, errors: number, requests: number }

function toMs (value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim())
  if (m === null) return NaN
  const n = Number(m[1])
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000
}

export const WRK = existsSync('/usr/bin/wrk') ? '/usr/bin/wrk' : null

/** Drives `url` (GET, with `headers` on every request) for `seconds` with the load generator on the load core. */
export async function load (url: string, headers: Record<string, string>, seconds: number): Promise<Load> {
  if (WRK !== null) {
    const h = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
    const r = spawnSync(pin(LOAD_CORE)[0] ?? WRK, [...pin(LOAD_CORE).slice(1), ...(TASKSET ? [WRK] : []),
      '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...h, url], { encoding: 'utf8' })
    const out = r.stdout
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN)
    const p50 = toMs(/\n\s+50%\s+(\S+)/.exec(out)?.[1] ?? '')
    const p99 = toMs(/\n\s+99%\s+(\S+)/.exec(out)?.[1] ?? '')
    const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0)
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
    const errors = non2xx + (sock === null ? 0 : sock.slice(1).reduce((a, b) => a + Number(b), 0))
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN)
    if (Number.isNaN(rps)) throw new Error(`wrk output not understood:\n${out}\n${r.stderr}`)
    return { rps, p50ms: p50, p99ms: p99, errors, requests }
  }
  // Fallback: autocannon (devDependency, optional), run in a pinned child.
  const ac = fileURLToPath(new URL('../../../node_modules/autocannon/autocannon.js', import.meta.url))
  if (!existsSync(ac)) throw new Error('neither wrk nor autocannon is available')
  const r = spawnSync(pin(LOAD_CORE)[0] ?? process.execPath, [...pin(LOAD_CORE).slice(1), ...(TASKSET ? [process.execPath] : []),
    ac, '-j', '-c', String(CONNECTIONS), '-d', String(seconds), ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]), url], { encoding: 'utf8' })
  const j = JSON.parse(r.stdout) as { requests: { average: number, total: number }, latency: { p50: number, p99: number }, non2xx: number, errors: number }
  return { rps: j.requests.average, p50ms: j.latency.p50, p99ms: j.latency.p99, errors: j.non2xx + j.errors, requests: j.requests.total }
}

export interface Row {
  name: string
  result: Load | null
  cpuUs: number
  note: string
  /** Every round's req/s and CPU µs/request, in round order (empty for skipped rows). */
  rounds?: Array<{ rps: number, cpuUs: number }>
}

export interface Target { name: string, url: string, pid: number, stop: () => Promise<void> }

const TICKS_PER_SECOND = 100 // Linux USER_HZ

/** CPU time (user + system) the process has used so far, in microseconds (/proc/<pid>/stat). */
export function cpuMicros (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / TICKS_PER_SECOND)
}

/**
 * Measures every target ROUNDS times, interleaved and in a rotating order, warming each up first
 * (with wrk, else autocannon, unless another `driver` is given: HTTP/2, WebSocket load).
 * Keeps each target's best round for req/s and latency (other processes on this shared machine can
 * only slow a round down) and the lowest CPU time the proxy process spent per request (contention
 * from other processes only inflates it).
 */
export async function measureAll (targets: Target[], headers: Record<string, string>, driver: (url: string, headers: Record<string, string>, seconds: number) => Promise<Load> = load): Promise<Row[]> {
  const best = new Map<string, Load>()
  const cpu = new Map<string, number[]>()
  const series = new Map<string, Array<{ rps: number, cpuUs: number }>>()
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...targets.slice(round % targets.length), ...targets.slice(0, round % targets.length)]
    for (const target of order) {
      if (round === 0) await driver(target.url, headers, WARMUP_S)
      const cpuBefore = cpuMicros(target.pid)
      const result = await driver(target.url, headers, DURATION_S)
      const cpuUs = (cpuMicros(target.pid) - cpuBefore) / result.requests
      cpu.set(target.name, [...(cpu.get(target.name) ?? []), cpuUs])
      series.set(target.name, [...(series.get(target.name) ?? []), { rps: result.rps, cpuUs }])
      console.log(`round ${round + 1} ${target.name}: ${Math.round(result.rps)} req/s, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, ` +
        `${cpuUs.toFixed(1)} CPU µs/request, errors ${result.errors}`)
      const previous = best.get(target.name)
      if (previous === undefined || result.rps > previous.rps) best.set(target.name, { ...result, errors: result.errors + (previous?.errors ?? 0) })
      else previous.errors += result.errors
    }
  }
  return targets.map((t) => ({ name: t.name, result: best.get(t.name) ?? null, cpuUs: Math.min(...(cpu.get(t.name) ?? [NaN])), note: '', rounds: series.get(t.name) ?? [] }))
}

function median (values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((x, y) => x - y)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * The median over rounds of a/b measured in the same round (req/s, and req/s per core from CPU
 * µs/request). Rounds run the targets back to back, so a round's pair shares most of the machine's
 * passing load; the median of those paired ratios is steadier on a shared machine than a ratio of
 * two best rounds, which may come from different minutes.
 */
export function pairedRatios (a: Row | undefined, b: Row | undefined): { rps: number, perCore: number } {
  const ra = a?.rounds ?? []
  const rb = b?.rounds ?? []
  const n = Math.min(ra.length, rb.length)
  const rps: number[] = []
  const perCore: number[] = []
  for (let i = 0; i < n; i++) {
    rps.push(ra[i].rps / rb[i].rps)
    perCore.push(rb[i].cpuUs / ra[i].cpuUs)
  }
  return { rps: median(rps), perCore: median(perCore) }
}


export function fmt (n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a'
}

/** A ratio as the tables print it: `0.85×`, or n/a. */
export function times (x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a'
}

export function ratio (a: number, b: number): string {
  return times(a / b)
}

/** The row whose scenario name starts with `prefix` ("(b)"). */
export function rowOf (rows: Row[], prefix: string): Row | undefined {
  return rows.find((r) => r.name.startsWith(prefix))
}

/** Replaces the text between `start` and `end` in bench/RESULTS.md (appends the section when missing). */
export function writeSection (start: string, end: string, section: string): void {
  const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n'
  const s = previous.indexOf(start)
  const e = previous.indexOf(end)
  const next = s >= 0 && e > s
    ? previous.slice(0, s) + section + previous.slice(e + end.length)
    : `${previous.trimEnd()}\n\n${section}\n`
  writeFileSync(RESULTS, next)
}

/** The markdown table of measured scenarios both load benches print. */
export function scenarioTable (rows: Row[]): string[] {
  return [
    '| scenario | req/s (best round) | p50 ms | p99 ms | CPU µs/request | req/s per core | errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => r.result === null
      ? `| ${r.name} | – | – | – | – | – | ${r.note} |`
      : `| ${r.name} | ${fmt(r.result.rps)} | ${fmt(r.result.p50ms, 2)} | ${fmt(r.result.p99ms, 2)} | ${fmt(r.cpuUs, 1)} | ${fmt(1e6 / r.cpuUs)} | ${r.result.errors} |`)
  ]
}
