import { compileRouter } from '../router/compile-router.js'
import { explainMatch, type Explanation } from '../router/explain-match.js'
import { parseExplainRequest } from '../router/explain-request.js'
import { formatPriority } from '../router/loss-reason.js'
import { adminCall, adminClientOf, printFailure } from './admin-client.js'
import { readOption, readOptionList, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'
import { usageError } from './usage.js'
import { routesSource, routeWords as ref } from './routes-source.js'

// `atrium routes explain URL (--runtime-group G | --config FILE) [-X METHOD] [-H 'name: value' …]`:
// the request is described as the Admin API takes it ({"method", "url", "headers"}); with
// --runtime-group the control plane explains it against the group's current config, with --config
// the file is compiled here exactly as a DB-less node compiles it.

function headersOf (lines: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw usageError(`--header "${line}" is not NAME: VALUE`)
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    const seen = out[name]
    out[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
  }
  return out
}

function printExplanation (e: Explanation): void {
  const out: string[] = []
  if (e.route === null) out.push(`no route: ${e.message ?? ''}`)
  else {
    out.push(`route: ${ref(e.route)}${e.matched_path == null ? '' : ` by ${e.matched_path}`}`)
    out.push(`upstream path: ${e.upstream_path ?? '(none: the route has no service)'}`)
    if (e.priority !== undefined) out.push(`priority: ${formatPriority(e.priority)}`)
  }
  if (e.candidates.length > 0) out.push('also matched:', ...e.candidates.map((c) => `  ${ref(c.route)}${c.matched_path === null ? '' : ` by ${c.matched_path}`}: ${c.lost_because}`))
  if (e.near_misses.length > 0) out.push('near misses:', ...e.near_misses.map((n) => `  ${ref(n.route)}: ${n.failed}`))
  process.stdout.write(out.join('\n') + '\n')
}

export async function explainCommand (line: CommandLine): Promise<number> {
  const [url] = line.args
  const source = await routesSource(line)
  const description = { method: readOption(line, OPTIONS.explainMethod), [url.startsWith('/') ? 'path' : 'url']: url, headers: headersOf(readOptionList(line, OPTIONS.explainHeader)) }
  const json = readOption(line, OPTIONS.routesFormat) === 'json'
  let explained: Explanation
  if ('config' in source) {
    explained = explainMatch(compileRouter(source.config), source.config, parseExplainRequest(description))
  } else {
    const res = await adminCall(adminClientOf(line), 'POST', `/runtime-groups/${encodeURIComponent(source.group)}/routes/explain`,
      { contentType: 'application/json', body: JSON.stringify(description) })
    if (res.status !== 200) return printFailure(res.status, res.text)
    explained = JSON.parse(res.text) as Explanation
  }
  if (json) process.stdout.write(JSON.stringify(explained, null, 2) + '\n')
  else printExplanation(explained)
  return 0
}
