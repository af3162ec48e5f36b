import { COMMANDS, type CommandSpec } from './commands.js'
import { PRECEDENCE, VALUE_NOTES, optionCommands } from './help.js'
import { OPTION_LIST, appliesTo, takesFlag, type AnyOption } from './options.js'

// docs/command-line.md, rendered from the command and option tables (a test fails when the file in
// the repository differs; `npm run docs` rewrites it, scripts/docs/registry.ts). Pure: the same text on every machine, so
// no version and no absolute paths.

export const COMMAND_LINE_DOC = 'docs/command-line.md'
export const REGENERATE = 'npm run build && npm run docs'

/** A table cell: `|` escaped so it does not split the cell (GitHub reads `\|` in code spans too). */
function cell (text: string): string {
  return text.replaceAll('|', '\\|')
}

/** Plain text (help, summaries): `*` escaped so `atrium_*_latency_ms` is no emphasis. */
function prose (text: string): string {
  return text.replaceAll('*', '\\*')
}

function code (text: string): string {
  return `\`${text}\``
}

function defaultCell (option: AnyOption): string {
  if (option.default !== undefined) return cell(code(option.defaultNote ?? option.default))
  return option.defaultNote === undefined ? '' : cell(`(${option.defaultNote})`)
}

function optionRow (option: AnyOption, spec: CommandSpec): string {
  const flag = takesFlag(option, spec.name) ? (option.short === undefined ? '' : `${code(`-${option.short}`)}, `) + code(`--${option.flag as string}${option.value === '' ? '' : ` ${option.value}`}`) : ''
  const env = option.env === undefined ? '' : code(option.env) + (takesFlag(option, spec.name) || option.flag === undefined ? '' : ' (environment only)')
  const help = option.help + (spec.name === 'data-plane' && option.hybridOnly === true ? ' Hybrid mode only.' : '')
  return `| ${cell(flag)} | ${cell(env)} | ${defaultCell(option)} | ${cell(prose(help))} |`
}

function commandSection (spec: CommandSpec): string[] {
  const options = OPTION_LIST.filter((o) => o.hidden !== true && appliesTo(o, spec.name))
  const lines = [`## atrium ${spec.name}`, '', '```', ...spec.usage.map((u) => `atrium ${u}`), '```', '', prose(spec.summary), '']
  if (options.length > 0) {
    lines.push('| flag | environment | default | |', '|---|---|---|---|', ...options.map((o) => optionRow(o, spec)), '')
  }
  lines.push(`\`atrium ${spec.name} --help\` prints this command's usage and options.`, '')
  return lines
}

function indexRow (option: AnyOption): string {
  const name = option.flag === undefined ? '' : code(`--${option.flag}`)
  return `| ${name} | ${option.env === undefined ? '' : code(option.env)} | ${defaultCell(option)} | ${cell(optionCommands(option))} |`
}

export function renderCommandLineReference (): string {
  const visible = OPTION_LIST.filter((o) => o.hidden !== true)
  const lines = [
    '# Command line',
    '',
    '<!-- Generated from src/cli/options.ts and src/cli/commands.ts; do not edit by hand.',
    `     Regenerate: ${REGENERATE} -->`,
    '',
    `${PRECEDENCE} ${VALUE_NOTES}`,
    '',
    'A bad value, an unknown option or a listener that cannot open (port in use) stops the command with one',
    'line on stderr naming the flag, and exit code 1. Logs are pino JSON lines on stdout.',
    '',
    '## Every option',
    '',
    '| flag | environment | default | commands |',
    '|---|---|---|---|',
    ...visible.map(indexRow),
    '',
    ...COMMANDS.flatMap(commandSection),
    '## atrium help, atrium version',
    '',
    '`atrium --help` (or `atrium help`) prints every command and option; `atrium --version` the version.',
    ''
  ]
  return lines.join('\n')
}
