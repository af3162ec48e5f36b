// Admin API benchmark: a real `atrium control-plane` child process per store (SQLite, PostgreSQL),
// timing over loopback the import of a generated 1k-service / 10k-route Kong config into an empty
// runtime group (`PUT /runtime-groups/:rg/config`), a re-import of the same file (nothing changes),
// and the export (`GET …/config`, JSON and YAML); median of 3 each. Baselines from the same run,
// in this process: JSON.parse + contract validation of the same text (the floor of any import) and
// JSON.stringify of the exported document (the floor of an export).
// Prints a markdown section and writes it into bench/RESULTS.md between the admin markers.
// PostgreSQL: ATRIUM_TEST_POSTGRES_URL, else a throwaway server started here and stopped at the end.
// Run: npx tsc -p tsconfig.json && npm run bench:admin   (stops by itself; 127.0.0.1 only)

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { loadDeclarativeConfig } from '../../src/contract/index.js'
import { startAtrium, type AtriumProcess } from '../../test/support/cli-process.js'
import { httpCall } from '../../test/support/http-client.js'
import { generateConfig, routeCount } from './generate-config.js'

const START = '<!-- admin:start -->'
const END = '<!-- admin:end -->'
const RESULTS = new URL('../../../bench/RESULTS.md', import.meta.url)
const RUNS = 3
const DEADLINE_MS = 10 * 60_000
const IMPORT_TARGET_MS = 3000
const EXPORT_TARGET_MS = 1000

interface Throwaway { url: string, stop: () => void }
interface StoreFigures {
  kind: 'sqlite' | 'postgres'
  import: number
  reimport: number
  exportJson: number
  exportYaml: number
  importSummary: string
  reimportSummary: string
  exportBytes: number
  exportText: string
}

// Undone on exit, and by the watchdog when a run hangs: child processes, databases, the PG server.
const cleanups: Array<() => Promise<unknown> | unknown> = []

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function timed<T> (fn: () => Promise<T>): Promise<{ ms: number, value: T }> {
  const start = process.hrtime.bigint()
  const value = await fn()
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value }
}

type Call = (method: string, path: string, body?: string, headers?: Record<string, string>) => Promise<{ status: number, body: string }>

