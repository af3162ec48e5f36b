import { ATRIUM_VERSION } from './version.js'
import { COMMAND_NAMES, COMMANDS, type CommandName } from './cli/commands.js'
import { parseCommandLine, type CommandLine } from './cli/command-line.js'
import { renderCommandHelp, renderHelp } from './cli/help.js'
import { printError } from './cli/print-error.js'
import { usageError } from './cli/usage.js'
import { validateCommand } from './cli/config-validate.js'
import { applyCommand, diffCommand, dumpCommand } from './cli/config-remote.js'
import { dataPlaneCommand } from './cli/data-plane-command.js'
import { controlPlaneCommand } from './cli/control-plane-command.js'
import { startCommand } from './cli/start-command.js'
import { promoteCommand } from './cli/promote-command.js'
import { explainCommand } from './cli/routes-explain-command.js'
import { conflictsCommand } from './cli/routes-conflicts-command.js'
import { fromSpecCommand } from './cli/routes-from-spec-command.js'
import { driftCommand } from './cli/drift-command.js'

const RUN: Record<CommandName, (line: CommandLine) => Promise<number>> = {
  start: startCommand,
  'control-plane': controlPlaneCommand,
  'data-plane': dataPlaneCommand,
  'config validate': async (line) => await validateCommand(line.file as string),
  'config apply': applyCommand,
  'config dump': dumpCommand,
  'config diff': diffCommand,
  promote: promoteCommand,
  'routes explain': explainCommand,
  'routes conflicts': conflictsCommand,
  'routes from-spec': fromSpecCommand,
  drift: driftCommand
}

function isCommandName (name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name)
}

/** The commands written as two words (`atrium config apply`, `atrium routes explain`). */
const GROUPS = ['config', 'routes'] as const
type Group = typeof GROUPS[number]

function isGroup (word: string | undefined): word is Group {
  return (GROUPS as readonly string[]).includes(word ?? '')
}

/** `atrium config …` → the command name and its arguments, or a usage error. */
function groupCommand (group: Group, rest: string[]): { name: CommandName | Group, args: string[] } {
  const sub = rest[0]
  if (sub === '--help' || sub === '-h' || sub === 'help') return { name: group, args: [] }
  const name = `${group} ${sub ?? ''}`
  if (!isCommandName(name)) {
    const expected = COMMAND_NAMES.filter((c) => c.startsWith(`${group} `)).map((c) => c.slice(group.length + 1))
    throw usageError(`unknown ${group} subcommand "${sub ?? ''}"; expected ${expected.length === 1 ? expected[0] : `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]}`}`)
  }
  return { name, args: rest.slice(1) }
}

/** Entry point of the `atrium` binary; resolves to the exit code. */
export async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  let label = 'atrium'
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(renderHelp())
        return command === undefined ? 1 : 0
      case 'version':
      case '--version':
        process.stdout.write(`${ATRIUM_VERSION}\n`)
        return 0
    }
    label = isGroup(command) ? `atrium ${command}` : label
    const { name, args } = isGroup(command) ? groupCommand(command, rest) : { name: command, args: rest }
    if (isGroup(name)) {
      process.stdout.write(COMMANDS.filter((c) => c.name.startsWith(`${name} `)).map((c) => renderCommandHelp(c.name)).join('\n'))
      return 0
    }
    if (!isCommandName(name) || (!isGroup(command) && command.includes(' '))) throw usageError(`unknown command "${command}"`)
    label = `atrium ${name}`
    const line = parseCommandLine(name, args)
    if (line.help) {
      process.stdout.write(renderCommandHelp(name))
      return 0
    }
    return await RUN[name](line)
  } catch (err) {
    printError(err, label)
    return 1
  }
}
