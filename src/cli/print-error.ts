import { GatewayError } from '../errors.js'
import { formatListenAddress, ListenError } from '../listen-address.js'
import { listenerOption } from './options.js'

// How `atrium` reports a failure on stderr before exiting 1: one line that says what is wrong, names
// the flag, and what to do. Only a declarative file's errors add lines (one `path: message` each).
// An unexpected error's stack is printed only with ATRIUM_LOG_LEVEL=debug or trace.

const REMEDIES: Record<string, string> = {
  EADDRINUSE: 'stop the other process or pick another address with',
  EACCES: 'ports below 1024 need privileges: pick another port with',
  EADDRNOTAVAIL: 'pick an address of this machine with',
  ENOTFOUND: 'pick a host name that resolves, or an IP address, with'
}

function listenLine (err: ListenError): string {
  const option = listenerOption(err.listener)
  const where = formatListenAddress(err.address)
  if (option?.flag === undefined) return err.message
  const flag = `--${option.flag}`
  const setting = option.env === undefined ? flag : `${flag} (${option.env})`
  const remedy = (err.errno === undefined ? undefined : REMEDIES[err.errno]) ?? 'pick another address with'
  return `${flag} ${where}: ${err.reason}; ${remedy} ${setting}`
}

/** `command` is how the user ran it (`atrium data-plane`), for the pointer to its --help. */
export function printError (err: unknown, command: string): void {
  const write = (line: string): void => { process.stderr.write(`error: ${line}\n`) }
  if (err instanceof ListenError) {
    write(listenLine(err))
  } else if (err instanceof GatewayError && err.code === 'ATRIUM_ERR_CLI_USAGE') {
    write(`${err.message}; see ${command} --help`)
  } else if (err instanceof GatewayError) {
    write(err.message)
    for (const f of err.fields) process.stderr.write(`  ${f.path === '' ? '(file)' : f.path}: ${f.message}\n`)
  } else {
    const level = process.env.ATRIUM_LOG_LEVEL
    const debug = level === 'debug' || level === 'trace'
    write(err instanceof Error ? (debug ? err.stack ?? err.message : err.message) : String(err))
  }
}
