import { ATRIUM_VERSION } from '../version.js'
import { COMMANDS, commandSpec, type CommandName, type CommandSpec } from './commands.js'
import { OPTION_LIST, appliesTo, takesFlag, type AnyOption } from './options.js'

// `atrium --help` and `atrium COMMAND --help`, rendered from the command and option tables.

const WIDTH = 100

/** Wraps `text` to WIDTH columns, every line indented by `indent` spaces. */
export function wrap (text: string, indent: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  if (line !== '') lines.push(line)
  return lines.map((l) => ' '.repeat(indent) + l)
}

export const PRECEDENCE = 'A flag wins over its environment variable, and the variable over the default.'
export const VALUE_NOTES = 'HOST:PORT also accepts [::1]:8000 and :8000 (all interfaces). ' +
  'A DURATION is 90m, 48h, 2d, 45s or a whole number of seconds.'

/** Where the option applies, in words: `data-plane, start (environment only)`. */
export function optionCommands (option: AnyOption): string {
  const envOnly = (option.envOnlyIn ?? []).map((c) => `${c} (environment only)`)
  return [...option.commands, ...envOnly].join(', ')
}

/** `default 0.0.0.0:8000`, or the behaviour without a default in brackets: `(hybrid mode)`. */
export function defaultText (option: AnyOption): string | undefined {
  if (option.default !== undefined) return `default ${option.defaultNote ?? option.default}`
  return option.defaultNote === undefined ? undefined : `(${option.defaultNote})`
}

function optionBlock (option: AnyOption, command: CommandName | null): string[] {
  // `start` reads some variables without taking their flags: show those as variables only.
  const envOnly = option.flag === undefined || (command !== null && !takesFlag(option, command))
  const head = envOnly ? `  ${option.env as string}=${option.value === '' ? 'on|off' : option.value}` : `  ${option.short === undefined ? '' : `-${option.short}, `}--${option.flag as string}${option.value === '' ? '' : ` ${option.value}`}`
  const env = envOnly ? 'environment only' : option.env
  let help = option.help
  if (command === null) help += ` [${optionCommands(option)}]`
  if (command === 'data-plane' && option.hybridOnly === true) help += ' (hybrid mode)'
  const parts = [head, env, defaultText(option)].filter((p) => p !== undefined)
  return [parts.join('   '), ...wrap(help, 6)]
}

function commandBlock (spec: CommandSpec): string[] {
  return [...spec.usage.map((u) => `  atrium ${u}`), ...wrap(spec.summary, 6)]
}

function optionsOf (command: CommandName | null): AnyOption[] {
  return OPTION_LIST.filter((o) => o.hidden !== true && (command === null || appliesTo(o, command)))
}

export function renderHelp (): string {
  const lines = [
    `atrium ${ATRIUM_VERSION}: API gateway with an integrated service catalog`,
    '',
    'Usage:',
    ...COMMANDS.flatMap(commandBlock),
    '  atrium COMMAND --help       The usage and options of one command.',
    '  atrium help | --help        This text.',
    '  atrium version | --version  The version.',
    '',
    'Options:',
    ...wrap(PRECEDENCE, 2),
    ...wrap(VALUE_NOTES, 2),
    '',
    ...optionsOf(null).flatMap((o) => optionBlock(o, null))
  ]
  return lines.join('\n') + '\n'
}

export function renderCommandHelp (command: CommandName): string {
  const options = optionsOf(command)
  const lines = [
    'Usage:',
    ...commandBlock(commandSpec(command)),
    '',
    'Options:',
    ...(options.length === 0 ? [] : wrap(PRECEDENCE, 2)),
    ...(options.some((o) => o.value === 'HOST:PORT' || o.value === 'DURATION') ? wrap(VALUE_NOTES, 2) : []),
    ...(options.length === 0 ? [] : ['']),
    ...options.flatMap((o) => optionBlock(o, command)),
    '  -h, --help',
    '      This text.'
  ]
  return lines.join('\n') + '\n'
}
