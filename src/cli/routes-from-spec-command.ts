import { adminCall, adminClientOf, printDiff, printFailure, type DiffItem } from './admin-client.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'

// `atrium routes from-spec PACKAGE VERSION [--runtime-group G] [--grouping operation|path]
// [--static-paths exact|prefix] [--dry-run]`: one call to …/implementation/routes-from-spec; the
// diff, then each route with the operations it serves.

interface Made { name: string, paths: string[], methods: string[], operations: Array<{ method: string, path: string }> }

export async function fromSpecCommand (line: CommandLine): Promise<number> {
  const [pkg, version] = line.args
  const group = readOption(line, OPTIONS.specRuntimeGroup)
  const dryRun = readOption(line, OPTIONS.dryRun)
  const path = `/service-packages/${encodeURIComponent(pkg)}/versions/${encodeURIComponent(version)}/implementation/routes-from-spec` +
    (group === undefined ? '' : `?runtime_group=${encodeURIComponent(group)}`)
  const res = await adminCall(adminClientOf(line), 'POST', path, {
    contentType: 'application/json',
    body: JSON.stringify({ grouping: readOption(line, OPTIONS.specGrouping), static_paths: readOption(line, OPTIONS.specStaticPaths), dry_run: dryRun })
  })
  if (res.status !== 200) return printFailure(res.status, res.text)
  const out = JSON.parse(res.text) as { diff: { create: DiffItem[], update: DiffItem[], delete: DiffItem[] }, routes: Made[], config_version?: number }
  printDiff(out.diff)
  for (const r of out.routes) process.stdout.write(`route ${r.name}: ${r.methods.join(',')} ${r.paths.join(' ')}  (${r.operations.map((o) => `${o.method} ${o.path}`).join(', ')})\n`)
  process.stdout.write(dryRun ? `dry run: ${pkg} ${version} not changed\n` : `${pkg} ${version}: config version ${String(out.config_version)}\n`)
  return 0
}
