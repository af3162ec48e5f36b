import { GatewayError } from '../errors.js'
import { readOption, type CommandLine } from './command-line.js'
import { OPTIONS } from './options.js'

// The commands that talk to a control plane (config apply/dump/diff, promote): one call to its
// Admin API at --admin-url with --admin-token, and its error answers printed as the message then
// one `path: message` line per field.

export interface AdminClient { base: string, token: string | undefined }

export function adminClientOf (line: CommandLine): AdminClient {
  return { base: readOption(line, OPTIONS.adminUrl), token: readOption(line, OPTIONS.adminToken) }
}

export async function adminCall (client: AdminClient, method: string, path: string, init: { body?: string, contentType?: string, accept?: string } = {}): Promise<{ status: number, text: string }> {
  const headers: Record<string, string> = {}
  if (client.token !== undefined && client.token !== '') headers.authorization = `Bearer ${client.token}`
  if (init.contentType !== undefined) headers['content-type'] = init.contentType
  if (init.accept !== undefined) headers.accept = init.accept
  let res: Response
  try {
    res = await fetch(`${client.base}${path}`, { method, headers, body: init.body })
  } catch (err) {
    throw new GatewayError('ATRIUM_ERR_CLI_USAGE', `cannot reach the control plane at ${client.base}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`)
  }
  return { status: res.status, text: await res.text() }
}

/** Prints an Admin API error answer to stderr; returns the exit code (1). */
export function printFailure (status: number, text: string): number {
  let body: { message?: unknown, fields?: unknown } = {}
  try { body = JSON.parse(text) as typeof body } catch {}
  process.stderr.write(`error: ${typeof body.message === 'string' ? body.message : `the control plane answered ${status}`}\n`)
  if (typeof body.fields === 'object' && body.fields !== null) {
    for (const [path, message] of Object.entries(body.fields)) process.stderr.write(`${path === '' ? '(file)' : path}: ${String(message)}\n`)
  }
  return 1
}

export interface DiffItem { kind: string, id: string, name: string }

/** `+ kind name (id)` lines then the counts: config diff's and promote's output. */
export function printDiff (diff: { create: DiffItem[], update: DiffItem[], delete: DiffItem[] }): void {
  for (const [sign, items] of [['+', diff.create], ['~', diff.update], ['-', diff.delete]] as const) {
    for (const item of items) process.stdout.write(`${sign} ${item.kind} ${item.name}${item.name === item.id ? '' : ` (${item.id})`}\n`)
  }
  process.stdout.write(`${diff.create.length} to create, ${diff.update.length} to update, ${diff.delete.length} to delete\n`)
}
