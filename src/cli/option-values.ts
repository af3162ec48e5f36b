import { isIP } from 'node:net'
import { checkTags, createIssues } from '../contract/index.js'
import { parseDurationSeconds } from '../duration.js'
import { parseListenAddress, type ListenAddress } from '../listen-address.js'
import { usageError } from './usage.js'

// How option values are parsed and checked. Each parser gets the text (from the flag, the
// environment or the default) and `name`, the flag or variable it came from, for the error message.
// The messages are the ones tests and users already match on; keep their wording.

export type ValueParser<T> = (text: string, name: string) => T

export const text: ValueParser<string> = (value) => value

/** Kong tags, comma-separated as decK's --select-tag takes them; checked as the Admin API checks them. */
export const tagList: ValueParser<string[]> = (value, name) => {
  const issues = createIssues()
  const tags = checkTags(value.split(','), name, issues)
  if (issues.errors.length > 0) throw usageError(`${name} "${value}": ${issues.errors[0].message}`)
  return tags
}

export const listenAddress: ValueParser<ListenAddress> = (value, name) => parseListenAddress(value, name)

/** A listener that may be switched off: HOST:PORT, or `off` (null). */
export const listenAddressOrOff: ValueParser<ListenAddress | null> = (value, name) => value === 'off' ? null : parseListenAddress(value, name)

export const duration: ValueParser<number> = (value, name) => parseDurationSeconds(value, name)

/** A duration in milliseconds: `500ms`, `60s`, `2m`, or a whole number of seconds. */
export const durationMs: ValueParser<number> = (value, name) => {
  const ms = /^(\d{1,9})ms$/.exec(value.trim())
  if (ms !== null && Number(ms[1]) > 0) return Number(ms[1])
  return parseDurationSeconds(value, name) * 1000
}

export const positiveSeconds: ValueParser<number> = (value, name) => {
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n <= 0) throw usageError(`${name}: expected a whole number of seconds above 0, got "${value}"`)
  return n
}

/** A whole number from `min` to `max`, in `unit` (for the message); `divides`: it must divide that. */
export function wholeNumber (unit: string, min: number, max: number, divides?: number): ValueParser<number> {
  return (value, name) => {
    const n = Number(value)
    if (!/^\d+$/.test(value) || n < min || n > max || (divides !== undefined && divides % n !== 0)) {
      const also = divides === undefined ? '' : ` that divides ${divides}`
      throw usageError(`${name} must be a whole number of ${unit} from ${min} to ${max}${also} (got "${value}")`)
    }
    return n
  }
}

/** One of `words`, e.g. `on|off`. */
export function oneOf<const W extends readonly string[]> (words: W): ValueParser<W[number]> {
  const last = words.length - 1
  const list = words.length === 1 ? words[0] : `${words.slice(0, last).join(', ')} or ${words[last]}`
  return (value, name) => {
    const word = words.find((w) => w === value)
    if (word === undefined) throw usageError(`${name} must be ${list} (got "${value}")`)
    return word
  }
}

export const onOff: ValueParser<boolean> = (value, name) => oneOf(['on', 'off'])(value, name) === 'on'

/** An http(s) base URL, without trailing slashes. */
export const httpUrl: ValueParser<string> = (value, name) => {
  const base = value.replace(/\/+$/, '')
  if (!/^https?:\/\//.test(base)) throw usageError(`${name} must be an http(s) URL, got "${base}"`)
  return base
}

/** Kong's dns_resolver: DNS servers, comma-separated, each `IP`, `IPv4:PORT` or `[IPv6]:PORT`. */
export const dnsServers: ValueParser<string[]> = (value, name) => {
  return value.split(',').map((raw) => {
    const server = raw.trim()
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(server) ?? /^([^:]+):(\d+)$/.exec(server)
    const ip = m === null ? server : m[1]!
    const port = m === null ? 53 : Number(m[2])
    if (isIP(ip) === 0 || (m !== null && m[0].startsWith('[') !== (isIP(ip) === 6)) || port < 1 || port > 65535) {
      throw usageError(`${name}: expected DNS servers as IP, IPv4:PORT or [IPv6]:PORT, comma-separated (got "${server}")`)
    }
    return server
  })
}

/** An HTTP header name (RFC 9110 token), kept as written. */
export const headerName: ValueParser<string> = (value, from) => {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) throw usageError(`${from} must be an HTTP header name, got "${value}"`)
  return value
}
