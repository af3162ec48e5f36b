import { parseArgs } from 'node:util'
import { commandSpec, type CommandName } from './commands.js'
import { OPTION_LIST, takesFlag, type AnyOption, type OptionSpec, type OptionWithDefault } from './options.js'
import { usageError } from './usage.js'

// One subcommand's command line, parsed with node:util parseArgs from the options table, and the
// values read from it: the flag, else the environment variable, else the default, each parsed by
// the option's parser. parseArgs runs non-strict so that every mistake (unknown option, missing
// value, stray argument) becomes one usage error naming the flag, instead of Node's
// ERR_PARSE_ARGS_* with a stack.

export interface CommandLine {
  command: CommandName
  /** Flag values by flag name, as given. */
  flags: Readonly<Record<string, string | undefined>>
  /** Every value of each flag, in order (`flags` holds the last: most flags take one value). */
  repeated: Readonly<Record<string, readonly string[]>>
  /** The FILE argument of config validate/apply/diff. */
  file: string | undefined
  /** The positional arguments, in the order of the command's `args`. */
  args: readonly string[]
  help: boolean
}

type ArgOptions = Record<string, { type: 'string' | 'boolean', short?: string }>

function argOptions (command: CommandName): ArgOptions {
  const options: ArgOptions = { help: { type: 'boolean', short: 'h' } }
  for (const o of OPTION_LIST) {
    if (takesFlag(o, command)) options[o.flag as string] = { type: o.switch === true ? 'boolean' : 'string', ...(o.short === undefined ? {} : { short: o.short }) }
  }
  return options
}

export function parseCommandLine (command: CommandName, args: string[]): CommandLine {
  const options = argOptions(command)
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true })
  const flags: Record<string, string | undefined> = {}
  const repeated: Record<string, string[]> = {}
  const positionals: string[] = []
  let help = false
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value)
    if (token.kind !== 'option') continue
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined
    if (spec === undefined) throw usageError(`unknown option ${token.rawName} for "atrium ${command}"`)
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw usageError(`${token.rawName} takes no value`)
      if (token.name === 'help') help = true
      else flags[token.name] = 'on'
    } else if (token.value === undefined) {
      throw usageError(`${token.rawName} needs a value`)
    } else if (token.inlineValue !== true && token.value.startsWith('-')) {
      // Node's strict mode refuses this too: `--token --proxy-listen x` is more likely a forgotten value.
      throw usageError(`${token.rawName} needs a value (got the option-like "${token.value}"; write ${token.rawName}=${token.value} if that is the value)`)
    } else {
      flags[token.name] = token.value
      ;(repeated[token.name] ??= []).push(token.value)
    }
  }
  if (help) return { command, flags, repeated, file: undefined, args: [], help }
  const wanted = commandSpec(command).args
  if (positionals.length > wanted.length) throw usageError(`unexpected argument "${positionals[wanted.length]}" for "atrium ${command}"`)
  if (positionals.length < wanted.length) throw usageError(`"atrium ${command}" needs ${wanted.slice(positionals.length).join(' ')}`)
  return { command, flags, repeated, file: wanted[0] === 'FILE' ? positionals[0] : undefined, args: positionals, help }
}

/** The flag (or, without one, the variable) as written in help and error messages. */
export function optionName (option: AnyOption): string {
  return option.flag === undefined ? option.env as string : `--${option.flag}`
}

/** The text of an option on this command line (flag, else environment), and where it came from. */
export function rawValue (line: CommandLine, option: AnyOption): { text: string, from: string } | undefined {
  const flagText = option.flag === undefined || !takesFlag(option, line.command) ? undefined : line.flags[option.flag]
  if (flagText !== undefined) return { text: flagText, from: `--${option.flag as string}` }
  const envText = option.env === undefined ? undefined : process.env[option.env]
  if (envText !== undefined) return { text: envText, from: option.flag === undefined ? option.env as string : `${option.env as string} (--${option.flag})` }
  return undefined
}

/** The option's value: the flag wins over the environment, which wins over the default. */
export function readOption<T> (line: CommandLine, option: OptionWithDefault<T>): T
export function readOption<T> (line: CommandLine, option: OptionSpec<T>): T | undefined
export function readOption<T> (line: CommandLine, option: OptionSpec<T>): T | undefined {
  const raw = rawValue(line, option)
  if (raw !== undefined) return option.parse(raw.text, raw.from)
  return option.default === undefined ? undefined : option.parse(option.default, `the default of ${optionName(option)}`)
}

/** Every value of a flag given once or more, as --select-tag is (each parsed; a parser's list is flattened); none when not given. */
export function readOptionList<T> (line: CommandLine, option: OptionSpec<T | T[]>): T[] {
  if (option.flag === undefined || !takesFlag(option, line.command)) return []
  return (line.repeated[option.flag] ?? []).flatMap((text) => option.parse(text, `--${option.flag as string}`))
}
