import { compileRouter } from '../router/compile-router.js'
import { findRouteConflicts, type RouteConflict } from '../router/route-conflicts.js'
import { adminCall, adminClientOf, printFailure } from './admin-client.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'
import { routesSource, routeWords } from './routes-source.js'

// `atrium routes conflicts (--runtime-group G | --config FILE) [--format json]`: the findings of
// src/router/route-conflicts.ts, one block per finding; exit 2 when there are any, so CI can gate a
// config file on it.

function exampleWords (e: RouteConflict['example']): string {
  const headers = Object.entries(e.headers ?? {}).map(([k, v]) => ` -H '${k}: ${v}'`).join('')
  return `${e.method} ${e.tls === true ? 'https' : 'http'}://${e.host ?? '<any host>'}${e.path}${headers}${e.sni === undefined ? '' : ` (SNI ${e.sni})`}`
}

export async function conflictsCommand (line: CommandLine): Promise<number> {
  const source = await routesSource(line)
  let found: RouteConflict[]
  if ('config' in source) {
    found = findRouteConflicts(compileRouter(source.config))
  } else {
    const res = await adminCall(adminClientOf(line), 'GET', `/runtime-groups/${encodeURIComponent(source.group)}/routes/conflicts`)
    if (res.status !== 200) return printFailure(res.status, res.text)
    found = (JSON.parse(res.text) as { data: RouteConflict[] }).data
  }
  if (readOption(line, OPTIONS.routesFormat) === 'json') {
    process.stdout.write(JSON.stringify({ data: found }, null, 2) + '\n')
  } else {
    const out = found.map((c) => `${c.kind} (${c.certainty}): ${routeWords(c.route)} by ${routeWords(c.other)}\n  ${c.message}\n  e.g. ${exampleWords(c.example)}`)
    process.stdout.write(out.length === 0 ? 'no route conflicts\n' : `${out.join('\n')}\n${found.length} conflict${found.length === 1 ? '' : 's'}\n`)
  }
  return found.length === 0 ? 0 : 2
}
