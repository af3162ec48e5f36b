// Figures and the markdown section of the sync bench; writes it between the sync markers of
// bench/RESULTS.md (only that section is replaced; appended when missing).

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'

export const START = '<!-- sync:start -->'
export const END = '<!-- sync:end -->'
const RESULTS = new URL('../../../bench/RESULTS.md', import.meta.url)
export const TARGET_P99_MS = 300

export interface Dist { n: number, p50: number, p99: number, max: number }

/** Nearest-rank percentiles; n = 0 gives NaN. */
export function dist (xs: number[]): Dist {
  const s = [...xs].sort((a, b) => a - b)
  const at = (p: number): number => s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]
  return { n: s.length, p50: at(0.5), p99: at(0.99), max: s.length === 0 ? NaN : s[s.length - 1] }
}

export interface PhaseFigures {
  nodes: number
  real: number
  sim: number
  changes: number
  write: Dist
  serve: Dist
  receive: Dist
  ack: Dist
  buildMs: Dist
  /** Part of buildMs: reading the group back from the store and exporting it. */
  readMs: Dist
  buildBytes: number
  /** Real nodes' `snapshot applied` log lines: gunzip + JSON, contract + hash, router compile + swap. */
  decodeMs: Dist
  checkMs: Dist
  compileMs: Dist
  validateMs: Dist
}

export interface Machine { cpu: string, cores: number, node: string, date: string, loadStart: string, loadEnd: string }

export function machine (loadStart: string): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
    loadStart,
    loadEnd: os.loadavg().map((x) => x.toFixed(2)).join(' ')
  }
}

const f = (x: number): string => Number.isNaN(x) ? '–' : x.toFixed(0)
const trio = (d: Dist): string => `${f(d.p50)} / ${f(d.p99)} / ${f(d.max)}`

export interface SectionInput {
  phases: PhaseFigures[]
  m: Machine
  routes: number
  services: number
  configBytes: number
  rss0: number
  rss100: number
  rss100Peak: number
}

// Why the target is missed, from a --cpu-prof of the CP during this bench (see the commit of the
// RESULTS figures); kept as prose because it names code, not measured numbers.
const GAP = 'Gap and cause (a quiet machine, load figures above; the same code under load 9–15 gave p99 1.6–2 s, and before deltas and incremental reads this bench measured 1.3 s / 2.0 s): Per change the time is CPU work proportional to the group\'s size, on each side, not fan-out (deltas are ~500 bytes, so 100 nodes cost the CP little more than 1): the CP reads only the changed rows (read), then normalises and hashes the whole group (~35 ms idle) and builds the delta (~10 ms); a node rebuilds the document from the delta (decode), runs the whole-document declarative contract and hash on it (check, the largest part: ~70–80 ms of CPU idle at 10k routes) and compiles the router and plugin chains (compile, ~40 ms). With 3 real nodes, the simulated nodes\' validation worker and the CP sharing 2 cores, nodes queue behind each other. The Admin API write itself (write ms) still validates the whole group. Next steps: validate and normalise only the entities a delta changed (an identity cache across deltas), an incremental router update, and a rerun on a quiet machine.'

