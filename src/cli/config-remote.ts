import { readFile } from 'node:fs/promises'
import { GatewayError } from '../errors.js'
import { readOption, readOptionList, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'
import { usageError } from './usage.js'

// `atrium config apply|dump|diff`: the declarative round trip against a control plane's Admin API
// (PUT/GET /runtime-groups/{rg}/config, POST …/config/diff; dump's --select-tag → ?select_tags=,
// apply's --detach-versions → ?detach_versions=true). Errors print as `path: message` lines.

interface Remote { base: string, group: string, token: string | undefined }

function remoteOf (line: CommandLine): Remote {
  const group = readOption(line, OPTIONS.remoteRuntimeGroup)
  if (group === undefined || group === '') throw usageError('--runtime-group NAME is required')
  return { base: readOption(line, OPTIONS.adminUrl), group, token: readOption(line, OPTIONS.adminToken) }
}

async function call (remote: Remote, method: string, suffix: string, init: { body?: string, contentType?: string, accept?: string } = {}): Promise<{ status: number, text: string }> {
  const headers: Record<string, string> = {}
  if (remote.token !== undefined && remote.token !== '') headers.authorization = `Bearer ${remote.token}`
  if (init.contentType !== undefined) headers['content-type'] = init.contentType
  if (init.accept !== undefined) headers.accept = init.accept
  const url = `${remote.base}/runtime-groups/${encodeURIComponent(remote.group)}/config${suffix}`
  let res: Response
  try {
    res = await fetch(url, { method, headers, body: init.body })
  } catch (err) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `cannot reach the control plane at ${remote.base}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`)
  }
  return { status: res.status, text: await res.text() }
}

/** An Admin API error answer, printed as the message then one `path: message` line per field. */
function failure (status: number, text: string): number {
  let body: { message?: unknown, fields?: unknown } = {}
  try { body = JSON.parse(text) as typeof body } catch {}
  process.stderr.write(`error: ${typeof body.message === 'string' ? body.message : `the control plane answered ${status}`}\n`)
  if (typeof body.fields === 'object' && body.fields !== null) {
    for (const [path, message] of Object.entries(body.fields)) process.stderr.write(`${path === '' ? '(file)' : path}: ${String(message)}\n`)
  }
  return 1
}

async function readConfigFile (file: string): Promise<{ body: string, contentType: string }> {
  let body: string
  try {
    body = await readFile(file, 'utf8')
  } catch (err) {
    throw new GatewayError('ATRIUM_ERR_CONFIG_READ', `cannot read ${file}: ${(err as Error).message}`)
  }
  const json = file.toLowerCase().endsWith('.json') || body.trimStart().startsWith('{')
  return { body, contentType: json ? 'application/json' : 'application/yaml' }
}

export async function applyCommand (line: CommandLine): Promise<number> {
  const remote = remoteOf(line)
  const fileName = line.file as string
  const file = await readConfigFile(fileName)
  const res = await call(remote, 'PUT', readOption(line, OPTIONS.detachVersions) ? '?detach_versions=true' : '', file)
  if (res.status !== 200) return failure(res.status, res.text)
  const out = JSON.parse(res.text) as { config_version: number, created: number, updated: number, deleted: number, detached_versions: CatalogVersion[] }
  process.stdout.write(`${fileName}: applied to runtime group ${remote.group}: ${out.created} created, ${out.updated} updated, ${out.deleted} deleted (config version ${out.config_version})\n`)
  for (const v of out.detached_versions) process.stdout.write(`detached catalog version ${versionName(v)}\n`)
  return 0
}

export async function dumpCommand (line: CommandLine): Promise<number> {
  const remote = remoteOf(line)
  const format = readOption(line, OPTIONS.format)
  const tags = readOptionList(line, OPTIONS.selectTag)
  const query = tags.length === 0 ? '' : `?${new URLSearchParams(tags.map((t): [string, string] => ['select_tags', t])).toString()}`
  const res = await call(remote, 'GET', query, { accept: format === 'yaml' ? 'application/yaml' : 'application/json' })
  if (res.status !== 200) return failure(res.status, res.text)
  process.stdout.write(format === 'json' ? `${JSON.stringify(JSON.parse(res.text), null, 2)}\n` : res.text)
  return 0
}

interface DiffItem { kind: string, id: string, name: string }
interface CatalogVersion { package: string, version: string, service_id: string, service: string | null }

function versionName (v: CatalogVersion): string {
  return `${v.package} ${v.version} (service ${v.service ?? v.service_id})`
}

export async function diffCommand (line: CommandLine): Promise<number> {
  const remote = remoteOf(line)
  const file = await readConfigFile(line.file as string)
  const res = await call(remote, 'POST', '/diff', file)
  if (res.status !== 200) return failure(res.status, res.text)
  const diff = JSON.parse(res.text) as { create: DiffItem[], update: DiffItem[], delete: DiffItem[], catalog: Array<CatalogVersion & { change: 'delete' | 'update' }> }
  for (const [sign, items] of [['+', diff.create], ['~', diff.update], ['-', diff.delete]] as const) {
    for (const item of items) process.stdout.write(`${sign} ${item.kind} ${item.name}${item.name === item.id ? '' : ` (${item.id})`}\n`)
  }
  process.stdout.write(`${diff.create.length} to create, ${diff.update.length} to update, ${diff.delete.length} to delete\n`)
  for (const v of diff.catalog) {
    process.stdout.write(v.change === 'delete'
      ? `! catalog version ${versionName(v)} loses its implementation: apply refuses this without --detach-versions\n`
      : `~ catalog version ${versionName(v)}: its implementation changes\n`)
  }
  return 0
}
