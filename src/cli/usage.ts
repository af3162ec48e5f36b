import { GatewayError } from '../errors.js'

/**
 * A mistake on the command line. The message is one line and names the flag or variable; the CLI
 * prints it as `error: MESSAGE; see atrium COMMAND --help` (src/cli/print-error.ts) and exits 1.
 */
export function usageError (message: string): GatewayError {
  return new GatewayError('ATRIUM_ERR_CLI_USAGE', message)
}