export function section (x: SectionInput): string {
  const last = x.phases.find((p) => p.nodes === 100)
  const worst = last === undefined ? NaN : Math.max(last.serve.p99, last.ack.p99)
  const met = worst <= TARGET_P99_MS
  const rows = x.phases.map((p) =>
    `| ${p.nodes} (${p.real} real + ${p.sim} simulated) | ${p.changes} | ${trio(p.serve)} | ${trio(p.receive)} | ${trio(p.ack)} | ${f(p.buildMs.p50)} / ${f(p.buildMs.max)} (read ${f(p.readMs.p50)}) | ${f(p.decodeMs.p50)} / ${f(p.checkMs.p50)} / ${f(p.compileMs.p50)} | ${(p.buildBytes / 1024).toFixed(0)} | ${f(p.validateMs.p50)} | ${f(p.write.p50)} |`)
  return [
    START,
    '## Hybrid mode: config sync (CP → nodes)',
    '',
    `Machine: ${x.m.cpu}, ${x.m.cores} cores, Node ${x.m.node}, ${x.m.date}, load average at start ${x.m.loadStart}, at end (1/5/15 min) ${x.m.loadEnd} ` +
      '(a shared machine: the CP, 3 real nodes, the bench and its validation worker all run on these cores).',
    `Config: bench/admin/generate-config.ts (${x.services} services, ${x.routes} routes, consumers; its plugins left out because nodes announce no ` +
      `plugins yet, see src/data-plane/node-plugins.ts) plus a \`sync-bench\` service pointing at an upstream in the bench; ${(x.configBytes / 1e6).toFixed(1)} MB of JSON.`,
    'A real `atrium control-plane` child process (SQLite), a runtime group loaded with `PUT /config`. Nodes: up to 3 real `atrium data-plane` child ' +
      'processes; the rest are simulated nodes in the bench process (real WebSocket sessions: hello with a distinct node_id and the `delta` feature, ' +
      'binary snapshot or delta frames, ack). After its first full snapshot every node receives each change as a delta (docs/sync-protocol.md).',
    'Each change is one Admin API write, awaited (even: `POST …/services/sync-bench/routes` with a new path; odd: `PATCH …/routes/:name` moving that route ' +
      'to a new path); the next change starts once every node has it. Times are from the write\'s response to:',
    `- **serve** (real nodes): the node's proxy answers 200 for the new path (polled every 5 ms; 404 = no route matched yet) — the full node path: ` +
      'gunzip, delta rebuild, contract validation of the whole config, hash check, router compile, swap;',
    '- **receive** (simulated nodes): the whole frame has arrived — the CP side: commit hook, incremental store read + export, normalise + hash, delta, fan-out;',
    '- **ack** (simulated nodes): receive + gunzip + JSON + delta rebuild + contract validation + hash check + the new route present, then ack sent. The validation runs once per ' +
      'distinct frame in a worker thread and the other simulated nodes check their copy is byte-identical: 97 full validations per change would ' +
      'need ~97 × the per-node cost below in CPU on this machine and measure the bench, not the sync.',
    'p50 / p99 / max across nodes × changes (ms). Snapshot build: from the CP\'s `snapshot built` log lines, until the delta and snapshot are handed to ' +
      'the sessions (read: the incremental store read + export); the full frame is serialised after that. Real node decode / check / compile: ' +
      'from the nodes\' `snapshot applied` log lines (gunzip + JSON + delta rebuild; contract + hash; router compile + swap).',
    '',
    '| nodes | changes | serve p50 / p99 / max | receive p50 / p99 / max | ack p50 / p99 / max | snapshot build ms p50 / max (read p50) | real node decode / check / compile ms p50 | snapshot KiB (gzip) | node validate ms p50 | write ms p50 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `CP memory (VmRSS): ${(x.rss0 / 1024).toFixed(0)} MiB with 0 nodes (10k routes loaded), ${(x.rss100 / 1024).toFixed(0)} MiB with 100 nodes connected ` +
      `after their changes (peak VmHWM ${(x.rss100Peak / 1024).toFixed(0)} MiB).`,
    '',
    `Target: p99 ≤ ${TARGET_P99_MS} ms for 100 nodes at 10k routes: ${last === undefined ? 'not measured' : met ? 'met' : `not met (worst p99 ${f(worst)} ms)`}.`,
    ...(met ? [] : ['', GAP]),
    END
  ].join('\n')
}

export function writeResults (text: string): void {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n'
  const s = old.indexOf(START)
  const e = old.indexOf(END)
  const next = s >= 0 && e > s ? old.slice(0, s) + text + old.slice(e + END.length) : old.trimEnd() + '\n\n' + text + '\n'
  writeFileSync(RESULTS, next)
}
