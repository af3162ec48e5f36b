import { readFile } from 'node:fs/promises'
import { parseConfigText } from '../contract/index.js'
import { GatewayError } from '../errors.js'
import { adminCall, adminClientOf, printDiff, printFailure, type DiffItem } from './admin-client.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'
import { usageError } from './usage.js'

// `atrium promote PACKAGE VERSION --from GROUP --to GROUP [--dry-run] [--overrides FILE]`: a dry
// run of POST /service-packages/{PACKAGE}/versions/{VERSION}/promote?runtime_group=FROM first (its
// diff is printed), then, without --dry-run, the promotion itself.

async function readOverridesFile (file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new GatewayError('ATRIUM_ERR_CONFIG_READ', `cannot read ${file}: ${(err as Error).message}`)
  }
  const parsed = parseConfigText(text, file)
  if (!parsed.ok) throw new GatewayError('ATRIUM_ERR_CONFIG_READ', `${file}: ${parsed.errors.map((e) => `${e.path === '' ? '' : `${e.path}: `}${e.message}`).join('; ')}`)
  return parsed.value
}

function required (line: CommandLine, option: typeof OPTIONS.promoteFrom, name: string): string {
  const value = readOption(line, option)
  if (value === undefined || value === '') throw usageError(`${name} GROUP is required`)
  return value
}

export async function promoteCommand (line: CommandLine): Promise<number> {
  const [pkg, version] = line.args
  const from = required(line, OPTIONS.promoteFrom, '--from')
  const to = required(line, OPTIONS.promoteTo, '--to')
  const file = readOption(line, OPTIONS.overrides)
  const overrides = file === undefined ? undefined : await readOverridesFile(file)
  const client = adminClientOf(line)
  const path = `/service-packages/${encodeURIComponent(pkg)}/versions/${encodeURIComponent(version)}/promote?runtime_group=${encodeURIComponent(from)}`
  const send = async (dryRun: boolean): Promise<{ status: number, text: string }> =>
    await adminCall(client, 'POST', path, { contentType: 'application/json', body: JSON.stringify({ runtime_group: to, dry_run: dryRun, ...(overrides === undefined ? {} : { overrides }) }) })

  const dry = await send(true)
  if (dry.status !== 200) return printFailure(dry.status, dry.text)
  const { diff } = JSON.parse(dry.text) as { diff: { create: DiffItem[], update: DiffItem[], delete: DiffItem[] } }
  printDiff(diff)
  if (readOption(line, OPTIONS.dryRun)) {
    process.stdout.write(`dry run: ${pkg} ${version} not promoted from ${from} to ${to}\n`)
    return 0
  }
  const res = await send(false)
  if (res.status !== 201) return printFailure(res.status, res.text)
  const out = JSON.parse(res.text) as { id: string, config_version: number, status: string }
  process.stdout.write(`promoted ${pkg} ${version} from ${from} to ${to}: version ${out.id} (${out.status}), config version ${out.config_version}\n`)
  return 0
}
