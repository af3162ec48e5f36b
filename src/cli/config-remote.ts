import { readFile } from 'node:fs/promises'
import { GatewayError } from '../errors.js'
import { adminCall, adminClientOf, printDiff, printFailure, type AdminClient, type DiffItem } from './admin-client.js'
import { readOption, readOptionList, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'
import { usageError } from './usage.js'

// `atrium config apply|dump|diff`: the declarative round trip against a control plane's Admin API
// (PUT/GET /runtime-groups/{rg}/config, POST …/config/diff; dump's --select-tag → ?select_tags=,
// apply's --detach-versions → ?detach_versions=true), through admin-client.ts.

interface Remote extends AdminClient { group: string }

function remoteOf (line: CommandLine): Remote {
  const group = readOption(line, OPTIONS.remoteRuntimeGroup)
  if (group === undefined || group === '') throw usageError('--runtime-group NAME is required')
  return { ...adminClientOf(line), group }
}

async function call (remote: Remote, method: string, suffix: string, init: { body?: string, contentType?: string, accept?: string } = {}): Promise<{ status: number, text: string }> {
  return await adminCall(remote, method, `/runtime-groups/${encodeURIComponent(remote.group)}/config${suffix}`, init)
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
  if (res.status !== 200) return printFailure(res.status, res.text)
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
  if (res.status !== 200) return printFailure(res.status, res.text)
  process.stdout.write(format === 'json' ? `${JSON.stringify(JSON.parse(res.text), null, 2)}\n` : res.text)
  return 0
}

interface CatalogVersion { package: string, version: string, service_id: string, service: string | null }

function versionName (v: CatalogVersion): string {
  return `${v.package} ${v.version} (service ${v.service ?? v.service_id})`
}

export async function diffCommand (line: CommandLine): Promise<number> {
  const remote = remoteOf(line)
  const file = await readConfigFile(line.file as string)
  const res = await call(remote, 'POST', '/diff', file)
  if (res.status !== 200) return printFailure(res.status, res.text)
  const diff = JSON.parse(res.text) as { create: DiffItem[], update: DiffItem[], delete: DiffItem[], catalog: Array<CatalogVersion & { change: 'delete' | 'update' }> }
  printDiff(diff)
  for (const v of diff.catalog) {
    process.stdout.write(v.change === 'delete'
      ? `! catalog version ${versionName(v)} loses its implementation: apply refuses this without --detach-versions\n`
      : `~ catalog version ${versionName(v)}: its implementation changes\n`)
  }
  return 0
}
