import { GatewayError } from './errors.js'
import { ATRIUM_VERSION } from './version.js'
import { HELP } from './cli/help.js'
import { usageError } from './cli/usage.js'
import { validateCommand } from './cli/config-validate.js'
import { applyCommand, diffCommand, dumpCommand } from './cli/config-remote.js'
import { dataPlaneCommand } from './cli/data-plane-command.js'
import { controlPlaneCommand } from './cli/control-plane-command.js'
import { startCommand } from './cli/start-command.js'

function printError (err: unknown): void {
  if (err instanceof GatewayError) {
    process.stderr.write(`error: ${err.message}\n`)
    for (const f of err.fields) process.stderr.write(`  ${f.path === '' ? '(file)' : f.path}: ${f.message}\n`)
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  }
}

/** Entry point of the `atrium` binary; resolves to the exit code. */
export async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP)
        return command === undefined ? 1 : 0
      case 'version':
      case '--version':
        process.stdout.write(`${ATRIUM_VERSION}\n`)
        return 0
      case 'start':
        return await startCommand(rest, HELP)
      case 'data-plane':
        return await dataPlaneCommand(rest)
      case 'control-plane':
        return await controlPlaneCommand(rest)
      case 'config':
        switch (rest[0]) {
          case 'validate':
            if (rest.length !== 2) throw usageError('usage: atrium config validate FILE')
            return await validateCommand(rest[1])
          case 'apply': return await applyCommand(rest.slice(1))
          case 'dump': return await dumpCommand(rest.slice(1))
          case 'diff': return await diffCommand(rest.slice(1))
          default: throw usageError(`unknown config subcommand "${rest[0] ?? ''}"; expected validate, apply, dump or diff`)
        }
      default:
        throw usageError(`unknown command "${command}"`)
    }
  } catch (err) {
    printError(err)
    return 1
  }
}
