import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import FindMyWay from 'find-my-way'
import { GatewayError, errorBody } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { AdminAuth } from './auth.js'
import { DEFAULT_BODY_LIMIT, type AdminContext, type AdminResult, type AdminRoute, type HttpMethod } from './admin-route.js'
import { mediaTypeOf, readBody, readJsonBody } from './read-body.js'
import type { AdminObserver } from '../metrics/observers.js'

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

export interface AdminServerOptions {
  routes: AdminRoute[]
  auth: AdminAuth
  logger: Logger
  /** Every answered request with its route pattern and latency, for metrics. */
  observer?: AdminObserver
  /** Static pages answered before auth (the Service Hub UI under /ui); true when it answered. */
  ui?: (req: IncomingMessage, res: ServerResponse) => boolean
}

/** The one place an error becomes a response: `{ code, message, fields: { path: reason } }`, with the error's `details` beside them. */
export function errorResult (err: unknown): AdminResult {
  if (err instanceof GatewayError) return { status: err.statusCode, body: errorBody(err) }
  return { status: 500, body: { code: 'ATRIUM_ERR_ADMIN_INTERNAL', message: 'an unexpected error occurred', fields: {} } }
}

function send (res: ServerResponse, result: AdminResult): void {
  const headers: Record<string, string | number> = { ...result.headers }
  let payload = ''
  if (result.raw !== undefined) payload = result.raw
  else if (result.body !== undefined) {
    payload = JSON.stringify(result.body)
    headers['content-type'] ??= 'application/json; charset=utf-8'
  }
  headers['content-length'] = Buffer.byteLength(payload)
  res.writeHead(result.status, headers)
  res.end(res.req.method === 'HEAD' ? undefined : payload)
}

/** Admin API server: find-my-way routing, bearer-token roles, JSON errors; no route can answer a raw 500 page. */
export function createAdminServer (options: AdminServerOptions): Server {
  const log = options.logger.child({ component: 'admin-api' })
  const router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true })
  for (const route of options.routes) router.on(route.method, route.path, () => {}, route)

  async function handle (req: IncomingMessage, matched: { route: string | null }): Promise<AdminResult> {
    const url = new URL(req.url ?? '/', 'http://admin.invalid')
    const method = (req.method === 'HEAD' ? 'GET' : req.method) as HttpMethod
    // Authenticate before routing, so an anonymous caller learns nothing, not even which paths exist.
    let role: AdminContext['role'] = 'admin'
    if (options.auth.enabled) {
      const r = options.auth.roleOf(req.headers.authorization)
      if (r === null) return { ...errorResult(new GatewayError('ATRIUM_ERR_ADMIN_UNAUTHORIZED')), headers: { 'www-authenticate': 'Bearer realm="atrium-admin"' } }
      role = r
    }
    const found = METHODS.includes(method) ? router.find(method, url.pathname) : null
    if (role === 'viewer' && method !== 'GET' && (found === null || (found.store as AdminRoute).readOnly !== true)) {
      throw new GatewayError('ATRIUM_ERR_ADMIN_FORBIDDEN', 'the viewer role can only read')
    }
    if (found === null) {
      const allowed = METHODS.filter((m) => router.find(m, url.pathname) !== null)
      if (allowed.length > 0) {
        return { ...errorResult(new GatewayError('ATRIUM_ERR_ADMIN_METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed here; allowed: ${allowed.join(', ')}`)), headers: { allow: allowed.join(', ') } }
      }
      throw new GatewayError('ATRIUM_ERR_ADMIN_NOT_FOUND', `no Admin API endpoint at ${url.pathname}`)
    }
    const route = found.store as AdminRoute
    matched.route = route.path
    const limit = route.bodyLimit ?? DEFAULT_BODY_LIMIT
    const params: Record<string, string> = {}
    for (const [k, v] of Object.entries(found.params)) if (v !== undefined) params[k] = v
    // PostgreSQL cannot compare TEXT with NUL; no id or name contains one. The field is the path
    // parameter (`rg`, `id` …) or the query parameter that holds it.
    const nul = Object.entries(params).filter(([, v]) => v.includes('\0')).map(([k]) => k)
    for (const [k, v] of url.searchParams) if (k.includes('\0') || v.includes('\0')) nul.push(k.replaceAll('\0', '\\u0000'))
    if (nul.length > 0) {
      throw new GatewayError('ATRIUM_ERR_ADMIN_INVALID', 'NUL characters are not allowed in paths or queries', {
        fields: nul.map((path) => ({ path, message: 'must not contain NUL characters' }))
      })
    }
    const ctx: AdminContext = {
      req,
      method,
      params,
      query: url.searchParams,
      role,
      json: () => readJsonBody(req, limit),
      text: async () => ({ text: (await readBody(req, limit)).toString('utf8'), mediaType: mediaTypeOf(req) })
    }
    return await route.handler(ctx)
  }

  return createServer((req, res) => {
    if (options.ui?.(req, res) === true) return
    const started = process.hrtime.bigint()
    const matched = { route: null as string | null }
    handle(req, matched).catch((err: unknown) => {
      if (!(err instanceof GatewayError)) log.error({ err, method: req.method, url: req.url }, 'admin request failed')
      return errorResult(err)
    }).then((result) => {
      // Drain an unread body so keep-alive stays usable; after an error it is discarded.
      if (!req.readableEnded) req.resume()
      send(res, result)
      options.observer?.adminRequest(req.method ?? '', matched.route, result.status, Number(process.hrtime.bigint() - started) / 1e9)
      log.debug({ method: req.method, url: req.url, status: result.status, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'admin request')
    }, (err: unknown) => {
      log.error({ err }, 'admin response failed')
      res.destroy()
    })
  })
}

