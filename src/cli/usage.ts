import { GatewayError } from '../errors.js'
import { parseListenAddress, type ListenAddress } from './listen-address.js'

export function usageError (message: string): GatewayError {
  return new GatewayError('ATRIUM_ERR_CLI_USAGE', `${message}\nRun \`atrium --help\` for usage.`)
}

/** A listen address from the flag, else the environment variable, else the default. */
export function listenFrom (flag: string | undefined, envName: string, fallback: string, field: string): ListenAddress {
  return parseListenAddress(flag ?? process.env[envName] ?? fallback, field)
}

export function secondsFrom (flag: string | undefined, envName: string, fallback: number, field: string): number {
  const text = flag ?? process.env[envName]
  if (text === undefined) return fallback
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value <= 0) throw usageError(`${field}: expected a whole number of seconds above 0, got "${text}"`)
  return value
}
