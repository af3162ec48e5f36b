import { Type, type Static } from '@sinclair/typebox'
import { unsupportedMessage } from '../../contract/unsupported-features.js'
import { definePluginSpec, type PluginConfigIssue } from '../spec.js'

// Kong's file-log (3.x): same fields, defaults and priority. custom_fields_by_lua is Lua, which
// Atrium does not run: accepted only when empty (Kong exports write it as null or {}).

export const FileLogConfigSchema = Type.Object({
  path: Type.String({
    pattern: '^[^*&%`]+$',
    errorMessage: 'not a valid filename',
    description: 'File the JSON lines are appended to (created when missing, mode 0644; the folder must exist). Relative paths are relative to the node\'s working directory.'
  }),
  reopen: Type.Boolean({ default: false, description: 'Open and close the file for every batch of lines, so a rotated file (logrotate) is followed at once. Without it the file stays open; SIGUSR1 makes every file-log reopen its file.' }),
  custom_fields_by_lua: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Not supported (Atrium runs no Lua): must be empty.' }))
}, { additionalProperties: false })

export type FileLogConfig = Static<typeof FileLogConfigSchema>

function checkFileLog (config: FileLogConfig): PluginConfigIssue[] {
  return config.custom_fields_by_lua !== undefined && Object.keys(config.custom_fields_by_lua).length > 0
    ? [{ path: 'custom_fields_by_lua', message: unsupportedMessage('lua', 'custom_fields_by_lua holds Lua code') }]
    : []
}

export const fileLogSpec = definePluginSpec({
  name: 'file-log',
  version: '1.0.0',
  priority: 9,
  description: 'Appends one JSON line per request (Kong\'s log format) to a file; writes are batched and never hold up a request.',
  schema: FileLogConfigSchema,
  check: checkFileLog
})
