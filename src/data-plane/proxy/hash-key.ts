import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { UpstreamConfig, UpstreamHashOn } from '../../contract/index.js'
import { cookieValue } from '../../cookie-value.js'
import type { RouteCaptures } from '../../router/types.js'

// What a consistent-hashing upstream hashes a request on: Kong's get_value_to_hash
// (kong/runloop/balancer/init.lua). hash_on first; when it yields nothing, hash_fallback (with its
// own header, query_arg and uri_capture names). A `cookie` the request lacks is generated (a
// random UUID) and the response sets it, so the client sticks to one target from then on.

export interface HashInput {
  req: IncomingMessage
  /** The normalised request path (Kong's `ngx.var.uri`). */
  path: string
  /** The query string without `?`. */
  query: string
  captures: RouteCaptures | null
  clientAddress: string
  /** The identified consumer's id (else its username or custom_id), or null. */
  consumer: string | null
}

export interface HashKey {
  key: string
  /** A cookie to set on the response (`hash_on: cookie` without it in the request), or null. */
  setCookie: string | null
}

const NONE: HashKey = { key: '', setCookie: null }

export function hashKeyOf (u: UpstreamConfig, input: HashInput): HashKey {
  if (u.hash_on === 'none') return NONE
  const first = valueOf(u, u.hash_on, u.hash_on_header, u.hash_on_query_arg, u.hash_on_uri_capture, input)
  if (first !== null) return first
  if (u.hash_fallback === 'none') return NONE
  return valueOf(u, u.hash_fallback, u.hash_fallback_header, u.hash_fallback_query_arg, u.hash_fallback_uri_capture, input) ?? NONE
}

function valueOf (u: UpstreamConfig, on: UpstreamHashOn, header: string | null, queryArg: string | null, capture: string | null, input: HashInput): HashKey | null {
  const key = (value: string | null): HashKey | null => (value === null ? null : { key: value, setCookie: null })
  switch (on) {
    case 'consumer': return key(input.consumer)
    case 'ip': return key(input.clientAddress)
    case 'header': {
      // Several lines of the header are concatenated, as Kong's table_concat.
      const v = input.req.headers[header as string]
      return key(v === undefined ? null : Array.isArray(v) ? v.join('') : v)
    }
    case 'cookie': {
      const name = u.hash_on_cookie as string
      const found = cookieValue(input.req.headers.cookie, name)
      if (found !== undefined) return key(found)
      const value = randomUUID()
      return { key: value, setCookie: `${name}=${value}; Path=${u.hash_on_cookie_path}` }
    }
    case 'path': return key(input.path)
    case 'query_arg': return key(queryArgValue(input.query, queryArg as string))
    case 'uri_capture': {
      const c = input.captures
      if (c === null) return null
      const name = capture as string
      const v = /^\d+$/.test(name) ? c.unnamed[Number(name)] : c.named[name]
      return key(v === undefined ? null : v)
    }
    case 'none': return null
  }
}

/** Kong: several values sorted and joined with ","; a bare argument (`?a`) is "". */
function queryArgValue (query: string, name: string): string | null {
  if (query === '') return null
  const values = new URLSearchParams(query).getAll(name)
  if (values.length === 0) return null
  return values.length === 1 ? values[0]! : values.sort().join(',')
}
