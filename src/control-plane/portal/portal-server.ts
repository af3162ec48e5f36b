import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import FindMyWay from 'find-my-way'
import { GatewayError } from '../../errors.js'
import type { Logger } from '../../log.js'
import type { Db } from '../store/db.js'
import { pageResult, readPage } from '../shared/pagination.js'
import { readLabelFilters, readTextParam } from '../catalog/query-input.js'
import { findAsset } from './portal-assets.js'
import {
  findPortalDocument, findPortalPackage, findPortalVersion, portalDocuments, portalLabels, portalSpecDocument, portalVersions, searchPortalPackages,
  specEnvironment
} from './portal-data.js'
import { documentPage, homePage, messagePage, packagePage, versionPage } from './portal-pages.js'

// The Dev Portal: read-only, server-rendered pages of what is published, safe to expose. It has no
// Admin API route, no write path and no session; every answer carries the security headers. The
// only JSON it serves is a visible version's spec (for Swagger UI).

const HOME_PAGE_SIZE = 24

/**
 * Swagger UI needs inline style attributes it sets from script (allowed by style-src 'self' since
 * they go through the CSSOM) and fetches the spec from this origin; nothing else is loaded.
 */
export const PORTAL_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' https: data:", "font-src 'self' data:",
  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"
].join('; ')

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': PORTAL_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin'
}

interface Answer { status: number, type: string, body: string | Buffer, cache?: string, headers?: Record<string, string> }

type Handler = (params: Record<string, string | undefined>, query: URLSearchParams) => Promise<Answer>

const page = (body: string, status = 200): Answer => ({ status, type: 'text/html; charset=utf-8', body })
const notFound = (): Answer => page(messagePage(404, 'Nothing is published here.'), 404)
/** Versions are addressed by name; an id URL (as before) moves there, to the environment it named. */
const moved = (path: string, environment: string): Answer => {
  const location = `${path}?environment=${encodeURIComponent(environment)}`
  return { ...page(messagePage(301, 'This version moved.'), 301), headers: { location } }
}

export interface PortalServerOptions { db: Db, logger: Logger }

function portalRoutes (db: Db): Array<[string, Handler]> {
  return [
    ['/', async (_p, query) => {
      const q = readTextParam(query, 'q')
      const labels = readLabelFilters(query)
      const cursor = new URLSearchParams({ size: String(HOME_PAGE_SIZE) })
      const next = query.get('next')
      if (next !== null) cursor.set('next', next)
      const paging = readPage(cursor)
      const result = pageResult(paging, await searchPortalPackages(db, q, labels, paging))
      return page(homePage({ q, labels, allLabels: await portalLabels(db), packages: result.data, next: result.next }))
    }],
    ['/packages/:slug', async (p) => {
      const pkg = await findPortalPackage(db, p.slug ?? '')
      if (pkg === null) return notFound()
      return page(packagePage(pkg, await portalDocuments(db, pkg), await portalVersions(db, pkg)))
    }],
    ['/packages/:slug/docs/:doc', async (p) => {
      const pkg = await findPortalPackage(db, p.slug ?? '')
      const doc = pkg === null ? null : await findPortalDocument(db, pkg, p.doc ?? '')
      if (pkg === null || doc === null) return notFound()
      return page(documentPage(pkg, await portalDocuments(db, pkg), doc))
    }],
    ['/packages/:slug/versions/:version', async (p, query) => {
      const pkg = await findPortalPackage(db, p.slug ?? '')
      const found = pkg === null ? null : await findPortalVersion(db, pkg, p.version ?? '')
      if (pkg === null || found === null) return notFound()
      if ('redirect' in found) return moved(`/packages/${encodeURIComponent(pkg.slug)}/versions/${encodeURIComponent(found.redirect.version)}`, found.redirect.environment)
      const shown = specEnvironment(found.version, query.get('environment'))
      if (shown === null) return notFound()
      return page(versionPage(pkg, await portalDocuments(db, pkg), found.version, shown))
    }],
    ['/api/packages/:slug/versions/:version/spec.json', async (p, query) => {
      const pkg = await findPortalPackage(db, p.slug ?? '')
      const found = pkg === null ? null : await findPortalVersion(db, pkg, p.version ?? '')
      if (pkg !== null && found !== null && 'redirect' in found) {
        return moved(`/api/packages/${encodeURIComponent(pkg.slug)}/versions/${encodeURIComponent(found.redirect.version)}/spec.json`, found.redirect.environment)
      }
      const shown = found === null || 'redirect' in found ? null : specEnvironment(found.version, query.get('environment'))
      const spec = shown === null ? null : await portalSpecDocument(db, shown)
      if (spec === null) return { status: 404, type: 'application/json; charset=utf-8', body: '{"message":"not found"}' }
      return { status: 200, type: 'application/json; charset=utf-8', body: spec }
    }],
    ['/assets/*', async (p) => {
      const asset = findAsset(p['*'] ?? '')
      return asset === null ? notFound() : { status: 200, type: asset.type, body: asset.body, cache: 'public, max-age=3600' }
    }]
  ]
}

function send (req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body
  res.writeHead(answer.status, {
    ...SECURITY_HEADERS,
    'content-type': answer.type,
    'content-length': body.length,
    'cache-control': answer.cache ?? 'no-cache',
    ...answer.headers
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

export function createPortalServer (options: PortalServerOptions): Server {
  const log = options.logger.child({ component: 'portal' })
  const router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true })
  for (const [path, handler] of portalRoutes(options.db)) router.on('GET', path, () => {}, handler)

  async function handle (req: IncomingMessage): Promise<Answer> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return { ...page(messagePage(405, 'The Dev Portal is read-only.'), 405), headers: { allow: 'GET, HEAD' } }
    }
    const url = new URL(req.url ?? '/', 'http://portal.invalid')
    const found = router.find('GET', url.pathname)
    if (found === null) return notFound()
    const params: Record<string, string | undefined> = found.params
    if (Object.values(params).some((v) => v?.includes('\0'))) return notFound()
    try {
      return await (found.store as Handler)(params, url.searchParams)
    } catch (err) {
      if (err instanceof GatewayError && err.statusCode === 400) return page(messagePage(400, err.message), 400)
      throw err
    }
  }

  return createServer((req, res) => {
    handle(req).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'portal request failed')
      return page(messagePage(500, 'Something went wrong.'), 500)
    }).then((answer) => {
      if (!req.readableEnded) req.resume()
      send(req, res, answer)
    }, () => res.destroy())
  })
}