async function startCp (dbUrl: string): Promise<{ cp: AtriumProcess, call: Call }> {
  const cp = startAtrium(['control-plane', '--db', dbUrl, '--admin-listen', '127.0.0.1:0', '--cluster-listen', '127.0.0.1:0'], { ATRIUM_LOG_LEVEL: 'info' })
  cleanups.push(() => cp.stop())
  const { port } = await cp.waitForLog((l) => l.msg === 'admin listening', 30_000) as unknown as { port: number }
  const call: Call = async (method, path, body, headers = {}) => {
    const r = await httpCall(`http://127.0.0.1:${port}${path}`, { method, body, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } })
    if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${r.body.slice(0, 500)}`)
    return r
  }
  return { cp, call }
}

function summaryOf (body: string): string {
  const r = JSON.parse(body) as { created: number, updated: number, deleted: number }
  return `${r.created} created, ${r.updated} updated, ${r.deleted} deleted`
}

async function measureStore (kind: 'sqlite' | 'postgres', dbUrl: string, text: string): Promise<StoreFigures> {
  const { cp, call } = await startCp(dbUrl)
  try {
    const imports: number[] = []
    let importSummary = ''
    for (let i = 0; i < RUNS; i++) {
      await call('POST', '/runtime-groups', JSON.stringify({ name: `bench-${i}` }))
      const r = await timed(() => call('PUT', `/runtime-groups/bench-${i}/config`, text))
      imports.push(r.ms)
      importSummary = summaryOf(r.value.body)
    }
    const reimports: number[] = []
    let reimportSummary = ''
    for (let i = 0; i < RUNS; i++) {
      const r = await timed(() => call('PUT', '/runtime-groups/bench-0/config', text))
      reimports.push(r.ms)
      reimportSummary = summaryOf(r.value.body)
    }
    const json: number[] = []
    const yaml: number[] = []
    let exportText = ''
    for (let i = 0; i < RUNS; i++) {
      const j = await timed(() => call('GET', '/runtime-groups/bench-0/config', undefined, { accept: 'application/json' }))
      json.push(j.ms)
      exportText = j.value.body
      yaml.push((await timed(() => call('GET', '/runtime-groups/bench-0/config', undefined, { accept: 'application/yaml' }))).ms)
    }
    return { kind, import: median(imports), reimport: median(reimports), exportJson: median(json), exportYaml: median(yaml), importSummary, reimportSummary, exportBytes: Buffer.byteLength(exportText), exportText }
  } finally {
    await cp.stop()
  }
}

/** A fresh database on the PostgreSQL server at `adminUrl`; dropped by the returned function. */
async function freshPostgresDb (adminUrl: string): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `atrium_bench_${randomBytes(6).toString('hex')}`
  const run = async (sql: string): Promise<void> => {
    const c = new pg.Client({ connectionString: adminUrl })
    await c.connect()
    try { await c.query(sql) } finally { await c.end() }
  }
  await run(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

function baselines (text: string, exported: unknown): { validate: number, stringify: number } {
  const validate: number[] = []
  const stringify: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const v = process.hrtime.bigint()
    const result = loadDeclarativeConfig(text, { filename: 'bench.json' })
    validate.push(Number(process.hrtime.bigint() - v) / 1e6)
    if (!result.ok) throw new Error(`generated config is invalid: ${JSON.stringify(result.errors.slice(0, 3))}`)
    const s = process.hrtime.bigint()
    JSON.stringify(exported)
    stringify.push(Number(process.hrtime.bigint() - s) / 1e6)
  }
  return { validate: median(validate), stringify: median(stringify) }
}

function verdict (f: StoreFigures): string {
  const importOk = f.import <= IMPORT_TARGET_MS
  const exportOk = Math.max(f.exportJson, f.exportYaml) <= EXPORT_TARGET_MS
  return importOk && exportOk ? 'met' : `not met (import ${importOk ? 'ok' : 'over'}, export ${exportOk ? 'ok' : 'over'})`
}

function section (figures: StoreFigures[], base: { validate: number, stringify: number }, doc: Record<string, unknown>, bytes: number, loadAtStart: string): string {
  const ms = (x: number): string => x.toFixed(0)
  const ratio = (x: number, b: number): string => `${(x / b).toFixed(1)}×`
  const rows = figures.map((f) =>
    `| ${f.kind} | ${ms(f.import)} | ${ratio(f.import, base.validate)} | ${ms(f.reimport)} | ${ms(f.exportJson)} | ${ratio(f.exportJson, base.stringify)} | ${ms(f.exportYaml)} |`)
  const sqlite = figures.find((f) => f.kind === 'sqlite')
  return [
    START,
    '## Admin API: declarative import and export',
    '',
    `Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ` +
      `load average at start ${loadAtStart} (a shared machine: figures above ~1 per core are noisy).`,
    `Config: generated by bench/admin/generate-config.ts, ${(doc.services as unknown[]).length} services, ${routeCount(doc)} routes ` +
      `(~85% prefix and ~15% regex paths, 25% with hosts, 30% with methods, 10% with headers, tags), ${(doc.consumers as unknown[]).length} consumers, ` +
      `${(doc.plugins as unknown[]).length} plugins; ${(bytes / 1e6).toFixed(1)} MB of JSON.`,
    'A real `atrium control-plane` child process per store, requests over loopback, wall time to the last byte of the answer, median of ' +
      `${RUNS}. Import: into an empty runtime group (${sqlite?.importSummary ?? ''}). Re-import: the same file again (${sqlite?.reimportSummary ?? ''}). ` +
      `Export: \`GET /config\`, ${((sqlite?.exportBytes ?? 0) / 1e6).toFixed(1)} MB of JSON.`,
    `Baselines, in the bench process: JSON.parse + contract validation of the same text (\`loadDeclarativeConfig\`) ${ms(base.validate)} ms — ` +
      `the floor of any import; \`JSON.stringify\` of the exported document ${ms(base.stringify)} ms.`,
    '',
    '| store | import ms | import / validation | re-import ms | export JSON ms | export / stringify | export YAML ms |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Targets (SQLite, 10k routes): import ≤ ${IMPORT_TARGET_MS} ms, export ≤ ${EXPORT_TARGET_MS} ms: ${sqlite === undefined ? 'not measured' : verdict(sqlite)}.`,
    END
  ].join('\n')
}

function writeResults (text: string): void {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n'
  const s = old.indexOf(START)
  const e = old.indexOf(END)
  const next = s >= 0 && e > s ? old.slice(0, s) + text + old.slice(e + END.length) : old.trimEnd() + '\n\n' + text + '\n'
  writeFileSync(RESULTS, next)
}

async function main (): Promise<void> {
  const loadAtStart = os.loadavg()[0].toFixed(2)
  const doc = generateConfig()
  const text = JSON.stringify(doc)
  const watchdog = setTimeout(() => {
    console.error(`bench:admin: gave up after ${DEADLINE_MS / 1000} s`)
    void Promise.allSettled(cleanups.reverse().map(async (c) => await c())).then(() => process.exit(1))
  }, DEADLINE_MS)
  try {
    const figures: StoreFigures[] = []
    const dir = mkdtempSync(join(os.tmpdir(), 'atrium-bench-admin-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    figures.push(await measureStore('sqlite', `sqlite:${join(dir, 'atrium.db')}`, text))

    let adminUrl = process.env.ATRIUM_TEST_POSTGRES_URL
    if (adminUrl === undefined || adminUrl === '') {
      const script = new URL('../../../scripts/throwaway-postgres.mjs', import.meta.url).href
      const { startThrowawayPostgres } = await import(script) as { startThrowawayPostgres: () => Promise<Throwaway> }
      const server = await startThrowawayPostgres()
      cleanups.push(() => server.stop())
      adminUrl = server.url
    }
    const pgDb = await freshPostgresDb(adminUrl)
    cleanups.push(() => pgDb.drop())
    figures.push(await measureStore('postgres', pgDb.url, text))

    // The document the CP exported, for the stringify baseline.
    const base = baselines(text, JSON.parse(figures[0].exportText))
    const out = section(figures, base, doc, Buffer.byteLength(text), loadAtStart)
    console.log(out)
    writeResults(out)
  } finally {
    for (const c of cleanups.reverse()) await c()
    clearTimeout(watchdog)
  }
}

await main()
