import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

// Reading a Prometheus text exposition in tests: every sample as {name, labels, value}, and
// `promtool check metrics` on it.

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parseExposition (text: string): Sample[] {
  const out: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = LINE.exec(line)
    if (m === null) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c))
    out.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return out
}

/** The samples of `name` whose labels include every pair of `labels` (and, with exact, no others). */
export function samples (all: Sample[], name: string, labels: Record<string, string> = {}, exact = false): Sample[] {
  return all.filter((s) => s.name === name &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
    (!exact || Object.keys(s.labels).length === Object.keys(labels).length))
}

/** The value of the one sample with exactly these labels; throws when there is none or several. */
export function value (all: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples(all, name, labels, true)
  if (found.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${found.length} samples`)
  return found[0].value
}

export const PROMTOOL = '/usr/bin/promtool'

/** `promtool check metrics` on `text`: exit code and output. Throws, naming the fix, when promtool is missing. */
export function promtoolCheck (text: string): { code: number | null, output: string } {
  if (!existsSync(PROMTOOL)) {
    throw new Error(`${PROMTOOL} is missing: install Debian's prometheus package (apt-get install -y --no-install-recommends prometheus; .ci/run does it)`)
  }
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' })
  return { code: r.status, output: `${r.stdout}${r.stderr}` }
}
