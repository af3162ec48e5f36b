import { existsSync, readdirSync, readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'

// The Service Hub UI: the files Vite built into ui-dist/ (committed; `npm run build:ui` rebuilds
// them), served under /ui on the admin listener. The page and its assets need no token: they hold
// no data. Every data call the page makes goes to the Admin API with the token the user enters.
// Files are read once at start-up; only names found then are served (no path ever reaches the disk).

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon'
}

const HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin'
}

interface UiFile { type: string, body: Buffer, immutable: boolean }

/** ui-dist/ next to package.json, from src/ (tsx) or dist/src/ (compiled). */
function findUiDist (): string | null {
  for (const up of ['../../../ui-dist/', '../../../../ui-dist/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url))
    if (existsSync(dir + 'index.html')) return dir
  }
  return null
}

function loadFiles (dir: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>()
  const add = (urlPath: string, file: string, immutable: boolean): void => {
    const ext = file.slice(file.lastIndexOf('.'))
    const type = TYPES[ext]
    if (type !== undefined) files.set(urlPath, { type, body: readFileSync(file), immutable })
  }
  add('/ui/', dir + 'index.html', false)
  if (existsSync(dir + 'assets')) {
    for (const name of readdirSync(dir + 'assets')) add(`/ui/assets/${name}`, `${dir}assets/${name}`, true)
  }
  return files
}

export type UiHandler = (req: IncomingMessage, res: ServerResponse) => boolean

/** Answers GET/HEAD under /ui (and of `/`, redirected to /ui/) and returns true; returns false for any other path (the Admin API's). */
export function createUiHandler (dir: string | null = findUiDist()): UiHandler {
  const files = dir === null ? new Map<string, UiFile>() : loadFiles(dir)
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const send = (status: number, type: string, body: Buffer | string, extra: Record<string, string> = {}): true => {
      res.writeHead(status, { ...HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra })
      res.end(req.method === 'HEAD' ? undefined : body)
      return true
    }
    // The Admin API has no `/` resource: a GET or HEAD of the listener's root opens the UI. A 302,
    // not a 301, so a later `/` resource is not hidden by a browser's cached redirect.
    if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) return send(302, 'text/plain; charset=utf-8', 'see /ui/\n', { location: '/ui/' })
    if (path !== '/ui' && !path.startsWith('/ui/')) return false
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' })
    if (path === '/ui') return send(301, 'text/plain; charset=utf-8', 'moved to /ui/\n', { location: '/ui/' })
    const file = files.get(path)
    if (file === undefined) {
      const msg = files.size === 0 ? 'the Service Hub UI is not built: npm run build:ui\n' : 'not found\n'
      return send(404, 'text/plain; charset=utf-8', msg)
    }
    return send(200, file.type, file.body, { 'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache' })
  }
}
