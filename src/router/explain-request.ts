// The request an explanation is about, as JSON: what the Admin API, the status listener and
// `atrium routes explain` take. {"method", "url" | "path", "host", "headers", "port", "tls", "sni"}.
// A `url` may be absolute (`https://api.example.com:8443/orders?x=1`: host, port and TLS come from it
// unless given; an https URL's host name is the SNI, as a TLS client sends it) or a path with a query; `path` is the request target as a client sends it. The target
// is normalised exactly as the proxy does (normalize-path.ts) before it is matched.

import type { IncomingHttpHeaders } from 'node:http'
import { isIP } from 'node:net'
import { GatewayError } from '../errors.js'
import type { ExplainInput } from './explain-match.js'
import { normalizePath, splitQuery } from './normalize-path.js'

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const FIELDS = new Set(['method', 'url', 'path', 'host', 'headers', 'port', 'tls', 'sni'])

interface Issue { path: string, message: string }

export function parseExplainRequest (body: unknown): ExplainInput {
  const issues: Issue[] = []
  const fail = (path: string, message: string): void => { issues.push({ path, message }) }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([{ path: '', message: 'expected a JSON object describing the request: {"method", "url" or "path", "host", "headers"}' }])
  }
  const b = body as Record<string, unknown>
  for (const key of Object.keys(b)) if (!FIELDS.has(key)) fail(key, `unknown field; expected ${[...FIELDS].join(', ')}`)

  let method = 'GET'
  if (b.method !== undefined) {
    if (typeof b.method !== 'string' || !TOKEN.test(b.method)) fail('method', 'must be an HTTP method such as GET')
    else method = b.method.toUpperCase()
  }

  const headers: Record<string, string | string[]> = {}
  if (b.headers !== undefined) {
    if (typeof b.headers !== 'object' || b.headers === null || Array.isArray(b.headers)) {
      fail('headers', 'must be an object of header name to a value or a list of values')
    } else {
      for (const [name, value] of Object.entries(b.headers as Record<string, unknown>)) {
        const field = `headers.${name}`
        if (!TOKEN.test(name)) { fail(field, 'is not a valid header name'); continue }
        const values = Array.isArray(value) ? value : [value]
        if (values.length === 0 || values.some((v) => typeof v !== 'string')) { fail(field, 'must be a string or a non-empty list of strings'); continue }
        headers[name.toLowerCase()] = values.length === 1 ? values[0] as string : values as string[]
      }
    }
  }

  let host: string | undefined
  if (b.host !== undefined) {
    if (typeof b.host !== 'string' || b.host === '' || /[\s/?#@]/.test(b.host)) fail('host', 'must be a host name, optionally with :port')
    else host = b.host
  }
  let port: number | undefined
  if (b.port !== undefined) {
    if (!Number.isInteger(b.port) || (b.port as number) < 1 || (b.port as number) > 65535) fail('port', 'must be an integer from 1 to 65535 (the proxy port the request arrives on)')
    else port = b.port as number
  }
  let tls: boolean | undefined
  if (b.tls !== undefined) {
    if (typeof b.tls !== 'boolean') fail('tls', 'must be true or false')
    else tls = b.tls
  }
  let sni: string | undefined
  if (b.sni !== undefined) {
    if (typeof b.sni !== 'string' || b.sni === '') fail('sni', 'must be a TLS server name')
    else sni = b.sni
  }

  let target = '/'
  if (b.url !== undefined && b.path !== undefined) fail('path', 'give url or path, not both')
  else if (b.url === undefined && b.path === undefined) fail('url', 'required: the request URL (or "path": the request target)')
  else if (b.url !== undefined) {
    if (typeof b.url !== 'string' || b.url === '') fail('url', 'must be a URL or a path')
    else if (b.url.startsWith('/')) target = b.url
    else {
      let url: URL | null = null
      try { url = new URL(b.url) } catch { fail('url', 'is not a valid URL') }
      if (url !== null) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('url', 'must be an http or https URL')
        target = url.pathname + url.search
        host ??= url.host
        tls ??= url.protocol === 'https:'
        // A TLS client sends the URL's host name as SNI (never an IP address, RFC 6066 §3).
        if (url.protocol === 'https:' && isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0) sni ??= url.hostname
        if (port === undefined && url.port !== '') port = Number(url.port)
      }
    }
  } else if (typeof b.path !== 'string' || !b.path.startsWith('/')) fail('path', 'must be a request target starting with /')
  else target = b.path

  const path = normalizePath(target)
  if (path === null && issues.length === 0) fail(b.url !== undefined ? 'url' : 'path', 'is not a request target the proxy accepts (bad percent-encoding?)')
  if (issues.length > 0) throw invalid(issues)
  const hostHeader = headers.host
  if (host === undefined && typeof hostHeader === 'string') host = hostHeader
  if (sni !== undefined) tls ??= true
  return {
    method,
    host,
    path: path as string,
    query: splitQuery(target),
    headers: headers as IncomingHttpHeaders,
    port,
    tls: tls === true,
    sni: tls === true ? sni ?? null : null
  }
}

function invalid (fields: Issue[]): GatewayError {
  return new GatewayError('ATRIUM_ERR_ADMIN_INVALID', `the request to explain is invalid: ${fields.map((f) => `${f.path === '' ? '(body)' : f.path}: ${f.message}`).join('; ')}`, { fields })
}
