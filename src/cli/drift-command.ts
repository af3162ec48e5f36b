import { adminCall, adminClientOf, printFailure } from './admin-client.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'

// `atrium drift PACKAGE VERSION [--runtime-group G] [--from T] [--to T] [--format json]`: the
// version's spec drift, a line per finding; exit 2 when there is any.

interface Drift {
  from: number
  to: number
  requests: number
  documented_requests: number
  unused_operations: Array<{ method: string, path: string, operation_id: string | null }>
  undocumented: Array<{ method: string, path: string, requests: number, examples: string[] }>
  undeclared_statuses: Array<{ method: string, path: string, status: number, requests: number }>
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

export async function driftCommand (line: CommandLine): Promise<number> {
  const [pkg, version] = line.args
  const query = new URLSearchParams()
  for (const [key, option] of [['runtime_group', OPTIONS.specRuntimeGroup], ['from', OPTIONS.driftFrom], ['to', OPTIONS.driftTo]] as const) {
    const value = readOption(line, option)
    if (value !== undefined) query.set(key, value)
  }
  const res = await adminCall(adminClientOf(line), 'GET', `/service-packages/${encodeURIComponent(pkg)}/versions/${encodeURIComponent(version)}/drift${query.size > 0 ? `?${query.toString()}` : ''}`)
  if (res.status !== 200) return printFailure(res.status, res.text)
  const d = JSON.parse(res.text) as Drift
  const findings = d.unused_operations.length + d.undocumented.length + d.undeclared_statuses.length
  if (readOption(line, OPTIONS.routesFormat) === 'json') {
    process.stdout.write(res.text.endsWith('\n') ? res.text : `${res.text}\n`)
    return findings === 0 ? 0 : 2
  }
  const out = [
    `${pkg} ${version}: ${plural(d.requests, 'request')} from ${new Date(d.from * 1000).toISOString()} to ${new Date(d.to * 1000).toISOString()}, ${d.documented_requests} documented`,
    ...d.unused_operations.map((o) => `unused: ${o.method} ${o.path}${o.operation_id === null ? '' : ` (${o.operation_id})`}`),
    ...d.undocumented.map((u) => `undocumented: ${u.method} ${u.path} — ${plural(u.requests, 'request')}, e.g. ${u.examples.join(', ')}`),
    ...d.undeclared_statuses.map((s) => `undeclared status: ${s.method} ${s.path} answered ${s.status} — ${plural(s.requests, 'request')}`)
  ]
  process.stdout.write(`${out.join('\n')}\n${findings === 0 ? 'no drift' : plural(findings, 'finding')}\n`)
  return findings === 0 ? 0 : 2
}
